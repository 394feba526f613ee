"""``convscope.widgets``: one notebook class per lesson widget, its state from the same builder."""

from __future__ import annotations

import re

import numpy as np
import pytest

widgets = pytest.importorskip("convscope.widgets")

from convscope.widgets.bundle import bundle_module  # noqa: E402
from convscope.widgets.registry import WIDGETS  # noqa: E402

IMAGE = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


def test_every_registered_widget_has_a_notebook_class() -> None:
    assert set(widgets.CLASSES) == set(WIDGETS)
    for name in ("Calculator", "Gallery", "Channels", "CodeTrace", "QuickCheck", "Quiz"):
        assert issubclass(getattr(widgets, name), widgets.ConvscopeWidget)


def test_esm_is_the_pages_module_behind_the_adapter() -> None:
    for cls in widgets.CLASSES.values():
        esm = cls._esm if isinstance(cls._esm, str) else str(cls._esm)
        assert "export default { render }" in esm
        assert not re.search(r"""from\s*["']\.""", esm)
        assert bundle_module(cls.widget.module).encode()  # the file the page loads, bundled
    css = widgets.Calculator._css
    assert css.startswith(".cs-jupyter {") and "body {" not in css


def test_calculator_output_is_torchs_and_follows_stride() -> None:
    torch = pytest.importorskip("torch")
    calc = widgets.Calculator(np.array(IMAGE), np.array(SOBEL_X))
    for stride in (1, 2, 3):
        calc.stride = stride
        expected = torch.nn.functional.conv2d(
            torch.tensor([[IMAGE]], dtype=torch.float64),
            torch.tensor([[SOBEL_X]], dtype=torch.float64),
            stride=stride,
        )[0, 0].numpy()
        np.testing.assert_array_equal(calc.output, expected)
        assert calc.state["inputs"]["stride"] == stride


def test_chapter_numbers_and_padding_change() -> None:
    calc = widgets.Calculator(IMAGE, SOBEL_X)
    assert calc.output.tolist() == [[160, 160, 160], [240, 240, 240], [320, 320, 320]]
    calc.padding = 1
    assert calc.output.shape == (5, 5)


def test_a_bad_python_value_raises_and_leaves_the_widget_as_it_was() -> None:
    calc = widgets.Calculator(IMAGE, SOBEL_X, stride=2)
    with pytest.raises(ValueError, match="stride"):
        calc.stride = 9
    assert calc.stride == 2
    assert calc.output.shape == (2, 2)


def test_a_bad_change_from_the_page_is_refused_in_the_apis_words() -> None:
    calc = widgets.Calculator(IMAGE, SOBEL_X)
    calc.inputs = {**calc.inputs, "stride": 7}
    assert calc.refusal == {
        "detail": "stride must be at most 4, got 7",
        "field": "stride",
    }
    assert calc.inputs["stride"] == 1 and calc.stride == 1
    calc.inputs = {**calc.inputs, "stride": 3}
    assert calc.refusal is None and calc.stride == 3


def test_wrong_inputs_at_construction_name_the_input() -> None:
    with pytest.raises(ValueError, match="kernel"):
        widgets.Calculator(IMAGE, [[1, 2], [3]])
    with pytest.raises(TypeError, match="at most"):
        widgets.Flip(1, 2, 3, 4)


def test_gallery_pictures_travel_inside_the_state() -> None:
    gallery = widgets.Gallery(photo="coffee", kernel="box_blur")
    assert gallery.state["large"]["filtered"].startswith("data:image/jpeg;base64,")
    assert all(url.startswith("data:image/") for url in gallery.state["thumbs"].values())
    assert gallery.state["upload"]["url"] is None  # uploads need convscope serve


def test_quick_check_marks_an_answer_with_the_engines_verdict() -> None:
    check = widgets.QuickCheck(kind="output_size")
    check.answer = 10
    assert check.state["result"]["correct"] is True
