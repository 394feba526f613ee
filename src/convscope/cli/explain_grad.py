"""``convscope explain --grad weight|input``: one gradient number as its sum of products.

The loss is the sum of the outputs unless a target is given (``--target``, a squared error
``½ Σ (output − target)²``, whose gradient at each output is ``output − target``), or the
output's gradient is given directly (``--grad-output``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.text import Text

from ..engine import conv2d
from ..tracing import GradStep, GradTrace, trace, trace_grad
from .explain import MAX_ALL_POSITIONS, UsageProblem, grid_table, headline, parse_array

GRAD_CHOICES = ("weight", "input")


def loss_gradient(
    output: NDArray[Any], grad_output: str | None, target: str | None
) -> tuple[NDArray[Any], str]:
    """Return ``grad_output`` and a sentence naming the loss it comes from."""
    if grad_output is not None and target is not None:
        raise UsageProblem("give --grad-output or --target, not both")
    if grad_output is not None:
        return parse_array(grad_output, "--grad-output"), "grad_output as given"
    if target is not None:
        goal = parse_array(target, "--target")
        if goal.shape != output.shape:
            raise UsageProblem(
                f"--target must have the output's shape {output.shape}, got {goal.shape}"
            )
        return output - goal, "L = ½ Σ (output − target)², so ∂L/∂output = output − target"
    return np.ones_like(output), "L = Σ output (every ∂L/∂output is 1)"


def explain_gradient(
    console: Console,
    wrt: str,
    arrays: tuple[NDArray[Any], NDArray[Any], str],
    arguments: dict[str, Any],
    loss: tuple[str | None, str | None],
    position: tuple[int, int, int, int] | None,
    output_format: str,
) -> None:
    """Print the step behind one gradient number, or every step when ``position`` is None."""
    if wrt not in GRAD_CHOICES:
        raise UsageProblem(f"--grad must be weight or input, got {wrt!r}")
    image, kernel, title = arrays
    output = conv2d(image, kernel, **arguments)
    grad_output, sentence = loss_gradient(output, *loss)
    traced = trace_grad(image, kernel, grad_output, wrt=wrt, **arguments)  # type: ignore[arg-type]
    if position is None:
        _print_all(console, traced)
        return
    first, second, row, col = position
    if wrt == "weight":
        step = traced.at(row, col, c_out=first, c_in=second)
    else:
        step = traced.at(row, col, n=first, c=second)
    if output_format == "rich":
        console.print(headline(image, kernel, title, trace(image, kernel, **arguments)))
        console.print(Text(sentence, style="dim"), "\n")
        console.print(step)
        console.print()
        _print_map(console, traced, step)
        return
    rendered = {"text": step.to_text, "markdown": step.to_markdown, "html": step.to_html}
    console.print(rendered[output_format](), markup=False, highlight=False, soft_wrap=True)


def _print_all(console: Console, traced: GradTrace) -> None:
    if traced.gradient.size > MAX_ALL_POSITIONS:
        raise UsageProblem(
            f"--all would print {traced.gradient.size:,} gradients (more than "
            f"{MAX_ALL_POSITIONS:,}); pick one with --at"
        )
    for step in traced.steps():
        console.print(f"{step.label}: {step.sum_text()}", markup=False, highlight=False)


def _print_map(console: Console, traced: GradTrace, step: GradStep) -> None:
    # The grid the sum reads from, its cells lit: the input cells one weight touched, or the
    # output cells whose window covered one input cell.
    if step.wrt == "weight":
        values = traced.input
        lit = {t.cell for t in step.terms}
        title = "input: the cells this weight touched (lit)"
    else:
        values = traced.grad_output[0, 0]
        lit = {t.output[2:] for t in step.terms}
        title = "∂L/∂output: the cells whose window covered this input cell (lit)"
    if values.ndim != 2 or max(values.shape) > 16:
        return
    marked = np.zeros(values.shape, dtype=bool)
    for r, c in lit:
        if 0 <= r < values.shape[0] and 0 <= c < values.shape[1]:
            marked[r, c] = True
    console.print(grid_table(title, values, marked, np.zeros(values.shape, dtype=bool)))
