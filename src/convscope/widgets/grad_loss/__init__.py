"""The ``grad_loss`` widget: a loss on the output and its gradient, back to every weight and cell.

The loss is half the sum of squared errors against a target the learner edits,
``L = ½ Σ (output − target)²``, so the output's gradient is simply ``output − target`` at every
cell (integers stay integers). From there the page explains each weight's gradient as its sum
of products and each input cell's gradient as the transposed convolution of the output's
gradient (:mod:`.views` of ``grad_weight``), and checks all of it against ``torch.autograd``
when PyTorch is installed (:mod:`.autograd`), saying "not installed" otherwise.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...tracing.numbers import factor_text, format_number
from ..base import Widget, WidgetInputs, grid, text_grid
from ..field_errors import field_error
from ..grad_weight.views import forward_output, gradient_views
from .autograd import autograd_check


class GradLossInputs(WidgetInputs):
    """Inputs of the ``grad_loss`` widget.

    Attributes
    ----------
    input : grid of at most 8×8 numbers
    kernel : grid of at most 4×4 numbers
    target : grid of numbers
        What the output should be: one number per output cell.
    """

    input: grid(8, 8)  # type: ignore[valid-type]
    kernel: grid(4, 4)  # type: ignore[valid-type]
    target: grid(8, 8)  # type: ignore[valid-type]


def _target(given: Any, shape: tuple[int, ...]) -> NDArray[Any]:
    target = np.asarray(given)
    if target.shape != shape:
        raise field_error(
            "target",
            f"target is {target.shape[0]}×{target.shape[1]} but the output is "
            f"{shape[0]}×{shape[1]}; give one number per output cell",
        )
    return target


def loss_text(errors: NDArray[Any]) -> tuple[str, str]:
    """Return the loss written out, ``½ × (1² + (−2)²) = 2.5``, and its value as text."""
    total = (errors**2).sum()
    exact = errors.dtype.kind != "f" and total % 2 == 0  # integers: keep the half exact
    value: int | float = int(total) // 2 if exact else 0.5 * float(total)
    squares = " + ".join(f"{factor_text(e)}²" for e in errors.ravel().tolist())
    return f"½ × ({squares}) = {format_number(value)}", format_number(value)


def build_state(inputs: GradLossInputs) -> dict[str, Any]:
    """Return the output, the error, the loss, both gradients explained and the torch check.

    Examples
    --------
    >>> state = build_state(GradLossInputs(input=[[1, 2, 3]], kernel=[[1, 1]], target=[[3, 3]]))
    >>> state["grad_output"], state["loss"], state["grad_weight"]
    ([['0', '2']], '2', [['4', '6']])
    """
    image, kernel = np.asarray(inputs.input), np.asarray(inputs.kernel)
    output = forward_output(image, kernel, 1, 0)
    target = _target(inputs.target, output.shape)
    errors = output - target
    written, value = loss_text(errors)
    views = gradient_views(image, kernel, errors)
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(image.tolist()),
        "kernel": text_grid(kernel.tolist()),
        "output": text_grid(output.tolist()),
        "target": text_grid(target.tolist()),
        "loss_text": written,
        "loss": value,
        **views,
        "torch": autograd_check(image, kernel, target),
    }


WIDGET = Widget(
    name="grad_loss",
    inputs=GradLossInputs,
    build=build_state,
    esm=Path(__file__).with_name("grad_loss.js"),
    css=Path(__file__).parents[1] / "grad_weight" / "grad_weight.css",  # the shared view's styles
)
