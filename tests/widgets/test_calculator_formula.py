"""The calculator's formula mode: each output cell as y₀₀ = w₀₀·x₀₀ + …, from the engine's trace."""

from __future__ import annotations

from convscope import trace
from convscope.tracing.formula import formula_of
from convscope.widgets.calculator import CalculatorInputs, build_state

IMAGE = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]


def test_every_cell_has_the_traces_formula_in_step_order() -> None:
    state = build_state(CalculatorInputs(input=IMAGE, kernel=SOBEL_X, padding=1, stride=2))
    traced = trace(IMAGE, SOBEL_X, stride=2, padding=1)
    assert len(state["formulas"]) == len(state["trace"]["steps"]) == 9
    for step, written in zip(state["trace"]["steps"], state["formulas"], strict=True):
        formula = formula_of(traced, step["i"], step["j"])
        assert written == {"symbolic": formula.symbolic(), "substituted": formula.substituted()}
        assert written["substituted"].endswith("= " + step["result"])


def test_the_lessons_first_cell_reads_as_nine_products_and_its_number() -> None:
    state = build_state(CalculatorInputs(input=IMAGE, kernel=SOBEL_X))
    first = state["formulas"][0]
    assert first["symbolic"].startswith("y₀₀ = w₀₀·x₀₀ + w₀₁·x₀₁ + w₀₂·x₀₂ + w₁₀·x₁₀")
    assert first["substituted"].endswith("+ 1·90 = 160")
    with_bias = build_state(CalculatorInputs(input=IMAGE, kernel=SOBEL_X, bias=5))["formulas"][0]
    assert with_bias["symbolic"].endswith(" + b") and with_bias["substituted"].endswith("5 = 165")
