"""The ``network_check`` widget: quick checks for the "A network, layer by layer" lesson.

Three kinds of generated question (:mod:`.variants`): the numbers the digits network's second
convolution learns, how many numbers reach its linear layer, and what that layer learns, for
the lesson's network or one of the same shape with other sizes. Answers are whole numbers
computed by the engine and marked on the server; the state follows the quiz's contract for
number answers, so the quiz's module draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from ..base import Widget, WidgetInputs
from ..quick_check import generated_state
from .variants import GENERATORS


class NetworkCheckInputs(WidgetInputs):
    """Inputs of the ``network_check`` widget.

    Attributes
    ----------
    kind : {'conv2_params', 'flatten_size', 'linear_params'}
    variant : int 0–1,000,000,000
        0 is the lesson's question; any other number draws new numbers, always the same ones.
    answer : int or None
        The learner's whole-number answer, once given.
    """

    kind: Literal["conv2_params", "flatten_size", "linear_params"]
    variant: Annotated[int, Field(ge=0, le=1_000_000_000)] = 0
    answer: Annotated[int, Field(ge=-1_000_000_000, le=1_000_000_000)] | None = None


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
