"""The loops :mod:`._numba_direct` compiles: imported only when numba is installed and needed.

One output row at a time: the row is written by the first taps and the rest are added into it,
four taps per pass over the row, each tap reading a contiguous slice of one input row. With the
row in the L1 cache and the inner loop over contiguous cells, LLVM turns it into SIMD code.
Plain ``+`` and ``×`` in IEEE order (no ``fastmath``), so NaN and infinity behave as in the
direct sum and integers wrap as NumPy's int64 does.
"""

from __future__ import annotations

from typing import Any

from numba import njit
from numpy.typing import NDArray


def _rows(
    planes: NDArray[Any],
    taps: NDArray[Any],
    out: NDArray[Any],
    first: int,
    last: int,
    multiplier: int,
    row_stride: int,
    row_dilation: int,
    col_dilation: int,
) -> None:
    # planes (N·C, rows, cols); taps (C_out, kH, kW); out (N·C_out, H', W'); rows first..last of
    # out counted across all its planes. Output plane q = n·C_out + o reads input plane
    # n·C + o // multiplier with kernel o.
    out_channels, out_rows, width = taps.shape[0], out.shape[1], out.shape[2]
    k_cols = taps.shape[2]
    count = taps.shape[1] * k_cols
    for flat_row in range(first, last):
        plane, i = flat_row // out_rows, flat_row % out_rows
        image, kernel = plane // out_channels, plane % out_channels
        source = planes[image * (out_channels // multiplier) + kernel // multiplier]
        weights = taps[kernel].ravel()
        row = out[plane, i]
        top = i * row_stride
        t = 0
        while t < count:
            a0, b0 = t // k_cols * row_dilation, t % k_cols * col_dilation
            s0 = source[top + a0, b0 : b0 + width]
            if count - t >= 4:
                a1, b1 = (t + 1) // k_cols * row_dilation, (t + 1) % k_cols * col_dilation
                a2, b2 = (t + 2) // k_cols * row_dilation, (t + 2) % k_cols * col_dilation
                a3, b3 = (t + 3) // k_cols * row_dilation, (t + 3) % k_cols * col_dilation
                s1 = source[top + a1, b1 : b1 + width]
                s2 = source[top + a2, b2 : b2 + width]
                s3 = source[top + a3, b3 : b3 + width]
                w0, w1, w2, w3 = weights[t], weights[t + 1], weights[t + 2], weights[t + 3]
                if t == 0:
                    for j in range(width):
                        row[j] = (w0 * s0[j] + w1 * s1[j]) + (w2 * s2[j] + w3 * s3[j])
                else:
                    for j in range(width):
                        row[j] += (w0 * s0[j] + w1 * s1[j]) + (w2 * s2[j] + w3 * s3[j])
                t += 4
                continue
            w0 = weights[t]
            if t == 0:
                for j in range(width):
                    row[j] = w0 * s0[j]
            else:
                for j in range(width):
                    row[j] += w0 * s0[j]
            t += 1


rows_kernel = njit(cache=True, nogil=True)(_rows)
"""The compiled :func:`_rows`; one machine-code version per dtype, cached on disk."""
