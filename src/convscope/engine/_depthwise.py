"""Shift-and-add for convolutions where each output channel reads a single input channel.

That is every depthwise convolution (``groups == C_in``, with any channel multiplier) and every
single-channel image filter. A matrix product would have an inner dimension of 1 there, so
instead each tap adds ``weight × slice`` into the output, on the flattened input of
:mod:`~convscope.engine._flat`. The work is cut into pieces of about
:data:`CHUNK_CELLS` cells so the accumulator stays in cache while all taps pass over it, and
the pieces are shared between threads: NumPy releases the GIL inside its loops.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._flat import FlatInput, flatten
from .spec import ConvSpec

CHUNK_CELLS = 1 << 15
"""Accumulator cells per piece of NumPy work: 128 KiB of float32, inside a core's L2 cache."""
AXPY_CELLS = 8192
"""Cells per BLAS ``axpy`` call: in cache, and under OpenBLAS's 10,000-cell threshold for
waking its threads, which on a busy machine can cost a time slice per call."""
AXPY_MIN_CELLS = 2048
"""Planes shorter than this go through NumPy's broadcasting instead, many planes per call."""

Piece = tuple[int, int, int, int]
"""``(first plane, last plane, first cell, last cell)`` of one piece of work."""

THREADS = max(1, min(4, os.cpu_count() or 1))
_POOL = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="convscope")


def one_channel_per_output(weight: NDArray[Any], groups: int) -> bool:
    """Return whether every output channel reads exactly one input channel."""
    return bool(weight.shape[1] == 1 and weight.shape[0] % groups == 0)


def depthwise(padded: NDArray[Any], weight: NDArray[Any], spec: ConvSpec) -> NDArray[Any]:
    """Return the correlation by shift-and-add when each output channel reads one channel.

    Other problems are passed on to :func:`~convscope.engine._gemm.tap_gemm`, so this accepts
    every canonical problem.
    """
    if not one_channel_per_output(weight, spec.groups):
        from ._gemm import tap_gemm

        return tap_gemm(padded, weight, spec)
    flat = flatten(padded, (weight.shape[2], weight.shape[3]), spec)
    batch, channels = padded.shape[0], padded.shape[1]
    multiplier = weight.shape[0] // channels
    taps = weight.reshape(channels, multiplier, -1)
    out = np.empty((batch, channels, multiplier, flat.out_rows * flat.cols), padded.dtype)
    for m in range(multiplier):
        planes = out[:, :, m].reshape(batch * channels, -1)
        plane_taps = np.tile(taps[:, m], (batch, 1))  # (N·C, kH·kW), one row per plane
        shift_and_add(flat, plane_taps, planes)
    return flat.crop(out.reshape(batch, weight.shape[0], -1))


def shift_and_add(flat: FlatInput, plane_taps: NDArray[Any], planes: NDArray[Any]) -> None:
    """Fill ``planes[p, :length]`` with the sum over taps of ``plane_taps[p, t] × slice``."""
    sources = flat.phases.reshape(flat.phases.shape[0], planes.shape[0], -1)
    axpy = axpy_for(planes.dtype) if flat.length >= AXPY_MIN_CELLS else None
    if axpy is None:
        pieces = split_work(planes.shape[0], flat.length, CHUNK_CELLS)
        in_threads(_add_pieces, pieces, flat, sources, plane_taps, planes)
        return
    factors = plane_taps.tolist()
    for first, last, start, stop in split_work(planes.shape[0], flat.length, AXPY_CELLS):
        for plane in range(first, last):
            cells = [sources[t.phase, plane, t.offset + start : t.offset + stop] for t in flat.taps]
            weighted_sum(planes[plane, start:stop], cells, factors[plane], axpy)


def axpy_for(dtype: np.dtype[Any]) -> Callable[..., Any] | None:
    """Return BLAS ``y += a·x`` for this float dtype, or None (integers use NumPy's loops)."""
    from scipy.linalg import blas  # imported on first use: the sandbox child never needs it

    return {np.dtype(np.float32): blas.saxpy, np.dtype(np.float64): blas.daxpy}.get(dtype)


def weighted_sum(
    out: NDArray[Any], cells: list[NDArray[Any]], factors: list[Any], axpy: Callable[..., Any]
) -> None:
    """Fill the 1-D ``out`` with ``sum(factor × cells)`` in one pass per term (BLAS axpy)."""
    np.multiply(cells[0], factors[0], out=out)
    for term, factor in zip(cells[1:], factors[1:], strict=True):
        if factor == 0:  # BLAS skips a zero factor, but NaN × 0 must still give NaN
            out += term * factor
            continue
        for start in range(0, out.shape[0], AXPY_CELLS):  # short calls: BLAS stays on one thread
            part = out[start : start + AXPY_CELLS]
            axpy(term[start : start + AXPY_CELLS], part, a=factor)  # in place: contiguous


def split_work(planes: int, length: int, cells: int) -> list[Piece]:
    """Return pieces of about ``cells`` cells: whole planes together when planes are small."""
    per_piece = max(1, cells // length)
    span = min(length, cells)
    return [
        (p, min(planes, p + per_piece), s, min(length, s + span))
        for p in range(0, planes, per_piece)
        for s in range(0, length, span)
    ]


def in_threads(work: Callable[..., None], pieces: list[Piece], *args: Any) -> None:
    """Call ``work(*args, pieces_share)`` on each thread's share of ``pieces`` and wait."""
    if len(pieces) < 2 * THREADS:
        work(*args, pieces)
        return
    futures = [_POOL.submit(work, *args, pieces[i::THREADS]) for i in range(THREADS)]
    for future in futures:
        future.result()


def _add_pieces(
    flat: FlatInput,
    sources: NDArray[Any],
    plane_taps: NDArray[Any],
    planes: NDArray[Any],
    pieces: list[Piece],
) -> None:
    scratch = np.empty(min(CHUNK_CELLS, planes.shape[0] * planes.shape[1]), planes.dtype)
    for first, last, start, stop in pieces:
        acc = planes[first:last, start:stop]
        product = scratch[: acc.size].reshape(acc.shape)
        for i, tap in enumerate(flat.taps):
            cells = sources[tap.phase, first:last, tap.offset + start : tap.offset + stop]
            factor = plane_taps[first:last, i, None]
            np.multiply(cells, factor, out=acc if i == 0 else product)
            if i:
                acc += product
