"""The loops :mod:`._numba_direct` compiles: imported only when numba is installed and needed.

Each padded plane is read as one long row (as in :mod:`._flat`): kernel tap ``(a, b)`` meets,
for every output cell, the cell ``a·cols + b`` further on, so each tap is one contiguous slice.
The output is built in pieces of :data:`PIECE_CELLS` cells that stay in the L1 cache while the
taps are added into them, four taps per pass, in a loop LLVM turns into SIMD code. Long pieces
keep the loop efficient even for narrow planes (a 112-wide feature map). Plain ``+`` and ``×``
in IEEE order (no ``fastmath``), so NaN and infinity behave as in the direct sum and integers
wrap as NumPy's int64 does.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numba import njit
from numpy.typing import NDArray

PIECE_CELLS = 2048
"""Output cells per piece: 8 KiB of float32, with the four input slices well inside L1."""


def _pieces(
    sources: NDArray[Any],
    weights: NDArray[Any],
    offsets: NDArray[Any],
    out: NDArray[Any],
    first: int,
    last: int,
    multiplier: int,
    length: int,
) -> None:
    # sources (N·C, rows·cols); weights (C_out, taps); offsets (taps,); out (N·C_out, ≥ length).
    # Pieces first..last are counted across all output planes. Output plane q = n·C_out + o
    # reads input plane n·C + o // multiplier with kernel o.
    out_channels, count = weights.shape
    per_plane = (length + PIECE_CELLS - 1) // PIECE_CELLS
    for piece in range(first, last):
        plane, start = piece // per_plane, piece % per_plane * PIECE_CELLS
        stop = min(start + PIECE_CELLS, length)
        image, kernel = plane // out_channels, plane % out_channels
        source = sources[image * (out_channels // multiplier) + kernel // multiplier]
        w = weights[kernel]
        acc = out[plane, start:stop]
        cells = stop - start
        t = 0
        while t < count:
            s0 = source[start + offsets[t] :]
            if count - t >= 4:
                s1 = source[start + offsets[t + 1] :]
                s2 = source[start + offsets[t + 2] :]
                s3 = source[start + offsets[t + 3] :]
                w0, w1, w2, w3 = w[t], w[t + 1], w[t + 2], w[t + 3]
                if t == 0:
                    for j in range(cells):
                        acc[j] = (w0 * s0[j] + w1 * s1[j]) + (w2 * s2[j] + w3 * s3[j])
                else:
                    for j in range(cells):
                        acc[j] += (w0 * s0[j] + w1 * s1[j]) + (w2 * s2[j] + w3 * s3[j])
                t += 4
                continue
            w0 = w[t]
            if t == 0:
                for j in range(cells):
                    acc[j] = w0 * s0[j]
            else:
                for j in range(cells):
                    acc[j] += w0 * s0[j]
            t += 1


pieces_kernel = njit(cache=True, nogil=True)(_pieces)
"""The compiled :func:`_pieces`; one machine-code version per dtype, cached on disk."""


def _winograd_input(images: NDArray[Any], v: NDArray[Any]) -> None:
    # images (n, C, 2t+2, 2u+2); v (16, C, n, t, u). Each tile row is
    # transformed along the rows first, over whole padded rows (contiguous, SIMD), then along
    # the columns into the 16 planes of v, index 4·(row transform) + (column transform).
    count, tile_rows, tile_cols = v.shape[2], v.shape[3], v.shape[4]
    width = images.shape[3]
    rows = np.empty((4, width), images.dtype)
    for c in range(images.shape[1]):
        for n in range(count):
            for i in range(tile_rows):
                d0, d1 = images[n, c, 2 * i], images[n, c, 2 * i + 1]
                d2, d3 = images[n, c, 2 * i + 2], images[n, c, 2 * i + 3]
                r0, r1, r2, r3 = rows[0], rows[1], rows[2], rows[3]
                for k in range(width):
                    r0[k] = d0[k] - d2[k]
                    r1[k] = d1[k] + d2[k]
                    r2[k] = d2[k] - d1[k]
                    r3[k] = d1[k] - d3[k]
                for q in range(4):
                    s = rows[q]
                    v0, v1 = v[4 * q, c, n, i], v[4 * q + 1, c, n, i]
                    v2, v3 = v[4 * q + 2, c, n, i], v[4 * q + 3, c, n, i]
                    for j in range(tile_cols):
                        s0, s1, s2, s3 = s[2 * j], s[2 * j + 1], s[2 * j + 2], s[2 * j + 3]
                        v0[j] = s0 - s2
                        v1[j] = s1 + s2
                        v2[j] = s2 - s1
                        v3[j] = s1 - s3


def _winograd_output(m: NDArray[Any], out: NDArray[Any]) -> Any:
    # m (16, C_out, n, t, u); out (n, C_out, H', W'), H' ≤ 2t and W' ≤ 2u. Returns 0 when every
    # value written is finite and NaN otherwise (x·0 is 0 for finite x, else NaN), so no
    # separate pass over out is needed; the flags add up per column so the loop stays SIMD.
    count, tile_rows, tile_cols = m.shape[2], m.shape[3], m.shape[4]
    out_rows, out_cols = out.shape[2], out.shape[3]
    sums = np.empty((8, tile_cols), m.dtype)
    top = np.empty(2 * tile_cols, m.dtype)
    bottom = np.empty(2 * tile_cols, m.dtype)
    flags = np.zeros(out_cols, m.dtype)
    for o in range(m.shape[1]):
        for n in range(count):
            for i in range(tile_rows):
                for col in range(4):
                    m0, m1 = m[col, o, n, i], m[4 + col, o, n, i]
                    m2, m3 = m[8 + col, o, n, i], m[12 + col, o, n, i]
                    upper, lower = sums[col], sums[4 + col]
                    for j in range(tile_cols):
                        upper[j] = m0[j] + m1[j] + m2[j]
                        lower[j] = m1[j] - m2[j] - m3[j]
                for half in range(2):
                    p0, p1 = sums[4 * half], sums[4 * half + 1]
                    p2, p3 = sums[4 * half + 2], sums[4 * half + 3]
                    row = top if half == 0 else bottom
                    for j in range(tile_cols):
                        row[2 * j] = p0[j] + p1[j] + p2[j]
                        row[2 * j + 1] = p1[j] - p2[j] - p3[j]
                for half in range(min(2, out_rows - 2 * i)):
                    row = top if half == 0 else bottom
                    target = out[n, o, 2 * i + half]
                    for q in range(out_cols):
                        target[q] = row[q]
                        flags[q] += row[q] * 0
    return flags.sum()


winograd_input = njit(cache=True, nogil=True)(_winograd_input)
"""The compiled input transform of :mod:`._winograd`; cached on disk."""
winograd_output = njit(cache=True, nogil=True)(_winograd_output)
"""The compiled output transform of :mod:`._winograd`; cached on disk."""
