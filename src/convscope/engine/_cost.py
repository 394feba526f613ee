"""A cost model that predicts how long each algorithm takes, so ``auto`` can pick the cheapest.

Each estimate is arithmetic divided by the rate of the unit that does it (BLAS products, NumPy
element-wise loops, memory copies, FFTs) plus a fixed price per NumPy call. The rates were
measured on a 2-core development machine (AMD EPYC, OpenBLAS) with ``benchmarks/bench_engine.py``;
only their ratios matter, since ``choose`` compares estimates with each other. Integer data
has no BLAS or FFT: its products run in NumPy's own loops and FFT is never offered.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._depthwise import (
    AXPY_CELLS,
    AXPY_MIN_CELLS,
    CHUNK_CELLS,
    THREADS,
    one_channel_per_output,
)
from ._fft import PARALLEL_FFT_SIZE, WORKERS, transform_size
from ._numba_direct import THREAD_MIN_PRODUCTS
from ._numba_direct import suits as numba_suits
from ._separable import kernel_factors
from ._winograd import compiled as winograd_compiled
from ._winograd import suits as winograd_suits
from .spec import ConvSpec

GEMM_FLOPS = 150e9  # float32 matrix product, both cores, large inner dimension
GEMM_HALF_INNER = 64  # inner dimension at which a product runs at half that rate
INTEGER_GEMM_FLOPS = 1.5e9  # NumPy's int64 matmul loop, no BLAS
AXPY_RATE = 6e9  # float32 multiply-adds per second of BLAS axpy on in-cache pieces, one thread
CELL_RATE = 3e9  # in-cache multiply-adds per second per thread (NumPy element-wise, float32)
COPY_BYTES = 20e9  # copies into cache-sized buffers, bytes per second (the benchmark measures ~24)
FFT_FLOPS = 6e9  # scipy.fft per worker, counting 2.5 n log2 n per real transform
CALL_SECONDS = 2e-6  # fixed price of one NumPy call
IM2COL_MAX_BYTES = 64 * 2**20  # auto never builds a larger im2col matrix (per image)
FFT_CALL_SECONDS = 150e-6  # fixed price of the FFT path: plans, three transforms, a copy
NUMBA_RATE = 20e9  # float32 multiply-adds per second of the compiled loops, one thread
NUMBA_THREAD_GAIN = 1.6  # what a second thread adds (rows shared, memory shared too)
NUMBA_CALL_SECONDS = 10e-6  # fixed price of one call, plus handing rows to the pool below
POOL_SECONDS = 30e-6
TRANSFORM_RATE = 1.7e9  # Winograd tile values written or read per second, compiled, one thread
NUMPY_TRANSFORM_RATE = 0.4e9  # the same through NumPy slices
KERNEL_TRANSFORM_RATE = 0.3e9  # transformed kernel values per second (NumPy, small arrays)


def estimate_costs(
    padded_shape: tuple[int, ...], weight: NDArray[Any], spec: ConvSpec, dtype: np.dtype[Any]
) -> dict[str, float]:
    """Return the predicted seconds of each algorithm that suits this problem."""
    shape = _Shape(padded_shape, weight.shape, spec, dtype)
    costs = {"tap_gemm": shape.tap_gemm()}
    if shape.im2col_bytes() <= IM2COL_MAX_BYTES:
        costs["im2col_gemm"] = shape.im2col_gemm()
    if one_channel_per_output(weight, spec.groups):
        costs["depthwise"] = shape.depthwise()
    if dtype.kind == "f":  # FFT rounds: integers must stay exact
        costs["fft"] = shape.fft()
    if numba_suits(weight, spec, dtype):
        costs["numba_direct"] = shape.numba_direct()
    if winograd_suits(weight, spec, dtype):
        costs["winograd"] = shape.winograd()
    # The rank test looks at every kernel, so it runs only when splitting would win.
    if "depthwise" in costs and min(shape.kernel) > 1:
        separable = shape.separable()
        if separable < min(costs.values()) and kernel_factors(weight) is not None:
            costs["separable"] = separable
    return costs


class _Shape:
    """The sizes every estimate needs, computed once."""

    def __init__(
        self,
        padded: tuple[int, ...],
        weight: tuple[int, ...],
        spec: ConvSpec,
        dtype: np.dtype[Any],
    ) -> None:
        self.batch, self.channels, self.rows, self.cols = padded
        self.out_channels, self.group_channels = weight[0], weight[1]
        self.kernel = (weight[2], weight[3])
        self.taps = weight[2] * weight[3]
        self.spec, self.dtype = spec, dtype
        self.out_rows, self.out_cols = spec.windows_over((self.rows, self.cols), self.kernel)
        phases = spec.stride[0] * spec.stride[1]
        self.flat_length = self.out_rows * -(-self.cols // spec.stride[1])
        self.phase_copy = (
            0.0
            if phases == 1
            else 2 * self._bytes(self.batch * self.channels * self.rows * self.cols)
        )
        self.outputs = self.batch * self.out_channels * self.flat_length

    def _bytes(self, cells: float) -> float:
        return cells * self.dtype.itemsize / COPY_BYTES

    def _gemm_seconds(self, flops: float, inner: int) -> float:
        if self.dtype.kind != "f":
            return flops / INTEGER_GEMM_FLOPS
        rate = GEMM_FLOPS * inner / (inner + GEMM_HALF_INNER)
        return flops * (self.dtype.itemsize / 4) / rate

    def tap_gemm(self) -> float:
        """Return the seconds of one product per tap, accumulated in cache."""
        flops = 2 * self.outputs * self.group_channels * self.taps
        accumulate = 2 * self.taps * self.outputs / (CELL_RATE * THREADS)
        calls = self.batch * self.taps * (2 + self.spec.groups / 8) * CALL_SECONDS
        return self._gemm_seconds(flops, self.group_channels) + accumulate + calls + self.phase_copy

    def im2col_bytes(self) -> int:
        """Return the size of one image's im2col matrix."""
        return int(self.channels * self.taps * self.flat_length * self.dtype.itemsize)

    def im2col_gemm(self) -> float:
        """Return the seconds of copying the taps into one matrix and one product per image."""
        inner = self.group_channels * self.taps
        flops = 2 * self.outputs * inner
        copies = self._bytes(2 * self.batch * self.channels * self.taps * self.flat_length)
        calls = self.batch * (self.taps + self.spec.groups / 8) * CALL_SECONDS
        return self._gemm_seconds(flops, inner) + copies + calls + self.phase_copy

    def _shift_and_add(self, taps: int, cells: float) -> float:
        if self.dtype.kind == "f" and self.flat_length >= AXPY_MIN_CELLS:  # one BLAS axpy per tap
            calls = taps * max(1.0, cells / AXPY_CELLS) * CALL_SECONDS
            return taps * cells * (self.dtype.itemsize / 4) / AXPY_RATE + calls
        pieces = max(1.0, cells / CHUNK_CELLS)
        return taps * cells * 2 / (CELL_RATE * THREADS) + pieces * taps * 2 * CALL_SECONDS / THREADS

    def depthwise(self) -> float:
        """Return the seconds of shift-and-add over every tap."""
        return self._shift_and_add(self.taps, self.outputs) + self.phase_copy

    def numba_direct(self) -> float:
        """Return the seconds of the compiled loops: every tap of every output, in SIMD."""
        products = self.batch * self.out_channels * self.out_rows * self.out_cols * self.taps
        if products < THREAD_MIN_PRODUCTS:
            return products * (self.dtype.itemsize / 4) / NUMBA_RATE + NUMBA_CALL_SECONDS
        rate = NUMBA_RATE * min(THREADS, NUMBA_THREAD_GAIN)
        return products * (self.dtype.itemsize / 4) / rate + NUMBA_CALL_SECONDS + POOL_SECONDS

    def winograd(self) -> float:
        """Return the seconds of F(2×2, 3×3): 16 products over the tiles, and the transforms."""
        tiles = self.batch * -(-self.out_rows // 2) * -(-self.out_cols // 2)
        flops = 2 * 16 * self.out_channels * self.channels * tiles
        values = 16 * tiles * (self.channels + self.out_channels)
        rate = TRANSFORM_RATE if winograd_compiled(self.dtype) else NUMPY_TRANSFORM_RATE
        kernel = 16 * self.out_channels * self.channels / KERNEL_TRANSFORM_RATE
        calls = (self.batch + 2) * 16 * CALL_SECONDS
        scale = self.dtype.itemsize / 4
        return self._gemm_seconds(flops, self.channels) + scale * values / rate + kernel + calls

    def separable(self) -> float:
        """Return the seconds of a row pass then a column pass, piece by piece in cache."""
        halo = (self.kernel[0] - 1) * self.spec.dilation[0] * self.cols
        row_cells = self.outputs * (1 + halo / max(32768, 4 * halo, self.flat_length))
        if self.spec.stride != (1, 1):  # unfused: the row pass's result goes through memory
            row_cells = self.batch * self.out_channels * self.rows * self.out_cols
            row_cells += self._bytes(2 * row_cells) * CELL_RATE * THREADS
        return (
            self._shift_and_add(self.kernel[1], row_cells)
            + self._shift_and_add(self.kernel[0], self.outputs)
            + self.phase_copy
        )

    def fft(self) -> float:
        """Return the seconds of the forward and inverse real transforms and the spectra product."""
        rows, cols = transform_size((self.rows, self.cols))
        size = rows * cols
        transforms = self.batch * self.channels + self.out_channels * self.group_channels
        transforms += self.batch * self.out_channels
        transform_flops = transforms * 2.5 * size * math.log2(max(size, 2))
        product_flops = 8 * self.batch * self.out_channels * self.group_channels * size / 2
        scale = self.dtype.itemsize / 4
        workers = WORKERS if size >= PARALLEL_FFT_SIZE else 1
        arithmetic = transform_flops / (FFT_FLOPS * workers) + product_flops / (CELL_RATE * THREADS)
        return scale * arithmetic + FFT_CALL_SECONDS
