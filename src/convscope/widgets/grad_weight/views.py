"""The two views of a convolution's gradient as widget state, shared by the gradient widgets.

From an input, a kernel and the output's gradient, :func:`gradient_views` returns every number
the page shows: the forward output, both gradients, and for every weight and every input cell
the products its gradient sums (from :func:`convscope.tracing.trace_grad`). An input cell's
gradient is also computed as the transposed convolution of the output's gradient
(:func:`convscope.conv_transpose2d`), the lesson-2 operation the page names, and checked equal.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...engine import conv2d, conv_transpose2d
from ...tracing.grad import GradStep, GradTerm, trace_grad
from ...tracing.numbers import format_number
from ..base import text_grid
from ..field_errors import field_error

__all__ = ["forward_output", "gradient_views", "padded_frame"]


def forward_output(
    image: NDArray[Any], kernel: NDArray[Any], stride: int, padding: int
) -> NDArray[Any]:
    """Return ``conv2d(image, kernel)``, refusing a kernel that does not fit, naming ``kernel``."""
    try:
        return conv2d(image, kernel, stride=stride, padding=padding)
    except ValueError as error:
        raise field_error("kernel", str(error)) from None


def padded_frame(image: NDArray[Any], padding: int) -> dict[str, Any]:
    """Return the input as the windows see it: its numbers, with zeros in the padding marked."""
    padded = np.pad(image, padding)
    rows, cols = padded.shape
    inside = [
        [padding <= r < rows - padding and padding <= c < cols - padding for c in range(cols)]
        for r in range(rows)
    ]
    return {"texts": text_grid(padded.tolist()), "real": inside, "offset": padding}


def _term(term: GradTerm) -> dict[str, Any]:
    return {
        "output": list(term.output[-2:]),
        "tap": list(term.tap),
        "cell": list(term.cell),
        "in_padding": term.in_padding,
        "grad_output": format_number(term.grad_output),
        "factor": format_number(term.factor),
        "product": format_number(term.product),
    }


def _step(step: GradStep) -> dict[str, Any]:
    index = list(step.index[-2:])
    name = "weight" if step.wrt == "weight" else "input"
    return {
        "index": index,
        "label": f"∂L/∂{name}[{index[0]}, {index[1]}]",
        "terms": [_term(term) for term in step.terms],
        "sum_text": step.sum_text(),
        "result": format_number(step.result),
    }


def _transposed(
    grad_output: NDArray[Any],
    kernel: NDArray[Any],
    size: tuple[int, ...],
    stride: int,
    padding: int,
) -> NDArray[Any]:
    """Return ``conv_transpose2d(grad_output, kernel)`` grown to the input's ``size``."""
    spread = conv_transpose2d(grad_output[None, None], kernel[None, None], None, stride, padding)
    extra = (size[0] - spread.shape[-2], size[1] - spread.shape[-1])
    if extra != (0, 0):  # rows and columns the stride skipped: output_padding gives them back
        spread = conv_transpose2d(
            grad_output[None, None], kernel[None, None], None, stride, padding, extra
        )
    return np.asarray(spread[0, 0])


def gradient_views(
    image: NDArray[Any],
    kernel: NDArray[Any],
    grad_output: NDArray[Any],
    stride: int = 1,
    padding: int = 0,
) -> dict[str, Any]:
    """Return both gradients of ``conv2d(image, kernel)`` for ``grad_output``, all explained.

    Examples
    --------
    >>> views = gradient_views(np.array([[1, 2, 3], [4, 5, 6]]), np.array([[1, -1]]),
    ...                        np.array([[1, 0], [0, 2]]))
    >>> views["weight_steps"][1]["sum_text"], views["grad_input"]
    ('1×2 + 0×3 + 0×5 + 2×6 = 14', [['1', '−1', '0'], ['0', '2', '−2']])
    """
    by_weight = trace_grad(image, kernel, grad_output, stride, padding)
    by_input = trace_grad(image, kernel, grad_output, stride, padding, wrt="input")
    transposed = _transposed(grad_output, kernel, image.shape, stride, padding)
    assert np.allclose(transposed, by_input.grad_input), "the transposed convolution disagrees"
    return {
        "grad_output": text_grid(grad_output.tolist()),
        "grad_weight": text_grid(by_weight.grad_weight.tolist()),
        "grad_input": text_grid(by_input.grad_input.tolist()),
        "transposed": text_grid(transposed.tolist()),
        "weight_steps": [_step(step) for step in by_weight.steps()],
        "input_steps": [_step(step) for step in by_input.steps()],
        "frame": padded_frame(image, padding),
        "stride": stride,
        "padding": padding,
    }
