"""The bundled digits: what the file holds, where it came from, and the fixed held-out split."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import numpy as np
import pytest

from convscope.network import held_out_split, load_digits
from convscope.network.digits import digits_folder


def test_the_bundled_set_is_1797_images_of_8x8_counts_0_to_16() -> None:
    digits = load_digits()
    assert digits.images.shape == (1797, 8, 8)
    assert digits.images.dtype == np.uint8 and digits.labels.dtype == np.uint8
    assert digits.images.min() == 0 and digits.images.max() == 16
    assert sorted(np.unique(digits.labels)) == list(range(10))
    assert np.bincount(digits.labels).min() >= 170


def test_the_first_image_is_the_zero_of_the_uci_file() -> None:
    # The first line of digits.csv.gz, written out on purpose.
    first_rows = [[0, 0, 5, 13, 9, 1, 0, 0], [0, 0, 13, 15, 10, 15, 5, 0]]
    digits = load_digits()
    assert digits.images[0, :2].tolist() == first_rows
    assert digits.labels[0] == 0


def test_the_provenance_names_the_source_the_licence_and_the_conversion() -> None:
    text = (digits_folder() / "SOURCES.md").read_text(encoding="utf-8")
    for phrase in ["Alpaydin", "Kaynak", "UCI", "10.24432/C50P49", "CC BY 4.0"]:
        assert phrase in text
    assert "scripts/make_digits.py" in text


def test_the_held_out_split_is_a_stratified_fifth_disjoint_from_training() -> None:
    training, held_out = held_out_split()
    assert (len(training), len(held_out)) == (1438, 359)
    parts = [*_rows(training.images, training.labels), *_rows(held_out.images, held_out.labels)]
    assert sorted(parts) == sorted(_rows(load_digits().images, load_digits().labels))
    counts, held = np.bincount(load_digits().labels), np.bincount(held_out.labels)
    np.testing.assert_allclose(held / counts, 0.2, atol=0.01)


def _rows(images: np.ndarray, labels: np.ndarray) -> list[bytes]:
    return [image.tobytes() + bytes([label]) for image, label in zip(images, labels, strict=True)]


def test_the_data_cannot_be_changed_by_accident() -> None:
    with pytest.raises(ValueError, match="read-only"):
        load_digits().images[0, 0, 0] = 1


@pytest.mark.parametrize(
    "module_name",
    [
        "convscope.network",
        "convscope.network.digits",
        "convscope.network.model",
        "convscope.network.train",
    ],
)
def test_docstring_examples_run(module_name: str) -> None:
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0


def test_the_network_guide_examples_run() -> None:
    guide = Path(__file__).resolve().parents[2] / "docs" / "network.md"
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testfile(str(guide), module_relative=False, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0
