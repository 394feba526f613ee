"""Widget state builders: the chapter's numbers, and honest answers when torch is missing."""

from __future__ import annotations

import pytest

from convscope.widgets import torch_check
from convscope.widgets.assets import asset_file
from convscope.widgets.registry import WIDGETS

GRADIENT = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


def test_every_widget_names_a_module_and_styles_that_ship() -> None:
    for widget in WIDGETS.values():
        assert asset_file(widget.module) == widget.esm, widget.module
        assert widget.css is None or asset_file(str(widget.stylesheet)) == widget.css


def test_flip_turns_the_kernel_and_true_convolution_commutes() -> None:
    state = WIDGETS["flip"].state({"signal": [[1, 2], [3, 4]], "kernel": [[1, 2], [0, -1]]})
    assert state["convolution"]["kernel_used"] == [["−1", "0"], ["2", "1"]]
    assert state["correlation"]["output"] == [["1"]]  # 1·1 + 2·2 + 3·0 + 4·(−1)
    assert state["convolution"]["output"] == [["9"]]  # 1·(−1) + 2·0 + 3·2 + 4·1
    with_flip, without_flip = state["commutativity"]
    assert with_flip["equal"] is True
    assert without_flip["equal"] is False
    assert without_flip["turned_copy"] is True


def test_step_explains_output_0_0_as_in_the_chapter() -> None:
    state = WIDGETS["step"].state({"input": GRADIENT, "kernel": SOBEL_X, "position": [0, 0]})
    step = state["step"]
    assert step["window"] == [["10", "20", "30"], ["20", "40", "60"], ["30", "60", "90"]]
    assert step["products"] == [["−10", "0", "30"], ["−40", "0", "120"], ["−30", "0", "90"]]
    assert step["result"] == "160"


def test_calculator_writes_out_every_cell_of_the_chapters_output() -> None:
    state = WIDGETS["calculator"].state({"input": GRADIENT, "kernel": SOBEL_X})
    assert [step["result"] for step in state["trace"]["steps"]] == ["160"] * 3 + ["240"] * 3 + [
        "320"
    ] * 3
    assert state["size"]["rows"].endswith("= 3")


def test_calculator_dilation_appears_in_the_size_formula() -> None:
    inputs = {"input": [[0] * 7] * 7, "kernel": SOBEL_X, "dilation": 2, "stride": 2}
    state = WIDGETS["calculator"].state(inputs)
    assert state["size"]["cols"] == "⌊(7 + 0 + 0 − 2×(3 − 1) − 1) ÷ 2⌋ + 1 = 2"


def test_torch_check_says_not_installed_instead_of_faking(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(torch_check, "_torch", lambda: None)
    state = WIDGETS["torch_check"].state({"image": GRADIENT, "kernel": SOBEL_X})
    assert state["torch"] == {"available": False, "message": "PyTorch is not installed"}
    assert state["convscope"]["output_text"][0] == ["160", "160", "160"]
