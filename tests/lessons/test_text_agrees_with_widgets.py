"""What a lesson says about a widget is what that widget shows, as the engine computes it."""

from __future__ import annotations

from convscope.lessons import render_lesson
from convscope.widgets.calculator import CalculatorInputs, build_state


def _rows_read(inputs: dict[str, object]) -> set[int]:
    state = build_state(CalculatorInputs.model_validate(inputs))
    return {row for step in state["trace"]["steps"] for row in step["rows"] if row >= 0}


def test_the_stride_passage_matches_its_calculator_with_and_without_padding() -> None:
    lesson = render_lesson("stride-padding-pooling")
    stride = lesson.placed[0]
    assert stride.inputs["stride"] == 2 and len(stride.inputs["input"]) == 6
    html = lesson.html
    passage = html[html.index("The floor matters") : html.index(stride.element_id)]
    assert "Without padding" in passage and "row 5, the last, is never read" in passage
    assert "adds padding 1" in passage and "every row is read" in passage
    assert stride.inputs["padding"] == 1
    assert _rows_read(stride.inputs) == set(range(6))  # padding 1: every row is read
    assert _rows_read({**stride.inputs, "padding": 0}) == set(range(5))  # row 5 never is
