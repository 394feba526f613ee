"""The gradients of ``max_pool2d`` and ``avg_pool2d`` with respect to their input.

Max pooling passes each output's gradient to its window's winner, the cell the forward pass
picked (the first largest in reading order, as PyTorch; a NaN wins), so a cell that wins
several overlapping windows collects all their gradients and a cell that never wins gets 0.
Average pooling shares each output's gradient among its window's input cells, each getting
``grad_output / divisor`` with the forward's divisor; padding cells keep their share.

Examples
--------
>>> max_pool2d_input([[1, 3], [2, 0]], [[5]], 2)
array([[0, 5],
       [0, 0]])
>>> avg_pool2d_input((2, 2), [[4]], 2)
array([[1., 1.],
       [1., 1.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .arrays import as_numeric_array, result_dtype
from .grad import shape_argument
from .pool import PoolSpec, avg_divisors, max_pool2d, window_positions
from .pool import _prepare as prepare_pool
from .spec import PaddingArg, Size


def max_pool2d_input(
    input: ArrayLike,
    grad_output: ArrayLike,
    kernel_size: Size,
    stride: Size | None = None,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    ceil_mode: bool = False,
) -> NDArray[Any]:
    """Return the gradient of :func:`convscope.max_pool2d` with respect to ``input``.

    Each output's gradient goes to the cell that won its window; gradients of windows won by
    the same cell add up.

    Parameters
    ----------
    input : array_like
        The forward input, ``(N, C, H, W)``, ``(C, H, W)`` or ``(H, W)``: the winners are
        found again from it.
    grad_output : array_like
        The loss's gradient with respect to the pooled output; the output's shape.
    kernel_size, stride, padding, dilation, ceil_mode
        As in :func:`convscope.max_pool2d`.

    Returns
    -------
    ndarray
        The input's shape; int64 when ``input`` and ``grad_output`` are integers.
    """
    x = as_numeric_array(input, "input")
    pooled, winners = max_pool2d(x, kernel_size, stride, padding, dilation, ceil_mode, True)
    grad = _checked_grad(grad_output, pooled.shape)
    plane = x.shape[-2] * x.shape[-1]
    planes = winners.reshape(-1, winners.shape[-2] * winners.shape[-1])
    cells = planes + plane * np.arange(planes.shape[0])[:, None]
    result = np.zeros(x.size, result_dtype(x, grad))
    np.add.at(result, cells.ravel(), grad.ravel())
    return result.reshape(x.shape)


def avg_pool2d_input(
    input_size: Size,
    grad_output: ArrayLike,
    kernel_size: Size,
    stride: Size | None = None,
    padding: PaddingArg = 0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> NDArray[Any]:
    """Return the gradient of :func:`convscope.avg_pool2d` with respect to its input.

    Every input cell of a window gets ``grad_output / divisor`` of that window, the divisor
    being the forward's (``divisor_override``, or the cells counted by ``count_include_pad``).

    Parameters
    ----------
    input_size : tuple of int
        The forward input's shape, ``(N, C, H, W)``, ``(C, H, W)`` or ``(H, W)``.
    grad_output : array_like
        The loss's gradient with respect to the pooled output; the output's shape.
    kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override
        As in :func:`convscope.avg_pool2d`.

    Returns
    -------
    ndarray
        Of shape ``input_size``: float64, or ``grad_output``'s float dtype.
    """
    _check_divisor_override(divisor_override)
    size = shape_argument(input_size, "input_size", (2, 3, 4))
    stand_in = np.broadcast_to(np.zeros(()), size)  # its shape is all the pooling reads
    _, spec = prepare_pool(stand_in, kernel_size, stride, padding, 1, ceil_mode)
    out_rows, out_cols = spec.output_size((size[-2], size[-1]))
    grad = _checked_grad(grad_output, (*size[:-2], out_rows, out_cols))
    if grad.dtype.kind != "f":
        grad = grad.astype(np.float64)
    divisor = divisor_override or avg_divisors(size[-2:], spec, count_include_pad)
    shares = grad / divisor
    return _spread(shares, size, spec)


def _spread(shares: NDArray[Any], size: tuple[int, ...], spec: PoolSpec) -> NDArray[Any]:
    # Each tap of the window meets distinct input cells across the outputs, so one tap's
    # shares are added with one indexed assignment; taps falling in padding are cut off.
    rows, cols = window_positions(size[-2:], spec)
    top, left = spec.padding
    canvas_rows = max(int(rows.max()) + 1, size[-2]) + top
    canvas_cols = max(int(cols.max()) + 1, size[-1]) + left
    canvas = np.zeros((*size[:-2], canvas_rows, canvas_cols), shares.dtype)
    for a in range(spec.kernel_size[0]):
        for b in range(spec.kernel_size[1]):
            canvas[..., rows[:, a, None] + top, cols[None, :, b] + left] += shares
    return canvas[..., top : top + size[-2], left : left + size[-1]]


def _check_divisor_override(divisor_override: object) -> None:
    # The forward's rule (avg_pool2d), so both refuse the same values with the same words.
    if divisor_override is not None and (
        not isinstance(divisor_override, int) or divisor_override < 1
    ):
        raise ValueError(f"divisor_override must be a positive int, got {divisor_override!r}")


def _checked_grad(grad_output: object, expected: tuple[int, ...]) -> NDArray[Any]:
    grad = as_numeric_array(grad_output, "grad_output")
    if grad.shape != tuple(expected):
        raise ValueError(
            f"grad_output has shape {grad.shape} but the pooling gives an output of shape "
            f"{tuple(expected)}; grad_output must have the output's shape"
        )
    return grad
