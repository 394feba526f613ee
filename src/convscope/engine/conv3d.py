"""``conv3d``: a volume's depth folded into the channels, so the 2-D algorithms compute it.

Output slice ``z`` of a 3-D correlation is a 2-D correlation whose input channels are the
``kD`` input slices its kernel meets, ``z·s + a·d`` for ``a = 0 … kD − 1``, and whose weight
holds the kernel's ``kD`` slices as those channels. :func:`unfold_depth` lays out exactly that
(the ``D'`` output slices become a batch of ``N·D'`` images with ``kD·C`` channels), and the one
dispatch point, :func:`convscope.engine.algorithms.run`, chooses how to compute it. The
arithmetic is the same multiply-and-add, so integers stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import algorithms
from ._words import counted
from .arrays import (
    Layout,
    layout_for,
)
from .conv import canonical_operands
from .padding import _NUMPY_MODE, _check_fits
from .spec import PaddingArg, Size, window_count
from .spec3d import ConvSpec3d, Triple, VolumePadding

KERNEL_AXES = "kD, kH, kW"


@dataclass(frozen=True)
class VolumeProblem:
    """One 3-D convolution, validated, in canonical ``(N, C, D, H, W)`` form and compute dtype.

    ``weight`` is ``(C_out, C_in/groups, kD, kH, kW)`` as given (not yet flipped); ``padding``
    is the resolved ``((front, back), (top, bottom), (left, right))``.
    """

    input: NDArray[Any]
    weight: NDArray[Any]
    bias: NDArray[Any] | None
    spec: ConvSpec3d
    padding: VolumePadding
    layout: Layout
    dtype: np.dtype[Any]

    def padded_input(self) -> NDArray[Any]:
        """Return the input with its padding cells filled as ``padding_mode`` says."""
        return pad_volume(self.input, self.padding, self.spec.padding_mode)

    def oriented_weight(self) -> NDArray[Any]:
        """Return the weight the sliding sum uses: turned in all three axes for true convolution."""
        return self.weight[:, :, ::-1, ::-1, ::-1] if self.spec.flip else self.weight

    def finish(self, canonical: NDArray[Any]) -> NDArray[Any]:
        """Return the caller's shape and dtype from a canonical ``(N, C_out, D', H', W')``."""
        if self.bias is not None:
            canonical = canonical + self.bias.reshape(1, -1, 1, 1, 1)
        shaped = canonical.reshape(canonical.shape[self.layout.output_drop :])
        return shaped.astype(self.dtype, copy=False)


def pad_volume(volume: NDArray[Any], padding: VolumePadding, mode: str) -> NDArray[Any]:
    """Return ``volume`` with its last three axes padded as ``torch.nn.Conv3d`` pads them."""
    size = volume.shape[-3:]
    _check_fits(size[1:], (padding[1], padding[2]), mode)  # type: ignore[arg-type]
    _check_depth_fits(size[0], padding[0], mode)
    widths = [(0, 0)] * (volume.ndim - 3) + list(padding)
    return np.pad(volume, widths, mode=_NUMPY_MODE[mode])  # type: ignore[call-overload,no-any-return]


def _check_depth_fits(depth: int, padding: tuple[int, int], mode: str) -> None:
    largest = max(padding)
    if mode == "reflect" and largest >= depth:
        raise ValueError(
            f"padding_mode='reflect' needs padding < input size, but depth padding {padding} "
            f"meets an input of {counted(depth, 'slice')}; use a smaller padding or "
            "padding_mode='replicate'"
        )
    if mode == "circular" and largest > depth:
        raise ValueError(
            f"padding_mode='circular' needs padding <= input size, but depth padding {padding} "
            f"meets an input of {counted(depth, 'slice')}; use a smaller padding"
        )


def prepare3d(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
    flip: bool = False,
) -> VolumeProblem:
    """Return the validated :class:`VolumeProblem` for ``conv3d``'s arguments, or raise."""
    spec = ConvSpec3d.create(stride, padding, dilation, groups, padding_mode, flip)
    operands = canonical_operands(input, weight, bias, spec.groups, _layout, KERNEL_AXES)
    kernel_size: Triple = operands.weight.shape[2:]
    spec.output_size(operands.input.shape[2:], kernel_size)
    return VolumeProblem(
        input=operands.input,
        weight=operands.weight,
        bias=operands.bias,
        spec=spec,
        padding=spec.resolve_padding(kernel_size),
        layout=operands.layout,
        dtype=operands.dtype,
    )


