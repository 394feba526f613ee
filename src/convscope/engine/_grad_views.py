"""The two views behind every convolution gradient, on canonical arrays.

- The *weight view*: a weight's gradient is the sum, over every output position, of the
  output's gradient times the input cell that weight met there. The cells each kernel tap met
  (a strided view of the padded input), stacked as one image's im2col matrix, give every
  weight's gradient from that image in one matrix product with the output's gradient.
- The *input view*: an input cell's gradient is the sum, over the output cells whose window
  covered it, of the output's gradient times the weight that sat on it: the transposed
  convolution of the output's gradient, computed by the engine's own algorithms.

Padding cells get gradient like any other cell; :func:`fold_padding` then adds it back onto the
input cells the padding copied (nothing for zeros).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from . import algorithms
from .padding import pad
from .spec import ConvSpec, PaddingMode, Pair, SidePadding
from .transpose import TransposeSpec, scatter

_NUMPY_MODE = {"reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def weight_view(
    padded: NDArray[Any], grad: NDArray[Any], kernel_size: Pair, spec: ConvSpec
) -> NDArray[Any]:
    """Return ``(C_out, C_in/groups, kH, kW)``: each tap's weights' gradient, summed over outputs.

    ``padded`` is the ``(N, C_in, Hp, Wp)`` padded input, ``grad`` the ``(N, C_out, H', W')``
    gradient of the correlation's output (its weight as used, i.e. already flipped if so).
    """
    batch, out_channels, out_rows, out_cols = grad.shape
    groups, taps = spec.groups, kernel_size[0] * kernel_size[1]
    group_channels, group_out = padded.shape[1] // groups, out_channels // groups
    grad_rows = grad.reshape(batch, groups, group_out, out_rows * out_cols)
    # Per image, the cells each tap met stacked as im2col rows (only cells some output used:
    # a NaN elsewhere must not reach a weight), and one product for every weight at once.
    columns = np.empty((groups, taps, group_channels, out_rows, out_cols), padded.dtype)
    total = np.zeros((groups, group_out, taps * group_channels), grad.dtype)
    product = np.empty_like(total)
    for n in range(batch):
        for i, (a, b) in enumerate(np.ndindex(*kernel_size)):
            met = _tap_cells(padded[n], a, b, (out_rows, out_cols), spec)
            columns[:, i] = met.reshape(groups, group_channels, out_rows, out_cols)
        stacked = columns.reshape(groups, taps * group_channels, out_rows * out_cols)
        np.matmul(grad_rows[n], stacked.swapaxes(-1, -2), out=product)
        total += product
    by_tap = total.reshape(groups, group_out, *kernel_size, group_channels)
    return np.moveaxis(by_tap, -1, 2).reshape(out_channels, group_channels, *kernel_size)


def _tap_cells(image: NDArray[Any], a: int, b: int, out_size: Pair, spec: ConvSpec) -> NDArray[Any]:
    # The (C, H', W') view of the padded cells kernel tap (a, b) meets, one per output.
    (s_rows, s_cols), (d_rows, d_cols) = spec.stride, spec.dilation
    top, left = a * d_rows, b * d_cols
    return image[
        :,
        top : top + s_rows * (out_size[0] - 1) + 1 : s_rows,
        left : left + s_cols * (out_size[1] - 1) + 1 : s_cols,
    ]


def input_view(
    grad: NDArray[Any], weight: NDArray[Any], padded_size: Pair, spec: ConvSpec
) -> NDArray[Any]:
    """Return the ``(N, C_in, Hp, Wp)`` gradient of the padded input: a transposed convolution.

    ``weight`` is ``(C_out, C_in/groups, kH, kW)`` as used. At stride 1 it is an ordinary
    correlation of the zero-padded gradient with the kernel rotated 180° (channels swapped),
    through :func:`convscope.engine.algorithms.run`; with a stride the engine's transposed
    convolution stamps the kernel ``stride`` cells apart.
    """
    k_rows, k_cols = weight.shape[2], weight.shape[3]
    (d_rows, d_cols), groups = spec.dilation, spec.groups
    if spec.stride == (1, 1):
        border = ((d_rows * (k_rows - 1),) * 2, (d_cols * (k_cols - 1),) * 2)
        spread = pad(grad, border)
        turned = _swap_channels(weight, groups)[:, :, ::-1, ::-1]
        full = algorithms.run(spread, turned, ConvSpec(dilation=spec.dilation, groups=groups))
    else:
        stamp = TransposeSpec(stride=spec.stride, dilation=spec.dilation, groups=groups)
        full = scatter(grad, weight, stamp)
    # Rows and columns no window reached (a stride that does not divide evenly) get nothing.
    missing = ((0, padded_size[0] - full.shape[2]), (0, padded_size[1] - full.shape[3]))
    return pad(full, missing) if max(missing[0][1], missing[1][1]) > 0 else full


def _swap_channels(weight: NDArray[Any], groups: int) -> NDArray[Any]:
    out_channels, group_channels, k_rows, k_cols = weight.shape
    split = weight.reshape(groups, out_channels // groups, group_channels, k_rows, k_cols)
    swapped = split.transpose(0, 2, 1, 3, 4)
    return swapped.reshape(groups * group_channels, out_channels // groups, k_rows, k_cols)


def fold_padding(
    grad_padded: NDArray[Any], size: Pair, padding: SidePadding, mode: PaddingMode
) -> NDArray[Any]:
    """Return the input's gradient: the padded gradient cropped, each padding cell's gradient
    added to the input cell it copied (``reflect``, ``replicate``, ``circular``).

    Padding copies rows first and then columns, so the gradient folds back columns first,
    then rows, each axis on its own.
    """
    if mode == "zeros":  # the padding copied nothing: its gradient is dropped
        (top, _), (left, _) = padding
        return grad_padded[..., top : top + size[0], left : left + size[1]]
    folded = _fold_axis(grad_padded, -1, size[1], padding[1], mode)
    return _fold_axis(folded, -2, size[0], padding[0], mode)


def source_cells(size: int, sides: Pair, mode: PaddingMode) -> NDArray[np.intp] | None:
    """Return, for each padded position along one axis, the input position it copies.

    ``None`` for zero padding, whose cells copy nothing.

    Examples
    --------
    >>> source_cells(3, (2, 1), "reflect")
    array([2, 1, 0, 1, 2, 1])
    """
    if mode == "zeros":
        return None
    return np.pad(np.arange(size), sides, mode=_NUMPY_MODE[mode])  # type: ignore[call-overload,no-any-return]


def _fold_axis(
    grad: NDArray[Any], axis: int, size: int, sides: Pair, mode: PaddingMode
) -> NDArray[Any]:
    moved = np.moveaxis(grad, axis, -1)
    before, after = sides
    folded = moved[..., before : before + size].copy()
    sources = source_cells(size, sides, mode)
    if sources is not None:
        for position in [*range(before), *range(before + size, before + size + after)]:
            folded[..., sources[position]] += moved[..., position]
    return np.moveaxis(folded, -1, axis)
