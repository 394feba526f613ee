"""Convolution as matrix products over the flattened input: per tap, or one im2col product.

Both algorithms read the taps' slices from :func:`~convscope.engine._flat.flatten`, so no
per-tap copy of the input is made:

- ``tap_gemm`` multiplies each tap's ``(C_out, C_in)`` weights with that tap's contiguous slice
  and accumulates, one image at a time so the accumulator stays in cache. It suits layers with
  many channels, where each product is already a large matrix product.
- ``im2col_gemm`` stacks the taps' slices into one ``(kH·kW·C_in, length)`` matrix per image
  and makes a single product. It suits few input channels (the first layer of a CNN), where
  per-tap products would be thin and memory-bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._flat import FlatInput, Tap, flatten
from .spec import ConvSpec


def tap_gemm(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation accumulated from one matrix product per kernel tap.

    Works for every problem; groups are a batch of independent products.
    """
    flat = flatten(padded, (weight.shape[2], weight.shape[3]), spec)
    batch, groups = padded.shape[0], spec.groups
    grouped = _grouped_weight(weight, groups)  # (kH, kW, G, C_out/G, C_in/G)
    out = np.empty((batch, groups, grouped.shape[3], flat.out_rows * flat.cols), padded.dtype)
    scratch = np.empty((*out.shape[1:-1], flat.length), padded.dtype)
    for n in range(batch):
        acc = out[n, ..., : flat.length]
        for i, tap in enumerate(flat.taps):
            cells = _grouped_cells(flat, tap, n, groups)
            np.matmul(grouped[tap.row, tap.col], cells, out=acc if i == 0 else scratch)
            if i:
                acc += scratch
    return flat.crop(out.reshape(batch, weight.shape[0], -1))


def im2col_gemm(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation as one product per image and group of an im2col matrix.

    The matrix's rows are the taps' contiguous slices, so building it is a series of plain
    copies; its size is ``kH·kW·C_in/G × length`` per image.
    """
    flat = flatten(padded, (weight.shape[2], weight.shape[3]), spec)
    batch, groups = padded.shape[0], spec.groups
    grouped = _grouped_weight(weight, groups)
    taps, group_channels = len(flat.taps), grouped.shape[4]
    # (G, C_out/G, taps · C_in/G), rows of the matrix ordered tap-major like ``columns`` below
    matrix_weight = np.stack([grouped[t.row, t.col] for t in flat.taps], axis=2)
    matrix_weight = matrix_weight.reshape(groups, grouped.shape[3], taps * group_channels)
    out = np.empty((batch, groups, grouped.shape[3], flat.out_rows * flat.cols), padded.dtype)
    columns = np.empty((groups, taps, group_channels, flat.length), padded.dtype)
    for n in range(batch):
        for i, tap in enumerate(flat.taps):
            columns[:, i] = _grouped_cells(flat, tap, n, groups)
        stacked = columns.reshape(groups, taps * group_channels, flat.length)
        np.matmul(matrix_weight, stacked, out=out[n, ..., : flat.length])
    return flat.crop(out.reshape(batch, weight.shape[0], -1))


def _grouped_weight(weight: NDArray[Any], groups: int) -> NDArray[Any]:
    out_channels, group_channels, k_rows, k_cols = weight.shape
    split = weight.reshape(groups, out_channels // groups, group_channels, k_rows, k_cols)
    return np.ascontiguousarray(split.transpose(3, 4, 0, 1, 2))


def _grouped_cells(flat: FlatInput, tap: Tap, image: int, groups: int) -> NDArray[Any]:
    cells: NDArray[Any] = flat.tap_slice(tap)[
        image
    ]  # (C_in, length), rows of stride rows·cols: no copy
    return cells.reshape(groups, cells.shape[0] // groups, cells.shape[1])
