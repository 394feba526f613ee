"""Direct loops compiled by numba, for filters where each output channel reads one input channel.

Small kernels on images (a 3×3 filter on a photo, a depthwise layer) do only ``kH·kW``
multiply-adds per output, so NumPy's shift-and-add spends its time on passes through memory
and per-call overhead, several times slower than OpenCV's SIMD filter. Here the output is
built piece by piece: four kernel taps at a time are added into a piece while it sits in the
L1 cache, in a loop LLVM vectorises. Pieces are shared between threads (the compiled loop
releases the GIL). Stride 1 only (any dilation); strided problems go to ``depthwise``.

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

_pieces_kernel: Any = None


def suits(weight: NDArray[Any], spec: ConvSpec, dtype: np.dtype[Any]) -> bool:
    """Return whether the compiled loops compute this problem (else another algorithm does)."""
    return (
        AVAILABLE
        and dtype in DTYPES
        and spec.stride == (1, 1)
        and one_channel_per_output(weight, spec.groups)
    )


def numba_direct(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation by compiled direct loops; unsuited problems go to ``depthwise``."""
    if not suits(weight, spec, padded.dtype):
        return depthwise(padded, weight, spec)
    batch, channels, rows, cols = padded.shape
    out_channels, _, k_rows, k_cols = weight.shape
    out_rows = rows - spec.dilation[0] * (k_rows - 1)
    out_cols = cols - spec.dilation[1] * (k_cols - 1)
    # Flat output rows are as wide as the padded input; the cells past out_cols are cropped.
    out = np.empty((batch * out_channels, out_rows * cols), padded.dtype)
    sources = np.ascontiguousarray(padded).reshape(batch * channels, rows * cols)
    weights = np.ascontiguousarray(weight, dtype=padded.dtype).reshape(out_channels, -1)
    taps = np.indices((k_rows, k_cols)).reshape(2, -1)
    offsets = taps[0] * spec.dilation[0] * cols + taps[1] * spec.dilation[1]
    length = (out_rows - 1) * cols + out_cols
    _run_pieces(sources, weights, offsets, out, (out_channels // channels, length))
    return out.reshape(batch, out_channels, out_rows, cols)[..., :out_cols]


def _run_pieces(
    sources: NDArray[Any],
    weights: NDArray[Any],
    offsets: NDArray[Any],
    out: NDArray[Any],
    geometry: tuple[int, int],
) -> None:
    from ._numba_loops import PIECE_CELLS

    kernel = _compiled()
    total = out.shape[0] * -(-geometry[1] // PIECE_CELLS)
    if out.size * weights.shape[1] < THREAD_MIN_PRODUCTS:
        kernel(sources, weights, offsets, out, 0, total, *geometry)
        return
    shares = 4 * THREADS  # several per thread: in_threads deals them out in turn
    cuts = [total * i // shares for i in range(shares + 1)]
    pieces = [(cuts[i], cuts[i + 1], 0, 0) for i in range(shares)]

    def run_share(share: list[tuple[int, int, int, int]]) -> None:
        for first, last, _, _ in share:
            kernel(sources, weights, offsets, out, first, last, *geometry)

    in_threads(run_share, pieces)


def warm() -> None:
    """Compile (or load from the disk cache) the loops for every dtype, if numba is installed.

    A server calls this at start, so no request waits for the compiler.
    """
    if not AVAILABLE:
        return
    offsets = np.zeros(1, np.int64)
    for dtype in DTYPES:
        one = np.ones((1, 1), dtype)
        _compiled()(one, one, offsets, np.empty((1, 1), dtype), 0, 1, 1, 1)


def numba_ready() -> bool:
    """Return whether the compiled loops are loaded in this process (no compile or load waits)."""
    return _pieces_kernel is not None


def _compiled() -> Any:
    global _pieces_kernel
    if _pieces_kernel is None:
        from ._numba_loops import pieces_kernel

        _pieces_kernel = pieces_kernel
    return _pieces_kernel
