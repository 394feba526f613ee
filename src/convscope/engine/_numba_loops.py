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
