"""The algorithms that compute a convolution, and the one place that chooses between them.

Every algorithm receives the same canonical problem — an already padded ``(N, C, H, W)`` input,
a ``(C_out, C_in/groups, kH, kW)`` weight already flipped when the spec asks for true
convolution, and the :class:`~convscope.engine.spec.ConvSpec` — and returns the
``(N, C_out, H', W')`` cross-correlation in the compute dtype. Callers never pick one directly
except through ``algorithm=``; :func:`choose` decides for ``"auto"``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._cost import estimate_costs
from ._depthwise import depthwise, one_channel_per_output
from ._fft import fft_correlate
from ._gemm import im2col_gemm, tap_gemm
from ._numba_direct import AVAILABLE as NUMBA_AVAILABLE
from ._numba_direct import numba_direct, numba_ready
from ._numba_direct import suits as numba_suits
from ._numba_direct import warm as warm_numba
from ._separable import separable
from ._winograd import warm as warm_winograd
from ._winograd import winograd
from .spec import ConvSpec

Algorithm = Callable[[NDArray[Any], NDArray[Any], ConvSpec], NDArray[Any]]


def shifted_gemm(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation as one matrix product per kernel tap, accumulated.

    For tap ``(a, b)`` the input cells it meets form a strided view of the padded input; the
    weights of that tap, ``(C_out, C_in/groups)``, multiply that view's channels. No im2col
    matrix of ``kH × kW`` copies is ever built.
    """
    batch, _channels, rows, cols = padded.shape
    out_channels, group_channels, k_rows, k_cols = weight.shape
    groups = spec.groups
    out_rows, out_cols = spec.windows_over((rows, cols), (k_rows, k_cols))
    (s_rows, s_cols), (d_rows, d_cols) = spec.stride, spec.dilation
    grouped_input = padded.reshape(batch, groups, group_channels, rows, cols)
    grouped_weight = weight.reshape(groups, out_channels // groups, group_channels, k_rows, k_cols)
    result = np.zeros((batch, groups, out_channels // groups, out_rows * out_cols), padded.dtype)
    for a in range(k_rows):
        for b in range(k_cols):
            top, left = a * d_rows, b * d_cols
            view = grouped_input[
                :,
                :,
                :,
                top : top + s_rows * (out_rows - 1) + 1 : s_rows,
                left : left + s_cols * (out_cols - 1) + 1 : s_cols,
            ]
            taps = view.reshape(batch, groups, group_channels, out_rows * out_cols)
            result += np.matmul(grouped_weight[:, :, :, a, b], taps)
    return result.reshape(batch, out_channels, out_rows, out_cols)


ALGORITHMS: dict[str, Algorithm] = {
    "shifted_gemm": shifted_gemm,
    "tap_gemm": tap_gemm,
    "im2col_gemm": im2col_gemm,
    "depthwise": depthwise,
    "separable": separable,
    "fft": fft_correlate,
    "winograd": winograd,
}
"""Every algorithm by name. Each accepts every canonical problem; one that suits only some
problems (``depthwise``, ``separable``, ``fft`` and ``winograd`` not for integers,
``numba_direct``) hands the others on internally. ``numba_direct`` is here only when numba is
installed (the ``fast`` extra); ``winograd`` always is, with slower NumPy transforms without it."""
if NUMBA_AVAILABLE:
    ALGORITHMS["numba_direct"] = numba_direct


TINY_PRODUCTS = 1 << 14
"""Problems with fewer multiply-adds than this (a lesson's 6×6 image and 3×3 kernel has 324)
skip the cost model: any algorithm takes tens of microseconds, about what estimating takes."""


def choose(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> str:
    """Return the name of the algorithm ``"auto"`` uses: the cheapest by :mod:`._cost`.

    Tiny problems take a fixed choice instead: the compiled loops when they suit and are
    already loaded (loading numba for a tiny problem would cost more than it saves), else
    shift-and-add when each output channel reads one input channel, else one im2col product.
    """
    rows, cols = spec.windows_over(padded.shape[2:], weight.shape[2:])
    if padded.shape[0] * rows * cols * math.prod(weight.shape) < TINY_PRODUCTS:
        if numba_ready() and numba_suits(weight, spec, padded.dtype):
            return "numba_direct"
        return "depthwise" if one_channel_per_output(weight, spec.groups) else "im2col_gemm"
    estimates = estimate_costs(padded.shape, weight, spec, padded.dtype)
    return min(estimates, key=estimates.__getitem__)


def warm_up() -> None:
    """Load or compile the optional compiled loops (direct filters, Winograd transforms) now,
    so no request waits for numba.

    A no-op without numba. The first run on a machine compiles (a few seconds); later
    processes load the machine code from numba's disk cache (a fraction of a second).
    """
    warm_numba()
    warm_winograd()


def run(
    padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec, algorithm: str = "auto"
) -> NDArray[Any]:
    """Return the canonical correlation by the named algorithm, or by the chosen one for "auto"."""
    name = choose(padded, weight, spec) if algorithm == "auto" else algorithm
    try:
        implementation = ALGORITHMS[name]
    except KeyError:
        raise ValueError(
            f"algorithm must be 'auto' or one of {', '.join(repr(n) for n in ALGORITHMS)}, "
            f"got {algorithm!r}"
        ) from None
    return implementation(padded, weight, spec)
