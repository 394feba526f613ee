"""Gradients of ``conv3d``, named as ``torch.nn.grad.conv3d_input`` and ``conv3d_weight``.

:func:`convscope.conv3d` computes a volume as a 2-D problem: :func:`~.conv3d.unfold_depth`
stacks, for every output slice, the ``kD`` input slices its kernel meets as channels. The
gradients go back through the same layout. The weight's gradient is the 2-D weight gradient of
that stacked problem, its channels unstacked into ``kD`` slices; the input's gradient is the
2-D input gradient of the stacked images, each stacked slice added back onto the input slice
it was taken from (a slice that several output slices met receives from each), and the
padding folded back onto the cells it copied, as in :func:`convscope.grad.conv2d_input`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._grad_views import fold_padding, input_view, source_cells, weight_view
from .arrays import as_numeric_array, compute_dtype, result_dtype
from .conv3d import (
    VolumeProblem,
    _check_depth_fits,
    prepare3d,
    stack_depth,
    unfold_depth,
    unstack_depth,
)
from .grad import _check_grad_shape, _stand_in, shape_argument
from .padding import _check_fits
from .spec import PaddingArg, Size


def conv3d_input(
    input_size: Size,
    weight: ArrayLike,
    grad_output: ArrayLike,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    flip: bool = False,
) -> NDArray[Any]:
    """Return the gradient with respect to the input of :func:`convscope.conv3d`.

    As ``torch.nn.grad.conv3d_input``: each input cell's gradient is the sum, over the output
    cells whose window covered it, of ``grad_output`` times the weight that sat on it.

    Parameters
    ----------
    input_size : tuple of int
        The forward input's shape: ``(N, C, D, H, W)``, ``(C, D, H, W)`` or ``(D, H, W)``.
    weight : array_like
        The forward weight, in any shape :func:`convscope.conv3d` takes.
    grad_output : array_like
        The loss's gradient with respect to the output; the forward output's shape.
    stride, padding, dilation, groups, padding_mode, flip
        As in :func:`convscope.conv3d`.

    Returns
    -------
    ndarray
        Of shape ``input_size``; int64 when weight and ``grad_output`` are integers.

    Examples
    --------
    >>> conv3d_input((2, 1, 2), np.ones((2, 1, 1), dtype=int), [[[1, 2]]])
    array([[[1, 2]],
    <BLANKLINE>
           [[1, 2]]])
    """
    size = shape_argument(input_size, "input_size", (3, 4, 5))
    weight_array = as_numeric_array(weight, "weight")
    problem = prepare3d(
        _stand_in(size, weight_array), weight_array, None, stride, padding, dilation, groups,
        padding_mode, flip,
    )  # fmt: skip
    grad = _grad_output(grad_output, problem)
    dtype = result_dtype(weight_array, grad)
    work = compute_dtype(dtype)
    batch, channels, depth, rows, cols = problem.input.shape
    (front, back), (top, bottom), (left, right) = problem.padding
    _check_fits((rows, cols), ((top, bottom), (left, right)), problem.spec.padding_mode)
    _check_depth_fits(depth, (front, back), problem.spec.padding_mode)
    padded_size = (depth + front + back, rows + top + bottom, cols + left + right)
    kernel = problem.oriented_weight().astype(work, copy=False)
    folded = stack_depth(kernel, problem.spec.groups)
    with np.errstate(invalid="ignore", over="ignore"):
        grad_images = input_view(
            _as_planes(grad.astype(work, copy=False)), folded, padded_size[1:], problem.spec.plane()
        )
        volume_grad = _stack_back(grad_images, (batch, channels, *padded_size), problem)
        folded_volume = _fold_depth(volume_grad, depth, (front, back), problem.spec.padding_mode)
        result = fold_padding(
            folded_volume, (rows, cols), ((top, bottom), (left, right)), problem.spec.padding_mode
        )
    return result.reshape(size).astype(dtype, copy=False)


def conv3d_weight(
    input: ArrayLike,
    weight_size: Size,
    grad_output: ArrayLike,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    *,
    padding_mode: str = "zeros",
    flip: bool = False,
) -> NDArray[Any]:
    """Return the gradient with respect to the weight of :func:`convscope.conv3d`.

    As ``torch.nn.grad.conv3d_weight``: each weight's gradient is the sum, over every output
    position (and volume), of ``grad_output`` there times the input cell that weight touched,
    padding cells included (they hold what ``padding_mode`` put there).

    Parameters
    ----------
    input : array_like
        The forward input, in any shape :func:`convscope.conv3d` takes.
    weight_size : tuple of int
        The forward weight's shape, e.g. ``(C_out, C_in/groups, kD, kH, kW)`` or
        ``(kD, kH, kW)``.
    grad_output : array_like
        The loss's gradient with respect to the output; the forward output's shape.
    stride, padding, dilation, groups, padding_mode, flip
        As in :func:`convscope.conv3d`.

    Returns
    -------
    ndarray
        Of shape ``weight_size``; int64 when input and ``grad_output`` are integers.

    Examples
    --------
    >>> clip = np.arange(8).reshape(2, 2, 2)
    >>> conv3d_weight(clip, (2, 1, 1), np.ones((1, 2, 2), dtype=int))
    array([[[ 6]],
    <BLANKLINE>
           [[22]]])
    """
    size = shape_argument(weight_size, "weight_size", (3, 4, 5))
    input_array = as_numeric_array(input, "input")
    problem = prepare3d(
        input_array, _stand_in(size, input_array), None, stride, padding, dilation, groups,
        padding_mode, flip,
    )  # fmt: skip
    grad = _grad_output(grad_output, problem)
    dtype = result_dtype(input_array, grad)
    work = compute_dtype(dtype)
    kernel = problem.weight
    k_rows, k_cols = kernel.shape[3:]
    with np.errstate(invalid="ignore", over="ignore"):
        volume = problem.padded_input().astype(work, copy=False)
        images, _ = unfold_depth(
            volume, np.broadcast_to(np.zeros((), work), kernel.shape), problem.spec
        )
        stacked = weight_view(
            images,
            _as_planes(grad.astype(work, copy=False)),
            (k_rows, k_cols),
            problem.spec.plane(),
        )
    used = unstack_depth(stacked, kernel.shape, problem.spec.groups)
    as_given = used[:, :, ::-1, ::-1, ::-1] if problem.spec.flip else used
    return as_given.reshape(size).astype(dtype, copy=False)


def conv3d_bias(grad_output: ArrayLike) -> NDArray[Any]:
    """Return the gradient with respect to the bias: ``grad_output`` summed per output channel.

    ``(N, C_out, D', H', W')`` and ``(C_out, D', H', W')`` give ``(C_out,)``; the teaching
    shape ``(D', H', W')`` (one output volume, one bias number) gives a 0-d array.

    Examples
    --------
    >>> conv3d_bias(np.ones((2, 1, 2, 2), dtype=int))
    array([4, 4])
    """
    grad = as_numeric_array(grad_output, "grad_output")
    if grad.ndim not in (3, 4, 5):
        raise ValueError(
            "grad_output must be (N, C_out, D', H', W'), (C_out, D', H', W') or (D', H', W'); "
            f"got shape {grad.shape}"
        )
    if grad.ndim == 3:
        return np.asarray(grad.sum())
    axes = tuple(a for a in range(grad.ndim) if a != grad.ndim - 4)
    return np.asarray(grad.sum(axis=axes))


def _grad_output(grad_output: ArrayLike, problem: VolumeProblem) -> NDArray[Any]:
    grad = as_numeric_array(grad_output, "grad_output")
    kernel_size = problem.weight.shape[2:]
    out_size = problem.spec.output_size(problem.input.shape[2:], kernel_size)
    canonical = (problem.input.shape[0], problem.weight.shape[0], *out_size)
    expected = canonical[problem.layout.output_drop :]
    _check_grad_shape(grad.shape, expected)
    return grad.reshape(canonical)


def _as_planes(grad: NDArray[Any]) -> NDArray[Any]:
    # (N, C_out, D', H', W') → (N·D', C_out, H', W'): the batch unfold_depth's images form.
    batch, out_channels, out_depth, out_rows, out_cols = grad.shape
    return grad.transpose(0, 2, 1, 3, 4).reshape(
        batch * out_depth, out_channels, out_rows, out_cols
    )


def _stack_back(
    grad_images: NDArray[Any], volume_shape: tuple[int, ...], problem: VolumeProblem
) -> NDArray[Any]:
    """Return the padded volume's gradient: each stacked slice's added where it was taken."""
    batch, channels, depth, rows, cols = volume_shape
    groups, step, spacing = problem.spec.groups, problem.spec.stride[0], problem.spec.dilation[0]
    k_depth, group_channels = problem.weight.shape[2], channels // groups
    out_depth = grad_images.shape[0] // batch
    laid_out = grad_images.reshape(batch, out_depth, groups, k_depth, group_channels, rows, cols)
    volume = np.zeros((batch, groups, group_channels, depth, rows, cols), grad_images.dtype)
    for a in range(k_depth):
        first = a * spacing
        met = laid_out[:, :, :, a].transpose(0, 2, 3, 1, 4, 5)
        volume[:, :, :, first : first + step * (out_depth - 1) + 1 : step] += met
    return volume.reshape(volume_shape)


def _fold_depth(grad: NDArray[Any], depth: int, sides: tuple[int, int], mode: str) -> NDArray[Any]:
    # The depth axis's padding cells hand their gradient to the slices they copied.
    front, back = sides
    kept = grad[:, :, front : front + depth].copy()
    sources = source_cells(depth, sides, mode)  # type: ignore[arg-type]
    if sources is not None:
        for position in [*range(front), *range(front + depth, front + depth + back)]:
            kept[:, :, sources[position]] += grad[:, :, position]
    return kept
