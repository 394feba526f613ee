"""Correlation through the Fourier transform, for large kernels on floating-point data.

Multiplying the image's transform by the complex conjugate of the kernel's gives the circular
cross-correlation. Over a transform at least as large as the padded input, the outputs of a
valid correlation never wrap around, so no extra margin is needed. Sizes come from
``scipy.fft.next_fast_len`` (products of small primes) and the transforms are real
(``rfft2``), which halves the work. float32 stays float32 (complex64) throughout.

Integer data never comes here through ``auto``: rounding would make results inexact. Called by
name with integers, it hands the problem to :func:`~convscope.engine._gemm.tap_gemm`, and so it
does with NaN or infinity, which a transform would spread to every output cell instead of only
the windows that hold them.
"""

from __future__ import annotations

import math
import os
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .spec import ConvSpec

WORKERS = max(1, min(4, os.cpu_count() or 1))
PARALLEL_FFT_SIZE = 256 * 256
"""Transforms smaller than this many cells run on one thread: starting workers costs more."""


def transform_size(padded_size: tuple[int, int]) -> tuple[int, int]:
    """Return the fast real-transform size that holds a padded input of ``padded_size``."""
    import scipy.fft  # imported on first use: the sandbox child never needs it

    return (
        scipy.fft.next_fast_len(padded_size[0], real=True),
        scipy.fft.next_fast_len(padded_size[1], real=True),
    )


def fft_correlate(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation computed with real 2-D FFTs; integers and non-finite data do not."""
    import scipy.fft

    batch, _, rows, cols = padded.shape
    size = transform_size((rows, cols))
    if padded.dtype.kind != "f" or not _stays_finite(padded, weight, size):
        from ._gemm import tap_gemm

        return tap_gemm(padded, weight, spec)
    out_channels, group_channels, k_rows, k_cols = weight.shape
    groups = spec.groups
    kernel = _dilated(weight, spec.dilation)
    workers = WORKERS if size[0] * size[1] >= PARALLEL_FFT_SIZE else 1
    image_spectrum = scipy.fft.rfft2(padded, s=size, workers=workers)
    kernel_spectrum = np.conj(scipy.fft.rfft2(kernel, s=size, workers=workers))
    frequencies = image_spectrum.shape[2:]
    image_spectrum = image_spectrum.reshape(batch, groups, group_channels, *frequencies)
    kernel_spectrum = kernel_spectrum.reshape(groups, -1, group_channels, *frequencies)
    if group_channels == 1:  # one input channel per output: a plain product, no sum
        product = image_spectrum[:, :, None, 0] * kernel_spectrum[None, :, :, 0]
    else:
        product = np.einsum("ngcuv,gocuv->ngouv", image_spectrum, kernel_spectrum)
    product = product.reshape(batch, out_channels, *frequencies)
    full: NDArray[Any] = scipy.fft.irfft2(product, s=size, workers=workers)
    span_rows, span_cols = spec.effective_kernel_size((k_rows, k_cols))
    (s_rows, s_cols) = spec.stride
    return full[:, :, : rows - span_rows + 1 : s_rows, : cols - span_cols + 1 : s_cols]


def _stays_finite(padded: NDArray[Any], weight: NDArray[Any], size: tuple[int, int]) -> bool:
    # NaN or infinity would spread to every output through the transforms, and so would an
    # overflow of the spectra; the direct sum confines both to the windows that hold them.
    largest = max(abs(float(padded.max())), abs(float(padded.min())))
    reach = largest * float(np.abs(weight).sum()) * size[0] * size[1]
    return math.isfinite(reach) and reach < float(np.finfo(padded.dtype).max)


def _dilated(weight: NDArray[Any], dilation: tuple[int, int]) -> NDArray[Any]:
    if dilation == (1, 1):
        return weight
    rows = dilation[0] * (weight.shape[2] - 1) + 1
    cols = dilation[1] * (weight.shape[3] - 1) + 1
    spread = np.zeros((*weight.shape[:2], rows, cols), weight.dtype)
    spread[:, :, :: dilation[0], :: dilation[1]] = weight
    return spread
