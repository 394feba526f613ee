"""pad and padding_mask: each padding mode equal to torch.nn.functional.pad, and the mode limits."""

from __future__ import annotations

from types import ModuleType

import numpy as np
import pytest

from convscope import pad
from convscope.engine import padding_mask

TORCH_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}
TORCH_MODE["circular"] = "circular"
SIDES = [((1, 1), (1, 1)), ((0, 2), (3, 1)), ((2, 0), (0, 0)), ((3, 3), (2, 4))]


@pytest.mark.parametrize("mode", list(TORCH_MODE))
@pytest.mark.parametrize("sides", SIDES)
def test_pad_matches_torch_pad(torch: ModuleType, mode: str, sides: tuple) -> None:
    array = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    (top, bottom), (left, right) = sides
    expected = torch.nn.functional.pad(
        torch.tensor(array), (left, right, top, bottom), mode=TORCH_MODE[mode]
    ).numpy()
    np.testing.assert_array_equal(pad(array, sides, mode), expected)  # type: ignore[arg-type]


def test_pad_by_hand_for_each_mode() -> None:
    row = np.array([[1, 2, 3]])
    sides = ((0, 0), (2, 2))
    assert pad(row, sides, "zeros").tolist() == [[0, 0, 1, 2, 3, 0, 0]]
    assert pad(row, sides, "reflect").tolist() == [[3, 2, 1, 2, 3, 2, 1]]
    assert pad(row, sides, "replicate").tolist() == [[1, 1, 1, 2, 3, 3, 3]]
    assert pad(row, sides, "circular").tolist() == [[2, 3, 1, 2, 3, 1, 2]]


def test_pad_keeps_the_dtype_and_leading_axes() -> None:
    array = np.arange(12, dtype=np.int64).reshape(1, 3, 2, 2)
    padded = pad(array, ((1, 0), (0, 1)))
    assert padded.dtype == np.int64 and padded.shape == (1, 3, 3, 3)


def test_reflect_needs_padding_smaller_than_the_size() -> None:
    array = np.ones((3, 3))
    assert pad(array, ((2, 2), (2, 2)), "reflect").shape == (7, 7)
    with pytest.raises(ValueError, match="padding_mode='reflect' needs padding < input size"):
        pad(array, ((3, 0), (0, 0)), "reflect")


def test_circular_allows_padding_equal_to_the_size_but_not_more() -> None:
    array = np.arange(9).reshape(3, 3)
    assert pad(array, ((0, 0), (3, 3)), "circular").shape == (3, 9)
    with pytest.raises(ValueError, match="column padding"):
        pad(array, ((0, 0), (0, 4)), "circular")


def test_padding_mask_marks_exactly_the_added_cells() -> None:
    mask = padding_mask((2, 3), ((1, 0), (2, 1)))
    assert mask.shape == (3, 6) and mask.dtype == bool
    assert mask.sum() == 3 * 6 - 2 * 3
    assert not mask[1:, 2:5].any()
    assert mask[0].all() and mask[:, :2].all() and mask[:, 5].all()


def test_pad_by_an_int_pads_every_side_as_np_pad_does() -> None:
    array = np.arange(6).reshape(2, 3)
    np.testing.assert_array_equal(pad(array, 2, "replicate"), np.pad(array, 2, mode="edge"))


def test_pad_takes_a_nested_list_as_every_engine_function_does() -> None:
    assert pad([[1, 2, 3]], ((0, 0), (1, 1)), "reflect").tolist() == [[2, 1, 2, 3, 2]]
    assert pad([[1, 2, 3]], 1).shape == (3, 5)
