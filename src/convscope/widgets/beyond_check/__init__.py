"""The ``beyond_check`` widget: quick checks for the "Beyond the image" lesson.

Three kinds of generated question (:mod:`.variants`): the output length of a stack of dilated
1-D layers, the parameters of a depthwise-separable block, and the depth of a 3-D
convolution's output. Answers are whole numbers computed by the engine and marked on the
server; the state follows the quiz's contract for number answers, so the quiz's module draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from ..base import Widget, WidgetInputs
from ..quick_check import generated_state
from .variants import GENERATORS


class BeyondCheckInputs(WidgetInputs):
    """Inputs of the ``beyond_check`` widget.

    Attributes
    ----------
    kind : {'causal_length', 'separable_params', 'frames_3d'}
    variant : int 0–1,000,000,000
        0 is the lesson's question; any other number draws new numbers, always the same ones.
    answer : int or None
        The learner's whole-number answer, once given.
    """

    kind: Literal["causal_length", "separable_params", "frames_3d"]
    variant: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    answer: Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None


def build_state(inputs: BeyondCheckInputs) -> dict[str, Any]:
    """Return the question and, once answered, whether the answer is right and the working.

    Examples
    --------
    >>> state = build_state(BeyondCheckInputs(kind="causal_length", answer=49))
    >>> state["result"]["correct"], state["result"]["explanation"]
    (True, 'each layer removes d × (2 − 1) samples: 64 − (2 − 1) × (1 + 2 + 4 + 8) = 49')
    """
    return generated_state(inputs, GENERATORS)


WIDGET = Widget(
    name="beyond_check",
    inputs=BeyondCheckInputs,
    build=build_state,
    esm=Path(__file__).with_name("beyond_check.js"),
    css=Path(__file__).parents[1] / "quiz" / "quiz.css",
)
