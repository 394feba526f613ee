"""Max and average pooling, as ``torch.nn.functional.max_pool2d`` and ``avg_pool2d`` do."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._words import counted
from .arrays import as_numeric_array, compute_dtype
from .spec import PaddingArg, Pair, Size, as_pair


@dataclass(frozen=True)
class PoolSpec:
    """The validated hyper-parameters of a 2-D pooling window.

    Attributes
    ----------
    kernel_size, stride, padding, dilation : (int, int)
        The window, its step (defaults to the window), the implicit padding on every side
        (at most half the window, as PyTorch requires) and the spacing of its taps.
    ceil_mode : bool
        Round the output size up, letting a last window start inside the input but hang
        over its end.
    """

    kernel_size: Pair
    stride: Pair
    padding: Pair
    dilation: Pair
    ceil_mode: bool

    @classmethod
    def create(
        cls,
        kernel_size: object,
        stride: object = None,
        padding: object = 0,
        dilation: object = 1,
        ceil_mode: object = False,
    ) -> PoolSpec:
        """Return a validated spec from PyTorch-style loose arguments."""
        kernel = as_pair(kernel_size, "kernel_size", minimum=1)
        pad = as_pair(padding, "padding", minimum=0)
        if pad[0] > kernel[0] // 2 or pad[1] > kernel[1] // 2:
            raise ValueError(
                f"padding {pad} must be at most half the pooling window {kernel} "
                f"(here at most {(kernel[0] // 2, kernel[1] // 2)}), as in PyTorch"
            )
        if not isinstance(ceil_mode, bool):
            raise TypeError(f"ceil_mode must be True or False, got {ceil_mode!r}")
        step = kernel if stride is None or stride == () else as_pair(stride, "stride", minimum=1)
        return cls(kernel, step, pad, as_pair(dilation, "dilation", minimum=1), ceil_mode)

    def output_size(self, input_size: Pair) -> Pair:
        """Return ``(H', W')`` of the pooled map, with PyTorch's ceil-mode rule.

        ``floor`` (or ``ceil``) of ``(H + 2p − d(k − 1) − 1) / s``, plus one; in ceil mode a
        last window that would start in the bottom/right padding is dropped.

        Examples
        --------
        >>> PoolSpec.create(2, ceil_mode=True).output_size((5, 5))
        (3, 3)
        """
        return (self._axis_size(input_size, 0), self._axis_size(input_size, 1))

    def _axis_size(self, input_size: Pair, axis: int) -> int:
        n, k, s = input_size[axis], self.kernel_size[axis], self.stride[axis]
        p, d = self.padding[axis], self.dilation[axis]
        span = n + 2 * p - d * (k - 1) - 1
        size = (span + (s - 1 if self.ceil_mode else 0)) // s + 1
        if self.ceil_mode and (size - 1) * s >= n + p:
            size -= 1
        if size < 1:
            noun = ("row", "column")[axis]
            raise ValueError(
                f"pooling window {self.kernel_size} (dilation {self.dilation}) spans "
                f"{counted(d * (k - 1) + 1, noun)} and does not fit the padded input's "
                f"{counted(n, noun)} + 2×{p} padding = {n + 2 * p}; use a smaller kernel_size "
                "or dilation"
            )
        return size


def max_pool2d(
    input: ArrayLike,
    kernel_size: Size,
    stride: Size | None = None,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
    return_indices: bool = False,
) -> NDArray[Any] | tuple[NDArray[Any], NDArray[np.int64]]:
    """Return the largest value in each window, as ``torch.nn.functional.max_pool2d``.

    Ties go to the first cell in reading order; a window holding NaN gives NaN. With
    ``return_indices`` the position of each winner is returned too, as a flat index
    ``row * W + col`` into its own input channel, as in PyTorch.

    Parameters
    ----------
    input : array_like
        ``(N, C, H, W)``, ``(C, H, W)`` or ``(H, W)``.
    kernel_size, stride, padding, dilation : int or (int, int)
        ``stride`` defaults to ``kernel_size``; padding cells never win.
    ceil_mode : bool
        See :class:`PoolSpec`.
    return_indices : bool
        Also return the winners' flat indices (int64, same shape as the result).

    Examples
    --------
    >>> max_pool2d([[1, 3], [2, 0]], 2)
    array([[3]])
    """
    x, spec = _prepare(input, kernel_size, stride, padding, dilation, ceil_mode)
    fill = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    windows, positions = _windows(x, spec, fill)
    taps = windows.reshape((*windows.shape[: x.ndim], -1))
    winner = _first_max_or_last_nan(taps)
    values = np.take_along_axis(taps, winner[..., None], axis=-1)[..., 0]
    if not return_indices:
        return values
    flat = _flat_indices(positions, winner, x.shape[-1], spec)
    # A window whose real cells are all -inf (or that holds none) keeps PyTorch's starting
    # guess: its first tap inside the input.
    first_inside = _flat_indices(_first_inside(positions, spec), None, x.shape[-1], spec)
    flat = np.where(values == fill, first_inside, flat)
    return values, flat.astype(np.int64)


def avg_pool2d(
    input: ArrayLike,
    kernel_size: Size,
    stride: Size | None = None,
    padding: PaddingArg = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> NDArray[Any]:
    """Return the mean of each window, as ``torch.nn.functional.avg_pool2d``.

    The divisor is ``divisor_override`` when given; else the window's cells inside the input
    and its zero padding (``count_include_pad=True``), or inside the input alone. A ceil-mode
    window's overhang past the padding never counts. Integer input gives float64 means.

    Examples
    --------
    >>> avg_pool2d([[1, 3], [2, 0]], 2)
    array([[1.5]])
    """
    if divisor_override is not None and (
        not isinstance(divisor_override, int) or divisor_override < 1
    ):
        raise ValueError(f"divisor_override must be a positive int, got {divisor_override!r}")
    x, spec = _prepare(input, kernel_size, stride, padding, 1, ceil_mode)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float64)
    windows, _ = _windows(x.astype(compute_dtype(dtype), copy=False), spec, 0)
    divisor = divisor_override or avg_divisors(x.shape[-2:], spec, count_include_pad)
    # NaN, infinity and overflow to inf propagate as in PyTorch, without NumPy's warnings.
    with np.errstate(invalid="ignore", over="ignore"):
        means: NDArray[Any] = (windows.sum(axis=(-2, -1)) / divisor).astype(dtype, copy=False)
    return means


def _flat_indices(
    positions: tuple[NDArray[Any], NDArray[Any]],
    winner: NDArray[Any] | None,
    width: int,
    spec: PoolSpec,
) -> NDArray[Any]:
    rows, cols = positions
    out_rows = np.arange(rows.shape[0])[:, None]
    out_cols = np.arange(cols.shape[0])[None, :]
    if winner is None:
        flat: NDArray[Any] = rows[out_rows, 0] * width + cols[out_cols, 0]
        return flat
    tap_row, tap_col = np.divmod(winner, spec.kernel_size[1])
    flat = rows[out_rows, tap_row] * width + cols[out_cols, tap_col]
    return flat


def _first_inside(
    positions: tuple[NDArray[Any], NDArray[Any]], spec: PoolSpec
) -> tuple[NDArray[Any], NDArray[Any]]:
    firsts = []
    for axis, taps in enumerate(positions):
        start, step = taps[:, :1], spec.dilation[axis]
        firsts.append(np.where(start < 0, start + -(start // step) * step, start))
    return firsts[0], firsts[1]


def avg_divisors(size: tuple[int, ...], spec: PoolSpec, count_include_pad: bool) -> NDArray[Any]:
    """Return the divisor of every output cell of an average pool, ``(H', W')``."""
    out = spec.output_size((size[0], size[1]))
    counts = []
    for axis in (0, 1):
        starts = np.arange(out[axis]) * spec.stride[axis] - spec.padding[axis]
        ends = np.minimum(starts + spec.kernel_size[axis], size[axis] + spec.padding[axis])
        if count_include_pad:
            counts.append(ends - starts)
        else:
            counts.append(np.minimum(ends, size[axis]) - np.maximum(starts, 0))
    return np.outer(counts[0], counts[1])


def window_positions(size: tuple[int, ...], spec: PoolSpec) -> tuple[NDArray[Any], NDArray[Any]]:
    """Return the input rows ``(H', kH)`` and columns ``(W', kW)`` each window covers.

    Positions are in the input's own coordinates: negative or past the end in padding.
    """
    out = spec.output_size((size[0], size[1]))
    axes = []
    for axis in (0, 1):
        starts = np.arange(out[axis]) * spec.stride[axis] - spec.padding[axis]
        taps = np.arange(spec.kernel_size[axis]) * spec.dilation[axis]
        axes.append(starts[:, None] + taps[None, :])
    return axes[0], axes[1]


def _windows(
    x: NDArray[Any], spec: PoolSpec, fill: float
) -> tuple[NDArray[Any], tuple[NDArray[Any], NDArray[Any]]]:
    rows, cols = window_positions(x.shape[-2:], spec)
    top, left = spec.padding
    bottom = max(0, int(rows.max()) + 1 - x.shape[-2] - top) + top
    right = max(0, int(cols.max()) + 1 - x.shape[-1] - left) + left
    widths = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    padded = np.pad(x, widths, constant_values=fill)
    picked = padded[..., (rows + top)[:, None, :, None], (cols + left)[None, :, None, :]]
    return picked, (rows, cols)


def _first_max_or_last_nan(taps: NDArray[Any]) -> NDArray[np.intp]:
    # PyTorch's CPU kernel keeps a new value only when strictly larger, or when it is NaN.
    first_max: NDArray[np.intp] = np.argmax(taps, axis=-1)
    if taps.dtype.kind != "f":
        return first_max
    nan = np.isnan(taps)
    last_nan = taps.shape[-1] - 1 - np.argmax(nan[..., ::-1], axis=-1)
    winner: NDArray[np.intp] = np.where(nan.any(axis=-1), last_nan, first_max)
    return winner


def _prepare(
    input: object,
    kernel_size: object,
    stride: object,
    padding: object,
    dilation: object,
    ceil_mode: object,
) -> tuple[NDArray[Any], PoolSpec]:
    spec = PoolSpec.create(kernel_size, stride, padding, dilation, ceil_mode)
    x = as_numeric_array(input, "input")
    if x.ndim not in (2, 3, 4):
        raise ValueError(
            f"input must be (H, W), (C, H, W) or (N, C, H, W); got {counted(x.ndim, 'dimension')}, "
            f"shape {x.shape}"
        )
    if 0 in x.shape:
        raise ValueError(f"input has an empty axis: shape {x.shape}")
    spec.output_size((x.shape[-2], x.shape[-1]))
    return x, spec
