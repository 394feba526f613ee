"""The pooling trace: for every pooled number, its window, its padded cells and the winner.

A max-pool step names the winning cell (PyTorch's rule: the first largest in reading order, a
NaN beats everything); an average-pool step shows the sum and the divisor, including which
cells the divisor counts. Results are computed from the step's own cells and equal the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..engine import avg_pool2d, max_pool2d
from ..engine.arrays import as_numeric_array
from ..engine.pool import PoolSpec, avg_divisors, window_positions
from ..engine.spec import PaddingArg, Size
from .numbers import format_number, jsonable, sum_terms

PoolKind = Literal["max", "avg"]


@dataclass(frozen=True, eq=False)
class PoolStep:
    """One pooled number and the window it came from.

    Attributes
    ----------
    index : tuple of int
        The position in the caller's output, e.g. ``(1, 0)``.
    rows, cols : list of int
        Input rows and columns of the window's taps (negative or past the edge in padding).
    window : ndarray, shape (kH, kW)
        The values under the taps; padded cells hold ``nan`` (they never take part).
    is_padding : ndarray of bool, shape (kH, kW)
        ``True`` where a tap falls outside the input.
    winner : (int, int) or None
        For max pooling, the ``(row, col)`` in the window that won.
    total : int, float or None
        For average pooling, the sum of the real cells.
    divisor : int or None
        For average pooling, what the sum is divided by.
    result : int or float
        The pooled value, equal to the engine's.
    """

    kind: PoolKind
    index: tuple[int, ...]
    rows: list[int]
    cols: list[int]
    window: NDArray[Any]
    is_padding: NDArray[np.bool_]
    winner: tuple[int, int] | None
    total: int | float | None
    divisor: int | None
    result: int | float

    def explanation(self) -> str:
        """Return the one-line reason for the result, e.g. ``'max(1, 3, 2, 0) = 3'``."""
        real = [
            v
            for v, pad in zip(self.window.ravel(), self.is_padding.ravel(), strict=True)
            if not pad
        ]
        listed = ", ".join(format_number(v) for v in real)
        if self.kind == "max":
            return f"max({listed}) = {format_number(self.result)}"
        return f"({sum_terms(real)}) / {self.divisor} = {format_number(self.result)}"

    def to_json(self) -> dict[str, Any]:
        """Return the step as JSON-able data."""
        return {
            "kind": self.kind,
            "index": list(self.index),
            "rows": self.rows,
            "cols": self.cols,
            "window": jsonable(self.window),
            "is_padding": self.is_padding.tolist(),
            "winner": None if self.winner is None else list(self.winner),
            "total": jsonable(self.total),
            "divisor": self.divisor,
            "result": jsonable(self.result),
            "text": self.explanation(),
        }


class PoolTrace:
    """A pooling computed by the engine, explained one window at a time on demand."""

    def __init__(self, x: NDArray[Any], kind: PoolKind, spec: PoolSpec, options: dict[str, Any]):
        self._x = x
        self.kind = kind
        self.spec = spec
        self._options = options
        pool = max_pool2d if kind == "max" else avg_pool2d
        self.output: NDArray[Any] = np.asarray(pool(x, **_engine_arguments(kind, spec, options)))

    @property
    def output_size(self) -> tuple[int, int]:
        """Return ``(H', W')``."""
        return self.spec.output_size((self._x.shape[-2], self._x.shape[-1]))

    def at(self, i: int, j: int, *, lead: tuple[int, ...] = ()) -> PoolStep:
        """Return the step behind output ``(*lead, i, j)`` (``lead`` picks batch/channel)."""
        rows_out, cols_out = self.output_size
        if not (0 <= i < rows_out and 0 <= j < cols_out):
            raise ValueError(
                f"output[{i}, {j}] is outside the {rows_out}×{cols_out} output: rows run from 0 "
                f"to {rows_out - 1} and columns from 0 to {cols_out - 1}"
            )
        plane = self._x[lead] if lead else self._x.reshape(-1, *self._x.shape[-2:])[0]
        rows, cols = window_positions(self._x.shape[-2:], self.spec)
        return self._step(plane, rows[i].tolist(), cols[j].tolist(), (*lead, i, j))

    def _step(
        self, plane: NDArray[Any], rows: list[int], cols: list[int], index: tuple[int, ...]
    ) -> PoolStep:
        inside_r = [0 <= r < plane.shape[0] for r in rows]
        inside_c = [0 <= c < plane.shape[1] for c in cols]
        is_padding = ~np.outer(inside_r, inside_c)
        # float, so padded cells can read NaN; integer values stay exact well below 2**53
        window = np.full(is_padding.shape, np.nan)
        for a, r in enumerate(rows):
            for b, c in enumerate(cols):
                if not is_padding[a, b]:
                    window[a, b] = plane[r, c]
        if self.kind == "max":
            return self._max_step(window, is_padding, rows, cols, index, plane.dtype)
        return self._avg_step(window, is_padding, rows, cols, index)

    def _max_step(
        self,
        window: NDArray[Any],
        is_padding: NDArray[np.bool_],
        rows: list[int],
        cols: list[int],
        index: tuple[int, ...],
        dtype: np.dtype[Any],
    ) -> PoolStep:
        candidates = np.where(is_padding, -np.inf, window).ravel()
        nan = np.isnan(candidates) & ~is_padding.ravel()
        flat = int(np.flatnonzero(nan)[-1]) if nan.any() else int(np.argmax(candidates))
        winner = divmod(flat, window.shape[1])
        value = window[winner]
        result = int(value) if np.issubdtype(dtype, np.integer) else float(value)
        return PoolStep("max", index, rows, cols, window, is_padding, winner, None, None, result)

    def _avg_step(
        self,
        window: NDArray[Any],
        is_padding: NDArray[np.bool_],
        rows: list[int],
        cols: list[int],
        index: tuple[int, ...],
    ) -> PoolStep:
        total = float(np.where(is_padding, 0.0, window).sum())
        override = self._options.get("divisor_override")
        divisors = avg_divisors(
            self._x.shape[-2:], self.spec, self._options.get("count_include_pad", True)
        )
        divisor = int(override or divisors[index[-2], index[-1]])
        return PoolStep(
            "avg", index, rows, cols, window, is_padding, None, total, divisor, total / divisor
        )


def trace_pool(
    input: ArrayLike,
    kind: PoolKind,
    kernel_size: Size,
    stride: Size | None = None,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> PoolTrace:
    """Return a :class:`PoolTrace` of ``max_pool2d`` (``kind="max"``) or ``avg_pool2d``.

    Arguments are those of :func:`convscope.max_pool2d` / :func:`convscope.avg_pool2d`;
    ``dilation`` applies to max pooling only and ``count_include_pad``/``divisor_override`` to
    average pooling only, as in PyTorch.

    Examples
    --------
    >>> trace_pool([[1, 3], [2, 0]], "max", 2).at(0, 0).explanation()
    'max(1, 3, 2, 0) = 3'
    """
    if kind not in ("max", "avg"):
        raise ValueError(f"kind must be 'max' or 'avg', got {kind!r}")
    x = as_numeric_array(input, "input")
    if kind == "avg" and dilation != 1:
        raise ValueError("average pooling has no dilation in PyTorch; leave dilation=1")
    spec = PoolSpec.create(kernel_size, stride, padding, dilation, ceil_mode)
    options = {"count_include_pad": count_include_pad, "divisor_override": divisor_override}
    return PoolTrace(x, kind, spec, options)


def _engine_arguments(kind: PoolKind, spec: PoolSpec, options: dict[str, Any]) -> dict[str, Any]:
    shared = {
        "kernel_size": spec.kernel_size,
        "stride": spec.stride,
        "padding": spec.padding,
        "ceil_mode": spec.ceil_mode,
    }
    if kind == "max":
        return {**shared, "dilation": spec.dilation}
    return {**shared, **options}
