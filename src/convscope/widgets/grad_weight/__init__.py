"""The ``grad_weight`` widget: the weight view of a convolution's gradient.

Pick one weight and the page highlights every input cell it multiplied, one per output
position; its gradient is the sum of those input cells, each times the output's gradient at
that position. Pick an input cell and the page shows every weight that sat on it and the output
cells whose windows covered it: its gradient, the transposed convolution of the output's
gradient. The output's gradient is ones (the gradient of the sum of the outputs) unless the
lesson gives one. Every number comes from :func:`convscope.tracing.trace_grad`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from ..base import Widget, WidgetInputs, grid, text_grid
from ..field_errors import field_error
from .views import forward_output, gradient_views


class GradWeightInputs(WidgetInputs):
    """Inputs of the ``grad_weight`` widget.

    Attributes
    ----------
    input : grid of at most 8×8 numbers
    kernel : grid of at most 4×4 numbers
    grad_output : grid of numbers or None
        The loss's gradient with respect to each output cell; None: ones everywhere.
    stride : int 1–2
    padding : int 0–1
    """

    input: grid(8, 8)  # type: ignore[valid-type]
    kernel: grid(4, 4)  # type: ignore[valid-type]
    grad_output: grid(8, 8) | None = None  # type: ignore[valid-type]
    stride: Annotated[int, Field(ge=1, le=2)] = 1
    padding: Annotated[int, Field(ge=0, le=1)] = 0


def _grad_output(given: Any, shape: tuple[int, ...]) -> np.ndarray[Any, Any]:
    if given is None:
        return np.ones(shape, dtype=np.int64)
    grad = np.asarray(given)
    if grad.shape != shape:
        raise field_error(
            "grad_output",
            f"grad_output is {grad.shape[0]}×{grad.shape[1]} but the output is "
            f"{shape[0]}×{shape[1]}; give one number per output cell",
        )
    return grad


def build_state(inputs: GradWeightInputs) -> dict[str, Any]:
    """Return the forward output, both gradients and every gradient number's products.

    Examples
    --------
    >>> state = build_state(GradWeightInputs(input=[[1, 2, 3], [4, 5, 6]], kernel=[[1, -1]]))
    >>> state["grad_weight"], state["weight_steps"][0]["sum_text"]
    ([['12', '16']], '1×1 + 1×2 + 1×4 + 1×5 = 12')
    """
    image, kernel = np.asarray(inputs.input), np.asarray(inputs.kernel)
    output = forward_output(image, kernel, inputs.stride, inputs.padding)
    grad_output = _grad_output(inputs.grad_output, output.shape)
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(image.tolist()),
        "kernel": text_grid(kernel.tolist()),
        "output": text_grid(output.tolist()),
        "ones": inputs.grad_output is None,
        **gradient_views(image, kernel, grad_output, inputs.stride, inputs.padding),
    }


WIDGET = Widget(
    name="grad_weight",
    inputs=GradWeightInputs,
    build=build_state,
    esm=Path(__file__).with_name("grad_weight.js"),
    css=Path(__file__).with_name("grad_weight.css"),
)
