"""The transposed convolution, as ``torch.nn.functional.conv_transpose2d`` computes it.

Each input cell stamps a copy of the kernel, scaled by the cell's value, into the output,
``stride`` cells apart; where stamps overlap their values add. ``padding`` then crops that
many cells from every side, and ``output_padding`` adds cells back at the bottom and right.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .arrays import (
    as_numeric_array,
    check_bias,
    compute_dtype,
    layout_for,
    result_dtype,
    to_canonical,
)
from .spec import PaddingArg, Pair, Size, as_pair


@dataclass(frozen=True)
class TransposeSpec:
    """The validated hyper-parameters of a transposed convolution.

    Attributes
    ----------
    stride, padding, output_padding, dilation : (int, int)
        As in ``torch.nn.functional.conv_transpose2d``; ``output_padding`` must be smaller than
        ``stride`` or ``dilation`` in each direction.
    groups : int
        Number of channel groups.
    """

    stride: Pair = (1, 1)
    padding: Pair = (0, 0)
    output_padding: Pair = (0, 0)
    dilation: Pair = (1, 1)
    groups: int = 1

    @classmethod
    def create(
        cls,
        stride: object = 1,
        padding: object = 0,
        output_padding: object = 0,
        groups: object = 1,
        dilation: object = 1,
    ) -> TransposeSpec:
        """Return a validated spec from PyTorch-style loose arguments."""
        if isinstance(padding, str):
            raise TypeError(
                f"padding for a transposed convolution must be an int or a pair, got {padding!r}"
            )
        spec = cls(
            stride=as_pair(stride, "stride", minimum=1),
            padding=as_pair(padding, "padding", minimum=0),
            output_padding=as_pair(output_padding, "output_padding", minimum=0),
            dilation=as_pair(dilation, "dilation", minimum=1),
            groups=_positive_int(groups, "groups"),
        )
        for axis, name in ((0, "rows"), (1, "columns")):
            limit = max(spec.stride[axis], spec.dilation[axis])
            if spec.output_padding[axis] >= limit:
                raise ValueError(
                    f"output_padding {spec.output_padding} must be smaller than stride "
                    f"{spec.stride} or dilation {spec.dilation} in each direction ({name}: "
                    f"{spec.output_padding[axis]} is not < {limit})"
                )
        return spec

    def output_size(self, input_size: Pair, kernel_size: Pair) -> Pair:
        """Return ``(H', W')``: ``(H - 1)·s − 2p + d·(k − 1) + output_padding + 1``.

        Examples
        --------
        >>> TransposeSpec.create(stride=2).output_size((2, 2), (3, 3))
        (5, 5)
        """
        size = tuple(
            transposed_length(
                input_size[a],
                kernel_size[a],
                self.stride[a],
                self.padding[a],
                self.dilation[a],
                self.output_padding[a],
            )
            for a in (0, 1)
        )
        if min(size) < 1:
            raise ValueError(
                f"a transposed convolution of a {input_size[0]}×{input_size[1]} input with a "
                f"{kernel_size[0]}×{kernel_size[1]} kernel and padding {self.padding} would have "
                f"size {size[0]}×{size[1]}; use a smaller padding"
            )
        return (size[0], size[1])


def transposed_length(
    size: int, kernel: int, stride: int, padding: int, dilation: int, output_padding: int
) -> int:
    """Return a transposed convolution's output length along one axis.

    ``(n − 1)·s − 2p + d·(k − 1) + output_padding + 1``: the one rule, for every dimension.

    Examples
    --------
    >>> transposed_length(3, 3, 2, 1, 1, 1)
    6
    """
    return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + output_padding + 1


def _positive_int(value: object, name: str) -> int:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or int(value) < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")
    return int(value)


def conv_transpose2d(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> NDArray[Any]:
    """Return the transposed convolution of ``input``, as ``torch.nn.functional.conv_transpose2d``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, H, W)`` or ``(C_in, H, W)``; or the teaching shape ``(H, W)`` with a
        ``(kH, kW)`` kernel.
    weight : array_like
        ``(C_in, C_out/groups, kH, kW)`` — note the input channels come first, the reverse of
        ``conv2d``; ``(kH, kW)`` with a 2-D input.
    bias : array_like, optional
        ``(C_out,)``, or a scalar for the teaching shape.
    stride, padding, output_padding, dilation : int or (int, int)
        ``padding`` crops that many cells from each side of the stamped result;
        ``output_padding`` adds cells at the bottom/right, to pick among the sizes a strided
        convolution could have come from.
    groups : int
        Independent channel groups.

    Returns
    -------
    ndarray
        ``H' = (H − 1)·s − 2p + d·(k − 1) + output_padding + 1`` (and likewise ``W'``); the
        dtype follows :func:`convscope.conv2d`'s rules (integers stay exact).

    Examples
    --------
    >>> conv_transpose2d([[1, 2]], [[1, 1]], stride=2)
    array([[1, 1, 2, 2]])
    """
    prepared = _prepare(input, weight, bias, stride, padding, output_padding, groups, dilation)
    x, w, b, spec, drop, dtype = prepared
    out_rows, out_cols = spec.output_size((x.shape[2], x.shape[3]), (w.shape[2], w.shape[3]))
    top, left = spec.padding
    # NaN and infinity propagate by design (as in PyTorch and conv2d), so NumPy need not warn.
    with np.errstate(invalid="ignore", over="ignore"):
        result = scatter(x, w, spec)[:, :, top : top + out_rows, left : left + out_cols]
        if b is not None:
            result = result + b.reshape(1, -1, 1, 1)
        return result.reshape(result.shape[drop:]).astype(dtype, copy=False)


def scatter(x: NDArray[Any], w: NDArray[Any], spec: TransposeSpec) -> NDArray[Any]:
    """Return the uncropped output: every input cell's scaled kernel added at its place.

    ``x`` is ``(N, C_in, H, W)``, ``w`` is ``(C_in, C_out/g, kH, kW)``; the result has
    ``(H − 1)·s + d·(k − 1) + 1 + output_padding`` rows (likewise columns), before the crop.
    """
    batch, channels, rows, cols = x.shape
    _, group_out, k_rows, k_cols = w.shape
    groups = spec.groups
    (s_r, s_c), (d_r, d_c) = spec.stride, spec.dilation
    full_rows = (rows - 1) * s_r + d_r * (k_rows - 1) + 1 + spec.output_padding[0]
    full_cols = (cols - 1) * s_c + d_c * (k_cols - 1) + 1 + spec.output_padding[1]
    grouped_x = x.reshape(batch, groups, channels // groups, rows * cols)
    grouped_w = w.reshape(groups, channels // groups, group_out, k_rows, k_cols)
    full = np.zeros((batch, groups, group_out, full_rows, full_cols), x.dtype)
    for a in range(k_rows):
        for b in range(k_cols):
            # (g, C_out/g, C_in/g) @ (N, g, C_in/g, H·W) -> each input cell times this tap
            stamps = np.matmul(np.swapaxes(grouped_w[:, :, :, a, b], 1, 2), grouped_x)
            full[
                :,
                :,
                :,
                a * d_r : a * d_r + s_r * (rows - 1) + 1 : s_r,
                b * d_c : b * d_c + s_c * (cols - 1) + 1 : s_c,
            ] += stamps.reshape(batch, groups, group_out, rows, cols)
    return full.reshape(batch, groups * group_out, full_rows, full_cols)


def _prepare(
    input: object,
    weight: object,
    bias: object,
    stride: object,
    padding: object,
    output_padding: object,
    groups: object,
    dilation: object,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any] | None, TransposeSpec, int, np.dtype[Any]]:
    spec = TransposeSpec.create(stride, padding, output_padding, groups, dilation)
    x = as_numeric_array(input, "input")
    w = as_numeric_array(weight, "weight")
    b = None if bias is None else as_numeric_array(bias, "bias")
    layout = layout_for(x.ndim, w.ndim)
    dtype = result_dtype(x, w, b)
    work = compute_dtype(dtype)
    x4 = to_canonical(x, layout.input_axes).astype(work, copy=False)
    w4 = to_canonical(w, layout.weight_axes).astype(work, copy=False)
    if layout.teaching and x.ndim == 3:
        w4 = np.swapaxes(w4, 0, 1)  # a (C, kH, kW) kernel maps C channels to one
    _check_channels(x4.shape, w4.shape, spec.groups)
    out_channels = w4.shape[1] * spec.groups
    b1 = check_bias(b, out_channels, layout.teaching)
    spec.output_size((x4.shape[2], x4.shape[3]), (w4.shape[2], w4.shape[3]))
    b1 = None if b1 is None else b1.astype(work, copy=False)
    return x4, w4, b1, spec, layout.output_drop, dtype


def _check_channels(
    x_shape: tuple[int, ...], w_shape: tuple[int, ...], groups: int, kernel_axes: str = "kH, kW"
) -> None:
    if 0 in x_shape or 0 in w_shape:
        raise ValueError(f"input {x_shape} and weight {w_shape} must have no empty axis")
    if x_shape[1] != w_shape[0]:
        raise ValueError(
            f"channel mismatch: input has {x_shape[1]} channels but weight {w_shape} starts "
            f"with {w_shape[0]}; a transposed convolution's weight is "
            f"(C_in, C_out/groups, {kernel_axes})"
        )
    if x_shape[1] % groups:
        raise ValueError(f"groups={groups} must divide the input channels ({x_shape[1]})")
