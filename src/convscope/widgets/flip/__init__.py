"""The ``flip`` widget: cross-correlation next to true convolution on one small example.

The state holds both results, the kernel as each one applies it, and the commutativity check
(``a ⋆ b == b ⋆ a`` with the flip and full padding, and the same check without the flip), all
computed by the engine. When the input or the kernel is all zeros, every result is zero and
the check proves nothing; the state says so (``all_zero``) instead of calling it a commutation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...engine import conv2d
from ..base import Widget, WidgetInputs, grid, text_grid


class FlipInputs(WidgetInputs):
    """Inputs of the ``flip`` widget.

    Attributes
    ----------
    signal : grid of at most 8×8 numbers
        The input the kernel slides over.
    kernel : grid of at most 5×5 numbers
        The kernel; an asymmetric one shows the difference the flip makes.
    flip : bool
        Which operation the live example shows first.
    """

    signal: grid(8, 8)  # type: ignore[valid-type]
    kernel: grid(5, 5)  # type: ignore[valid-type]
    flip: bool = False


def _commutes(a: np.ndarray, b: np.ndarray, *, flip: bool) -> dict[str, Any]:
    forward = conv2d(a, b, padding="full", flip=flip)
    backward = conv2d(b, a, padding="full", flip=flip)
    return {
        "flip": flip,
        "a_with_b": text_grid(forward.tolist()),
        "b_with_a": text_grid(backward.tolist()),
        "equal": bool(forward.shape == backward.shape and np.array_equal(forward, backward)),
        "turned_copy": bool(np.array_equal(backward, forward[::-1, ::-1])),
    }


def build_state(inputs: FlipInputs) -> dict[str, Any]:
    """Return both operations on ``signal`` and ``kernel`` and the commutativity checks.

    Examples
    --------
    >>> state = build_state(FlipInputs(signal=[[1, 2], [3, 4]], kernel=[[1, 0], [0, 0]]))
    >>> state["correlation"]["output"], state["convolution"]["output"]
    ([['1']], [['4']])
    """
    signal, kernel = np.asarray(inputs.signal), np.asarray(inputs.kernel)
    operations = {}
    for key, flip in (("correlation", False), ("convolution", True)):
        operations[key] = {
            "kernel_used": text_grid((kernel[::-1, ::-1] if flip else kernel).tolist()),
            "output": text_grid(conv2d(signal, kernel, flip=flip).tolist()),
        }
    zeros = [name for name, values in (("a", signal), ("b", kernel)) if not values.any()]
    return {
        "inputs": inputs.model_dump(),
        "all_zero": " and ".join(zeros) or None,  # which array is all zeros, if either is
        "signal": text_grid(signal.tolist()),
        "kernel": text_grid(kernel.tolist()),
        **operations,
        "commutativity": [
            _commutes(signal, kernel, flip=True),
            _commutes(signal, kernel, flip=False),
        ],
    }


WIDGET = Widget(
    name="flip", inputs=FlipInputs, build=build_state, esm=Path(__file__).with_name("flip.js")
)
