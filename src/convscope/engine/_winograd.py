"""Winograd's minimal filtering F(2×2, 3×3): 3×3 layers with many channels in fewer products.

At stride 1 a 3×3 correlation computes each 2×2 block of outputs from the 4×4 block of input
(a *tile*) under it; neighbouring tiles overlap by two rows or columns. Winograd's method
transforms the tile, ``V = Bᵀ d B``, and the kernel, ``U = G g Gᵀ``, into 4×4 arrays whose
element-wise product transformed back, ``Aᵀ (U ⊙ V) A``, is exactly that 2×2 block: 16
multiplications where the direct sum makes 36. Summed over input channels, the element-wise
products become 16 matrix products ``(C_out, C_in) × (C_in, tiles)``, one per cell of the
4×4 array, so BLAS still does the arithmetic, 2.25 times less of it than im2col's product.
The transforms themselves only add and subtract (``Bᵀ`` and ``Aᵀ`` hold 0 and ±1; ``G``
halves), so they cost memory passes, not multiplications.

Images are processed a few at a time so the transformed tiles stay in cache between the
transform and the products. With numba (the ``fast`` extra) the transforms are compiled loops
on one thread (a second thread measured no faster: the transforms wait on memory, and
OpenBLAS's threads keep spinning between the products); without numba they are NumPy slices,
correct but slow enough that ``auto`` prefers the im2col product.

It suits floating-point 3×3 kernels at stride 1 without dilation or groups; every other
problem is handed to :func:`~convscope.engine._gemm.tap_gemm`, integers included (they stay
exact there). The transforms mix the values of a tile, so a NaN or infinity would spread over
its neighbours instead of staying in the windows that hold it, and an overflow in a transform
could make a non-finite result where the direct sum is finite: when any output is not finite,
the problem is computed again by ``tap_gemm``, which matches the direct sum. Rounding: the
result differs from the direct sum by a few units in the last place (5e-7 relative, float32,
a 128-channel layer).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._numba_direct import AVAILABLE as NUMBA_AVAILABLE
from .spec import ConvSpec

CHUNK_BYTES = 16 * 2**20
"""Transformed tiles and products held at once: a few images' worth, about the L3 cache."""
_COMPILED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def suits(weight: NDArray[Any], spec: ConvSpec, dtype: np.dtype[Any]) -> bool:
    """Return whether this problem is computed by Winograd's method (else ``tap_gemm`` does)."""
    return (
        dtype.kind == "f"
        and weight.shape[2:] == (3, 3)
        and spec.stride == (1, 1)
        and spec.dilation == (1, 1)
        and spec.groups == 1
    )


def compiled(dtype: np.dtype[Any]) -> bool:
    """Return whether the transforms for ``dtype`` run as compiled loops (numba installed)."""
    return NUMBA_AVAILABLE and dtype in _COMPILED_DTYPES


def warm() -> None:
    """Compile (or load from numba's disk cache) the transforms for every compiled dtype."""
    if not NUMBA_AVAILABLE:
        return
    for dtype in _COMPILED_DTYPES:
        winograd(np.ones((1, 1, 4, 4), dtype), np.ones((1, 1, 3, 3), dtype), ConvSpec())