def conv3d(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    flip: bool = False,
    algorithm: str = "auto",
) -> NDArray[Any]:
    """Return the 3-D convolution of ``input`` with ``weight``, as ``torch.nn.functional.conv3d``.

    ``out[z, i, j] = sum_a sum_m sum_n x[z*s + a*d, i*s + m*d, j*s + n*d] * w[a, m, n]``, the
    cross-correlation deep-learning libraries compute, over depth (frames of a clip, slices of
    a scan), rows and columns.

    Parameters
    ----------
    input : array_like
        ``(N, C, D, H, W)`` or ``(C, D, H, W)`` as in PyTorch, or the teaching shape
        ``(D, H, W)``.
    weight : array_like
        ``(C_out, C_in/groups, kD, kH, kW)`` as in PyTorch; with a ``(D, H, W)`` input a
        ``(kD, kH, kW)`` kernel; with a ``(C, D, H, W)`` input also a ``(C, kD, kH, kW)``
        kernel, which spans every channel and gives one output volume.
    bias : array_like, optional
        ``(C_out,)``; a scalar for the teaching shapes.
    stride, dilation : int or (int, int, int)
        ``(depth, rows, columns)``, each >= 1.
    padding : int, (int, int, int), ((int, int), (int, int), (int, int)) or str
        ``((front, back), (top, bottom), (left, right))`` for uneven sides, or ``'valid'``,
        ``'same'`` or ``'full'``, as in :func:`convscope.conv2d`, with depth first.
    groups : int
        Independent channel groups; it must divide ``C_in`` and ``C_out``.
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
        What the padding cells hold, as in ``torch.nn.Conv3d``.
    flip : bool
        Turn the kernel in all three axes first (true convolution).
    algorithm : str
        ``'auto'`` or the name of one 2-D algorithm, which computes every depth slice.

    Returns
    -------
    ndarray
        ``(N, C_out, D', H', W')``, ``(C_out, D', H', W')`` or ``(D', H', W')`` following the
        input's shape, each size ``floor((n + pads - d*(k-1) - 1) / s) + 1``. Integers in give
        exact int64 out; float dtypes follow :func:`convscope.conv2d`.

    Examples
    --------
    >>> clip = np.arange(8).reshape(2, 2, 2)  # 2 frames of 2×2
    >>> conv3d(clip, np.ones((2, 1, 1), dtype=int))  # each pixel summed over the 2 frames
    array([[[ 4,  6],
            [ 8, 10]]])
    """
    problem = prepare3d(input, weight, bias, stride, padding, dilation, groups, padding_mode, flip)
    with np.errstate(invalid="ignore", over="ignore"):
        volume = problem.padded_input()
        kernel = problem.oriented_weight()
        images, folded = unfold_depth(volume, kernel, problem.spec)
        planes = algorithms.run(images, folded, problem.spec.plane(), algorithm)
        batch, out_depth = volume.shape[0], images.shape[0] // volume.shape[0]
        stacked = planes.reshape(batch, out_depth, *planes.shape[1:]).transpose(0, 2, 1, 3, 4)
        return problem.finish(stacked)


def unfold_depth(
    volume: NDArray[Any], weight: NDArray[Any], spec: ConvSpec3d
) -> tuple[NDArray[Any], NDArray[Any]]:
    """Return the 2-D problem whose correlation, slice by slice, is the 3-D one.

    ``volume`` is padded ``(N, C, D, H, W)``; ``weight`` is ``(C_out, C/G, kD, kH, kW)``. The
    images are ``(N·D', G·kD·C/G, H, W)``: for output slice ``z`` and group ``g``, the ``kD``
    input slices the kernel meets, each with that group's channels. The weight becomes
    ``(C_out, kD·C/G, kH, kW)`` in the same order, so ``groups`` keeps its meaning.
    """
    batch, channels, depth, rows, cols = volume.shape
    group_channels, k_depth = weight.shape[1], weight.shape[2]
    groups, step, spacing = spec.groups, spec.stride[0], spec.dilation[0]
    out_depth = window_count(depth, spacing * (k_depth - 1) + 1, step)
    grouped = volume.reshape(batch, groups, group_channels, depth, rows, cols)
    images = np.empty((batch, out_depth, groups, k_depth, group_channels, rows, cols), volume.dtype)
    for a in range(k_depth):
        first = a * spacing
        met = grouped[:, :, :, first : first + step * (out_depth - 1) + 1 : step]
        images[:, :, :, a] = met.transpose(0, 3, 1, 2, 4, 5)
    return images.reshape(batch * out_depth, channels * k_depth, rows, cols), stack_depth(
        weight, groups
    )


def stack_depth(weight: NDArray[Any], groups: int) -> NDArray[Any]:
    """Return ``(C_out, kD·C/G, kH, kW)``: a 3-D weight's depth slices laid out as channels.

    Within each group the channels run slice by slice, as :func:`unfold_depth` stacks the
    images; :func:`unstack_depth` undoes it.
    """
    out_channels, group_channels, k_depth, k_rows, k_cols = weight.shape
    per_group = weight.reshape(groups, out_channels // groups, group_channels, k_depth, -1)
    return per_group.transpose(0, 1, 3, 2, 4).reshape(
        out_channels, k_depth * group_channels, k_rows, k_cols
    )


def unstack_depth(stacked: NDArray[Any], shape: tuple[int, ...], groups: int) -> NDArray[Any]:
    """Return the ``(C_out, C/G, kD, kH, kW)`` weight ``shape`` that :func:`stack_depth` stacked."""
    out_channels, group_channels, k_depth, k_rows, k_cols = shape
    per_group = stacked.reshape(
        groups, out_channels // groups, k_depth, group_channels, k_rows, k_cols
    )
    return per_group.transpose(0, 1, 3, 2, 4, 5).reshape(shape)


def _layout(input_shape: tuple[int, ...], weight_shape: tuple[int, ...]) -> Layout:
    # The 3-D shapes are the 2-D ones with a depth axis added: the same table, one rank up.
    try:
        return layout_for(len(input_shape) - 1, len(weight_shape) - 1)
    except ValueError:
        hint = ""
        if len(input_shape) == 3 and len(weight_shape) == 2:
            hint = "; for one 2-D image use convscope.conv2d"
        elif len(input_shape) <= 2:
            hint = "; for an image use convscope.conv2d, for a signal convscope.conv1d"
        raise ValueError(
            f"input shape {input_shape}, weight shape {weight_shape}: input with "
            f"{counted(len(input_shape), 'dimension')} and weight with {len(weight_shape)} do "
            "not go together in conv3d; use (D, H, W) with (kD, kH, kW), (C, D, H, W) with "
            "(C, kD, kH, kW), (C, D, H, W) with (C_out, C_in/groups, kD, kH, kW), or "
            f"(N, C, D, H, W) with (C_out, C_in/groups, kD, kH, kW){hint}"
        ) from None
