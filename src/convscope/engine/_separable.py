"""Rank-1 kernels run as two 1-D passes: along the rows, then down the columns.

A kernel ``w[a, b] = column[a] · row[b]`` (Sobel, box, Gaussian) gives the same sums as a
``1 × kW`` pass with ``row`` followed by a ``kH × 1`` pass with ``column``: ``kH + kW``
multiply-adds per output instead of ``kH · kW``.

Float kernels are tested with an SVD; they count as rank-1 when the best rank-1 approximation
matches every weight to within a few units of rounding. Integer kernels must factor into
integer vectors exactly (every integer rank-1 matrix does, see :func:`integer_factors`), so
integer results stay exact; anything else is computed by shift-and-add or matrix products.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._depthwise import (
    AXPY_CELLS,
    Piece,
    axpy_for,
    depthwise,
    one_channel_per_output,
    split_work,
    weighted_sum,
)
from ._flat import flatten
from .spec import ConvSpec

Factors = tuple[NDArray[Any], NDArray[Any]]


def separable(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation as two 1-D passes when every kernel is rank-1, else by another way.

    Only problems where each output channel reads one input channel are split; the rest go to
    :func:`~convscope.engine._depthwise.depthwise`, which handles every problem.
    """
    factors = kernel_factors(weight) if one_channel_per_output(weight, spec.groups) else None
    if factors is None:
        return depthwise(padded, weight, spec)
    if spec.stride == (1, 1):
        return _fused_passes(padded, factors, spec)
    columns, rows = factors
    out_channels = weight.shape[0]
    along_rows = ConvSpec(
        stride=(1, spec.stride[1]), dilation=(1, spec.dilation[1]), groups=spec.groups
    )
    down_columns = ConvSpec(
        stride=(spec.stride[0], 1), dilation=(spec.dilation[0], 1), groups=out_channels
    )
    first = depthwise(padded, rows.reshape(out_channels, 1, 1, -1), along_rows)
    return depthwise(first, columns.reshape(out_channels, 1, -1, 1), down_columns)


def _fused_passes(padded: NDArray[Any], factors: Factors, spec: ConvSpec) -> NDArray[Any]:
    # Both passes run piece by piece on the flattened input, so the row pass's result stays in
    # cache for the column pass instead of making a trip through memory.
    columns, rows = factors
    flat = flatten(padded, (columns.shape[1], rows.shape[1]), spec)
    batch, channels = padded.shape[0], padded.shape[1]
    multiplier = columns.shape[0] // channels
    out = np.empty((batch, channels, multiplier, flat.out_rows * flat.cols), padded.dtype)
    sources = flat.phases.reshape(batch * channels, -1)
    halo = (columns.shape[1] - 1) * spec.dilation[0] * flat.cols
    for m in range(multiplier):
        planes = out[:, :, m].reshape(batch * channels, -1)
        plane_columns = np.tile(columns.reshape(channels, multiplier, -1)[:, m], (batch, 1))
        plane_rows = np.tile(rows.reshape(channels, multiplier, -1)[:, m], (batch, 1))
        pieces = split_work(planes.shape[0], flat.length, max(AXPY_CELLS, 4 * halo))
        steps = (spec.dilation[0] * flat.cols, spec.dilation[1])
        _two_passes(sources, plane_columns, plane_rows, planes, steps, pieces)
    return flat.crop(out.reshape(batch, columns.shape[0], -1))


