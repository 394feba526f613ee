"""Direct loops compiled by numba, for filters where each output channel reads one input channel.

Small kernels on images (a 3×3 filter on a photo, a depthwise layer) do only ``kH·kW``
multiply-adds per output, so NumPy's shift-and-add spends its time on passes through memory
and per-call overhead, several times slower than OpenCV's SIMD filter. Here each output row is
built in one place: four kernel taps at a time are added into the row while it sits in the
L1 cache, in a loop LLVM vectorises. Rows are shared between threads (the compiled loop
releases the GIL).

numba is optional (the ``fast`` extra). Without it :data:`AVAILABLE` is False, this algorithm is
not registered and the NumPy paths do the same work. Compiled code is cached on disk
(``cache=True``) and :func:`warm` compiles or loads it ahead of the first request.
"""

from __future__ import annotations

import importlib.util
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._depthwise import THREADS, depthwise, in_threads, one_channel_per_output
from .spec import ConvSpec

AVAILABLE = importlib.util.find_spec("numba") is not None
"""Whether numba can be imported; checked without importing it (numba takes ~0.3 s to load)."""
DTYPES = (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64))
"""The compute dtypes compiled for; others (long double) go to the NumPy path."""
THREAD_MIN_PRODUCTS = 1 << 23
"""Below this many multiply-adds one thread is quicker than handing rows to the pool."""

_rows_kernel: Any = None


def suits(weight: NDArray[Any], spec: ConvSpec, dtype: np.dtype[Any]) -> bool:
    """Return whether the compiled loops compute this problem (else another algorithm does)."""
    return (
        AVAILABLE
        and dtype in DTYPES
        and spec.stride[1] == 1
        and one_channel_per_output(weight, spec.groups)
    )


def numba_direct(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation by compiled direct loops; unsuited problems go to ``depthwise``."""
    if not suits(weight, spec, padded.dtype):
        return depthwise(padded, weight, spec)
    batch, channels, rows, cols = padded.shape
    out_channels, _, k_rows, k_cols = weight.shape
    span_rows = spec.dilation[0] * (k_rows - 1) + 1
    span_cols = spec.dilation[1] * (k_cols - 1) + 1
    out_rows = (rows - span_rows) // spec.stride[0] + 1
    out = np.empty((batch * out_channels, out_rows, cols - span_cols + 1), padded.dtype)
    planes = np.ascontiguousarray(padded).reshape(batch * channels, rows, cols)
    taps = np.ascontiguousarray(weight, dtype=padded.dtype).reshape(out_channels, k_rows, k_cols)
    geometry = (out_channels // channels, spec.stride[0], *spec.dilation)
    _run_rows(planes, taps, out, geometry)
    return out.reshape(batch, out_channels, out_rows, -1)


def _run_rows(
    planes: NDArray[Any], taps: NDArray[Any], out: NDArray[Any], geometry: tuple[int, ...]
) -> None:
    kernel = _compiled()
    total_rows = out.shape[0] * out.shape[1]
    if out.size * taps.shape[1] * taps.shape[2] < THREAD_MIN_PRODUCTS:
        kernel(planes, taps, out, 0, total_rows, *geometry)
        return
    shares = 4 * THREADS  # several per thread: in_threads deals them out in turn
    cuts = [total_rows * i // shares for i in range(shares + 1)]
    pieces = [(cuts[i], cuts[i + 1], 0, 0) for i in range(shares)]

    def rows_of(share: list[tuple[int, int, int, int]]) -> None:
        for first, last, _, _ in share:
            kernel(planes, taps, out, first, last, *geometry)

    in_threads(rows_of, pieces)


def warm() -> None:
    """Compile (or load from the disk cache) the loops for every dtype, if numba is installed.

    A server calls this at start, so no request waits for the compiler.
    """
    if not AVAILABLE:
        return
    for dtype in DTYPES:
        planes = np.ones((1, 3, 3), dtype)
        _compiled()(planes, planes, np.empty((1, 1, 1), dtype), 0, 1, 1, 1, 1, 1)


def numba_ready() -> bool:
    """Return whether the compiled loops are loaded in this process (no compile or load waits)."""
    return _rows_kernel is not None


def _compiled() -> Any:
    global _rows_kernel
    if _rows_kernel is None:
        from ._numba_loops import rows_kernel

        _rows_kernel = rows_kernel
    return _rows_kernel
