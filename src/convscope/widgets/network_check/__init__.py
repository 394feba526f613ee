"""The ``network_check`` widget: quick checks for the "A network, layer by layer" lesson.

Three kinds of generated question (:mod:`.variants`): the numbers the digits network's second
convolution learns, how many numbers reach its linear layer, and what that layer learns, for
the lesson's network or one of the same shape with other sizes. Answers are whole numbers
computed by the engine and marked on the server; the state follows the quiz's contract for
number answers, so the quiz's module draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from ..base import Widget
from ..quick_check import GeneratedCheckInputs, generated_state
from .variants import GENERATORS


class NetworkCheckInputs(GeneratedCheckInputs):
    """Inputs of the ``network_check`` widget: a generated check's inputs
    with its own kinds of question."""

    kind: Literal["conv2_params", "flatten_size", "linear_params"]


def build_state(inputs: NetworkCheckInputs) -> dict[str, Any]:
    """Return the question and, once answered, whether the answer is right and the working.

    Examples
    --------
    >>> state = build_state(NetworkCheckInputs(kind="conv2_params", answer=1168))
    >>> state["result"]["correct"], state["result"]["explanation"]
    (True, '16 × (8 × 3 × 3) + 16 = 1,168')
    """
    return generated_state(inputs, GENERATORS)


WIDGET = Widget(
    name="network_check",
    inputs=NetworkCheckInputs,
    build=build_state,
    esm=Path(__file__).with_name("network_check.js"),
    css=Path(__file__).parents[1] / "quiz" / "quiz.css",
)