def winograd(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation by F(2×2, 3×3); unsuited or non-finite problems go to ``tap_gemm``.

    >>> image = np.arange(30.0).reshape(1, 1, 5, 6)
    >>> kernel = np.array([[[[0.0, 1, 0], [1, -4, 1], [0, 1, 0]]]])
    >>> winograd(image, kernel, ConvSpec())
    array([[[[0., 0., 0., 0.],
             [0., 0., 0., 0.],
             [0., 0., 0., 0.]]]])
    """
    from ._gemm import tap_gemm

    if not suits(weight, spec, padded.dtype):
        return tap_gemm(padded, weight, spec)
    batch, channels, rows, cols = padded.shape
    out_channels = weight.shape[0]
    out = np.empty((batch, out_channels, rows - 2, cols - 2), padded.dtype)
    tile_rows, tile_cols = -(-(rows - 2) // 2), -(-(cols - 2) // 2)
    tiles = _even_tiles(np.ascontiguousarray(padded), tile_rows, tile_cols)
    kernel = _transformed_kernel(weight, padded.dtype)  # (16, C_out, C_in)
    row_bytes = 16 * (channels + out_channels) * tile_cols * padded.dtype.itemsize
    band = max(1, CHUNK_BYTES // row_bytes)  # tile rows per chunk: whole images when they fit
    chunks = _chunks(batch, tile_rows, band)
    most = max((s.stop - s.start) * (bottom - top) for s, top, bottom in chunks)
    buffers = np.empty((2, 16 * max(channels, out_channels) * most * tile_cols), padded.dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # non-finite results are redone below
        for images, top, bottom in chunks:
            part = tiles[images, :, 2 * top : 2 * bottom + 2]
            if not _chunk(part, kernel, buffers, out[images, :, 2 * top : 2 * bottom]):
                return tap_gemm(padded, weight, spec)
    return out


def _chunks(batch: int, tile_rows: int, band: int) -> list[tuple[slice, int, int]]:
    """Return (images, first tile row, last tile row) of each chunk of about ``band`` rows."""
    if band >= tile_rows:
        step = band // tile_rows
        return [(slice(n, min(batch, n + step)), 0, tile_rows) for n in range(0, batch, step)]
    return [
        (slice(n, n + 1), top, min(tile_rows, top + band))
        for n in range(batch)
        for top in range(0, tile_rows, band)
    ]


def _chunk(
    images: NDArray[Any], kernel: NDArray[Any], buffers: NDArray[Any], out: NDArray[Any]
) -> bool:
    """Compute the outputs of a few images, or a band of one, in ``buffers``; all finite?"""
    count, channels, rows, cols = images.shape
    tile_rows, tile_cols = (rows - 2) // 2, (cols - 2) // 2
    cells = count * tile_rows * tile_cols
    v = buffers[0, : 16 * channels * cells].reshape(16, channels, count, tile_rows, tile_cols)
    _transform_input(images, v)
    m = buffers[1, : 16 * kernel.shape[1] * cells].reshape(16, kernel.shape[1], cells)
    np.matmul(kernel, v.reshape(16, channels, cells), out=m)
    return _transform_output(m.reshape(16, -1, count, tile_rows, tile_cols), out)


def _even_tiles(padded: NDArray[Any], tile_rows: int, tile_cols: int) -> NDArray[Any]:
    # An odd output size leaves the last tile one row or column short: pad it with zeros.
    rows, cols = 2 * tile_rows + 2, 2 * tile_cols + 2
    if padded.shape[2:] == (rows, cols):
        return padded
    extra = ((0, 0), (0, 0), (0, rows - padded.shape[2]), (0, cols - padded.shape[3]))
    return np.pad(padded, extra)


def _transformed_kernel(weight: NDArray[Any], dtype: np.dtype[Any]) -> NDArray[Any]:
    """Return ``U = G g Gᵀ`` of every (output, input) channel pair as ``(16, C_out, C_in)``."""
    spread = np.empty((4, 4, *weight.shape[:2]), dtype)
    rows = _spread(np.asarray(weight, dtype).transpose(2, 3, 0, 1))  # G g: 4 × (3, C_out, C_in)
    for a, row in enumerate(rows):
        for b, cell in enumerate(_spread(row)):  # (G g) Gᵀ
            spread[a, b] = cell
    return spread.reshape(16, *weight.shape[:2])


def _spread(taps: NDArray[Any]) -> list[NDArray[Any]]:
    # G applied along the first axis: (g0, (g0 + g1 + g2) / 2, (g0 - g1 + g2) / 2, g2).
    half = taps[0] + taps[2]
    return [taps[0], (half + taps[1]) * 0.5, (half - taps[1]) * 0.5, taps[2]]


def _transform_input(images: NDArray[Any], v: NDArray[Any]) -> None:
    """Write ``Bᵀ d B`` of every tile of ``images`` ``(n, C, 2t+2, 2u+2)`` into ``v``."""
    if not compiled(images.dtype):
        _input_numpy(images, v.reshape(4, 4, *v.shape[1:]))
        return
    from ._numba_loops import winograd_input

    winograd_input(images, v)


def _transform_output(m: NDArray[Any], out: NDArray[Any]) -> bool:
    """Write ``Aᵀ m A`` of every tile into ``out``; return whether every value is finite."""
    if not compiled(m.dtype):
        _output_numpy(m.reshape(4, 4, *m.shape[1:]), out)
        return bool(np.isfinite(out).all())
    from ._numba_loops import winograd_output

    return bool(np.isfinite(winograd_output(m, out)))


def _one_dimensional(d: list[NDArray[Any]], out: list[NDArray[Any]]) -> None:
    # Bᵀ applied along one axis: (d0 - d2, d1 + d2, d2 - d1, d1 - d3).
    np.subtract(d[0], d[2], out=out[0])
    np.add(d[1], d[2], out=out[1])
    np.subtract(d[2], d[1], out=out[2])
    np.subtract(d[1], d[3], out=out[3])


def _input_numpy(images: NDArray[Any], v: NDArray[Any]) -> None:
    # v is (4, 4, C, n, t, u): first index the row transform, second the column transform.
    tile_rows, tile_cols = v.shape[-2:]
    rows = np.empty((4, *images.shape[:2], tile_rows, images.shape[3]), images.dtype)
    _one_dimensional([images[:, :, k : k + 2 * tile_rows : 2] for k in range(4)], list(rows))
    for q in range(4):
        cells = [rows[q][..., k : k + 2 * tile_cols : 2] for k in range(4)]
        _one_dimensional(cells, list(v[q].transpose(0, 2, 1, 3, 4)))


def _output_numpy(m: NDArray[Any], out: NDArray[Any]) -> None:
    # m is (4, 4, C_out, n, t, u); Aᵀ keeps (m0 + m1 + m2, m1 - m2 - m3) along each axis.
    sums = np.empty((2, *m.shape[1:]), m.dtype)
    np.add(m[0], m[1], out=sums[0])
    sums[0] += m[2]
    np.subtract(m[1], m[2], out=sums[1])
    sums[1] -= m[3]
    _, _, out_channels, count, tile_rows, tile_cols = m.shape
    blocks = np.empty((count, out_channels, tile_rows, 2, tile_cols, 2), m.dtype)
    for a in range(2):
        left, right = blocks[:, :, :, a, :, 0], blocks[:, :, :, a, :, 1]
        s = sums[a].transpose(0, 2, 1, 3, 4)  # (4, n, C_out, t, u)
        np.add(s[0], s[1], out=left)
        left += s[2]
        np.subtract(s[1], s[2], out=right)
        right -= s[3]
    grid = blocks.reshape(count, out_channels, 2 * tile_rows, 2 * tile_cols)
    out[...] = grid[..., : out.shape[2], : out.shape[3]]