def _two_passes(
    sources: NDArray[Any],
    plane_columns: NDArray[Any],
    plane_rows: NDArray[Any],
    planes: NDArray[Any],
    steps: tuple[int, int],
    pieces: list[Piece],
) -> None:
    row_step, col_step = steps
    halo = (plane_columns.shape[1] - 1) * row_step
    axpy = axpy_for(planes.dtype)
    column_factors, row_factors = plane_columns.tolist(), plane_rows.tolist()
    along = np.empty(max(stop - start for *_, start, stop in pieces) + halo, planes.dtype)
    for first, last, start, stop in pieces:
        count, extended = stop - start, stop - start + halo  # the column pass reaches further
        for plane in range(first, last):
            row_cells = [
                sources[plane, start + b * col_step :][:extended]
                for b in range(len(row_factors[plane]))
            ]
            column_cells = [
                along[a * row_step : a * row_step + count]
                for a in range(len(column_factors[plane]))
            ]
            if axpy is None:
                _integer_sum(along[:extended], row_cells, row_factors[plane])
                _integer_sum(planes[plane, start:stop], column_cells, column_factors[plane])
            else:
                weighted_sum(along[:extended], row_cells, row_factors[plane], axpy)
                weighted_sum(planes[plane, start:stop], column_cells, column_factors[plane], axpy)


def _integer_sum(out: NDArray[Any], cells: list[NDArray[Any]], factors: list[Any]) -> None:
    np.multiply(cells[0], factors[0], out=out)
    for term, factor in zip(cells[1:], factors[1:], strict=True):
        out += term * factor


def kernel_factors(weight: NDArray[Any]) -> Factors | None:
    """Return ``(columns (C_out, kH), rows (C_out, kW))`` with ``weight[o, 0] = outer``, or None.

    ``weight`` is ``(C_out, 1, kH, kW)``. ``None`` means at least one kernel is not rank-1
    (to rounding, for floats; exactly, for integers).
    """
    kernels = weight[:, 0]
    if weight.dtype.kind in "iu":
        pairs = [integer_factors(kernel) for kernel in kernels]
        if any(pair is None for pair in pairs):
            return None
        return (
            np.stack([p[0] for p in pairs if p is not None]),
            np.stack([p[1] for p in pairs if p is not None]),
        )
    return float_factors(kernels)


def integer_factors(kernel: NDArray[Any]) -> Factors | None:
    """Return integer vectors whose outer product is exactly ``kernel``, or None.

    Take the first non-zero row divided by the gcd of its entries: every row of a rank-1
    integer matrix is then an integer multiple of it (the row has no common factor left).
    """
    nonzero_rows = np.flatnonzero(kernel.any(axis=1))
    if nonzero_rows.size == 0:
        return np.zeros(kernel.shape[0], kernel.dtype), np.zeros(kernel.shape[1], kernel.dtype)
    first = kernel[nonzero_rows[0]]
    row = first // np.gcd.reduce(np.abs(first))
    pivot = int(np.flatnonzero(row)[0])
    column = kernel[:, pivot] // row[pivot]
    if not np.array_equal(np.multiply.outer(column, row), kernel):
        return None
    return column, row


def float_factors(kernels: NDArray[Any]) -> Factors | None:
    """Return ``(columns, rows)`` whose outer products match ``kernels`` to rounding, or None.

    ``kernels`` is ``(K, kH, kW)``. Each kernel is split at its largest entry ``w[i, j]``:
    ``column = w[:, j]`` and ``row = w[i, :] / w[i, j]``, which is exact for a rank-1 kernel
    and cheap enough to try on every call. Zero rows and columns stay exactly zero, so
    ``0 × inf`` still gives NaN as the direct sum does.
    """
    if not np.isfinite(kernels).all():
        return None
    count, k_rows, k_cols = kernels.shape
    flat = np.abs(kernels).reshape(count, -1)
    pivot = flat.argmax(axis=1)
    pivot_rows, pivot_cols = np.divmod(pivot, k_cols)
    every = np.arange(count)
    peak = kernels[every, pivot_rows, pivot_cols]
    safe_peak = np.where(peak == 0, 1, peak)
    columns = kernels[every, :, pivot_cols]
    rows = kernels[every, pivot_rows, :] / safe_peak[:, None]
    rebuilt = columns[:, :, None] * rows[:, None, :]
    tolerance = 8 * np.finfo(kernels.dtype).eps * max(k_rows, k_cols) * flat.max(axis=1)
    if (np.abs(rebuilt - kernels).reshape(count, -1).max(axis=1) > tolerance).any():
        return None
    return columns, rows.astype(kernels.dtype)
