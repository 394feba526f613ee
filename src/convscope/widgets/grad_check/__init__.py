"""The ``grad_check`` widget: the third lesson's quick checks, drawn by the quiz's module.

Questions come from :mod:`.variants` (one weight's gradient, an input cell's gradient, a
gradient's size), answered with a whole number and marked on the server. Inputs and state
follow the ``quiz`` widget's contract for number answers, as ``quick_check``'s do, so the page
draws them with ``widgets/quiz/quiz.js``; the answer reaches the page only once it is asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from ..base import Widget
from ..quick_check import GeneratedCheckInputs, generated_state
from .variants import GENERATORS


class GradCheckInputs(GeneratedCheckInputs):
    """Inputs of the ``grad_check`` widget: a generated check's inputs
    with its own kinds of question."""

    kind: Literal["weight_gradient", "input_gradient", "gradient_shape"]
    answer: Annotated[int, Field(ge=-1_000_000, le=1_000_000)] | None = None


def build_state(inputs: GradCheckInputs) -> dict[str, Any]:
    """Return the question and, once answered, whether the answer is right and why.

    Examples
    --------
    >>> state = build_state(GradCheckInputs(kind="gradient_shape", variant=0))
    >>> state["result"] is None, "∂L/∂w" in state["question"]
    (True, True)
    """
    return generated_state(inputs, GENERATORS)


WIDGET = Widget(
    name="grad_check",
    inputs=GradCheckInputs,
    build=build_state,
    esm=Path(__file__).parents[1] / "quiz" / "quiz.js",
    css=Path(__file__).parents[1] / "quiz" / "quiz.css",
)
