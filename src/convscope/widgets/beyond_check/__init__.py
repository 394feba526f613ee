"""The ``beyond_check`` widget: quick checks for the "Beyond the image" lesson.

Three kinds of generated question (:mod:`.variants`): the output length of a stack of dilated
1-D layers, the parameters of a depthwise-separable block, and the depth of a 3-D
convolution's output. Answers are whole numbers computed by the engine and marked on the
server; the state follows the quiz's contract for number answers, so the quiz's module draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ..base import Widget
from ..quick_check import GeneratedCheckInputs, generated_state
from .variants import GENERATORS


class BeyondCheckInputs(GeneratedCheckInputs):
    """Inputs of the ``beyond_check`` widget: a generated check's inputs
    with its own kinds of question."""

    kind: Literal["causal_length", "separable_params", "frames_3d"]


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
