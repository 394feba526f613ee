"""The pooling gradient trace: what each input cell receives, window by window.

A max pool hands each window's gradient to the window's winner, so a cell's gradient is the
sum of the gradients of the windows it won (0 when it won none); an average pool shares each
window's gradient among its cells, so a cell gets ``grad_output / divisor`` from every window
that covers it. The numbers are the engine's (:mod:`convscope.grad`); each step lists every
window covering the cell and checks that its shares add up to the engine's number.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..engine.pool_grad import avg_pool2d_input, max_pool2d_input
from ..engine.spec import PaddingArg, Size
from .numbers import format_number, jsonable, sum_terms
from .pooling import PoolKind, PoolTrace, trace_pool


@dataclass(frozen=True)
class WindowShare:
    """One window covering the input cell and what it passes to it.

    ``output`` is the window's output position ``(i, j)``; ``winner`` the ``(row, col)`` in the
    input that won it (max pooling), ``divisor`` what its gradient is divided by (average);
    ``share`` what this cell receives from it.
    """

    output: tuple[int, int]
    grad_output: int | float
    winner: tuple[int, int] | None
    divisor: int | None
    share: int | float


@dataclass(frozen=True, eq=False)
class PoolGradStep:
    """One input cell's gradient through a pool: every window covering it, and the sum."""

    kind: PoolKind
    cell: tuple[int, ...]
    windows: tuple[WindowShare, ...]
    result: int | float

    def to_text(self) -> str:
        """Return one line per window covering the cell, then the sum."""
        where = f"input[{', '.join(str(k) for k in self.cell)}]"
        lines = [f"∂L/∂{where} = {format_number(self.result)}"]
        if not self.windows:
            lines.append("  no window covers this cell")
        for window in self.windows:
            lines.append("  " + self._line(window))
        if self.windows:
            lines.append(f"  sum: {sum_terms(w.share for w in self.windows)}")
        return "\n".join(lines)

    def _line(self, window: WindowShare) -> str:
        grad = format_number(window.grad_output)
        out = f"output[{window.output[0]}, {window.output[1]}] (∂L/∂output {grad})"
        if self.kind == "avg":
            share = format_number(window.share)
            return f"{out}: shared by the divisor {window.divisor} → {share}"
        assert window.winner is not None
        if window.share != 0 or window.winner == tuple(self.cell[-2:]):
            return f"{out}: this cell won the window → {grad}"
        winner = f"input[{window.winner[0]}, {window.winner[1]}]"
        return f"{out}: {winner} won the window → 0"

    def to_json(self) -> dict[str, Any]:
        """Return the step as JSON-able data."""
        return {
            "kind": self.kind,
            "cell": list(self.cell),
            "windows": [
                {
                    "output": list(w.output),
                    "grad_output": jsonable(w.grad_output),
                    "winner": None if w.winner is None else list(w.winner),
                    "divisor": w.divisor,
                    "share": jsonable(w.share),
                }
                for w in self.windows
            ],
            "result": jsonable(self.result),
            "text": self.to_text(),
        }


class PoolGradTrace:
    """A pool's input gradient, computed by the engine, explained one input cell at a time."""

    def __init__(
        self,
        forward: PoolTrace,
        x: NDArray[Any],
        grad_output: NDArray[Any],
        options: dict[str, Any],
    ) -> None:
        self.forward = forward
        self.grad_output = grad_output
        spec = forward.spec
        arguments: dict[str, Any] = {
            "kernel_size": spec.kernel_size,
            "stride": spec.stride,
            "padding": spec.padding,
            "ceil_mode": spec.ceil_mode,
        }
        if forward.kind == "max":
            self.grad_input = max_pool2d_input(x, grad_output, dilation=spec.dilation, **arguments)
        else:
            self.grad_input = avg_pool2d_input(x.shape, grad_output, **arguments, **options)

    def at(self, row: int, col: int, *, lead: tuple[int, ...] = ()) -> PoolGradStep:
        """Return the windows covering input ``(*lead, row, col)`` and what each passes to it."""
        rows, cols = self.grad_input.shape[-2:]
        if not (0 <= row < rows and 0 <= col < cols):
            raise ValueError(f"cell ({row}, {col}) is outside the {rows}×{cols} input")
        out_rows, out_cols = self.forward.output_size
        plane = (
            self.grad_output[lead] if lead else self.grad_output.reshape(-1, out_rows, out_cols)[0]
        )
        windows = []
        for i, j in np.ndindex(out_rows, out_cols):
            step = self.forward.at(i, j, lead=lead)
            if row not in step.rows or col not in step.cols:
                continue
            grad = plane[i, j].item()
            if step.winner is not None:
                winner = (step.rows[step.winner[0]], step.cols[step.winner[1]])
                share = grad if winner == (row, col) else 0 * grad
                windows.append(WindowShare((i, j), grad, winner, None, share))
            else:
                assert step.divisor is not None
                windows.append(WindowShare((i, j), grad, None, step.divisor, grad / step.divisor))
        cell = (*lead, row, col)
        index = cell if lead else (0,) * (self.grad_input.ndim - 2) + (row, col)
        result = self.grad_input[index].item()
        assert np.isclose(sum(w.share for w in windows), result)  # the engine's number
        return PoolGradStep(self.forward.kind, cell, tuple(windows), result)


def trace_pool_grad(
    input: ArrayLike,
    kind: PoolKind,
    grad_output: ArrayLike,
    kernel_size: Size,
    stride: Size | None = None,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> PoolGradTrace:
    """Return a :class:`PoolGradTrace` of ``max_pool2d``'s or ``avg_pool2d``'s input gradient.

    Arguments are :func:`convscope.tracing.trace_pool`'s plus ``grad_output``.

    Examples
    --------
    >>> traced = trace_pool_grad([[1, 3], [2, 0]], "max", [[5]], 2)
    >>> print(traced.at(0, 1).to_text())
    ∂L/∂input[0, 1] = 5
      output[0, 0] (∂L/∂output 5): this cell won the window → 5
      sum: 5
    """
    forward = trace_pool(
        input,
        kind,
        kernel_size,
        stride,
        padding,
        dilation,
        ceil_mode,
        count_include_pad,
        divisor_override,
    )
    options = {"count_include_pad": count_include_pad, "divisor_override": divisor_override}
    return PoolGradTrace(forward, np.asarray(input), np.asarray(grad_output), options)
