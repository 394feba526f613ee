"""The gradients of ``conv2d``, ``conv1d`` and ``conv_transpose2d``, named as ``torch.nn.grad``.

Given the gradient of a loss with respect to a convolution's output (``grad_output``), these
return its gradient with respect to the input, the weight and the bias. They take the forward
pass's own arguments, validated by the forward's own rules, and compute with the engine's own
algorithms (:mod:`._grad_views`): integers in, exact integers out.

Examples
--------
>>> x = [[1, 2, 3], [4, 5, 6]]
>>> w = [[1, -1]]
>>> conv2d_weight(x, (1, 2), [[1, 1], [1, 1]])
array([[12, 16]])
>>> conv2d_input((2, 3), w, [[1, 1], [1, 1]])
array([[ 1,  0, -1],
       [ 1,  0, -1]])
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import algorithms
from ._grad_views import fold_padding, input_view, weight_view
from .arrays import as_numeric_array, compute_dtype, result_dtype
from .conv import Problem, _one, _row_padding, prepare
from .padding import _check_fits, pad
from .spec import ConvSpec, PaddingArg, Size
from .transpose import _prepare as prepare_transpose


def conv2d_input(
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
    """Return the gradient with respect to the input of :func:`convscope.conv2d`.

    As ``torch.nn.grad.conv2d_input``: each input cell's gradient is the sum, over the output
    cells whose window covered it, of ``grad_output`` times the weight that sat on it, i.e. the
    transposed convolution of ``grad_output``. Padding cells copied by ``reflect``,
    ``replicate`` or ``circular`` pass their gradient back to the input cell they copied.

    Parameters
    ----------
    input_size : tuple of int
        The forward input's shape: ``(N, C, H, W)``, ``(C, H, W)`` or ``(H, W)``.
    weight : array_like
        The forward weight, in any shape :func:`convscope.conv2d` takes.
    grad_output : array_like
        The loss's gradient with respect to the output; the forward output's shape.
    stride, padding, dilation, groups, padding_mode, flip
        As in :func:`convscope.conv2d`.

    Returns
    -------
    ndarray
        Of shape ``input_size``; int64 when weight and ``grad_output`` are integers.

    Examples
    --------
    >>> conv2d_input((3, 3), [[1, 2], [3, 4]], [[1, 0], [0, 0]])
    array([[1, 2, 0],
           [3, 4, 0],
           [0, 0, 0]])
    """
    size = shape_argument(input_size, "input_size", (2, 3, 4))
    weight_array = as_numeric_array(weight, "weight")
    stand_in = _stand_in(size, weight_array)
    problem = prepare(
        stand_in, weight_array, None, stride, padding, dilation, groups, padding_mode, flip
    )
    grad = _grad_output(grad_output, problem)
    _check_fits(size[-2:], problem.padding, problem.spec.padding_mode)
    rows, cols = problem.input.shape[2], problem.input.shape[3]
    (top, bottom), (left, right) = problem.padding
    dtype = result_dtype(weight_array, grad)
    work_grad, work_weight = _in_dtype(dtype, grad, problem.oriented_weight())
    with np.errstate(invalid="ignore", over="ignore"):
        padded = input_view(
            work_grad, work_weight, (rows + top + bottom, cols + left + right), problem.spec
        )
        folded = fold_padding(padded, (rows, cols), problem.padding, problem.spec.padding_mode)
    return folded.reshape(size).astype(dtype, copy=False)


def conv2d_weight(
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
    """Return the gradient with respect to the weight of :func:`convscope.conv2d`.

    As ``torch.nn.grad.conv2d_weight``: each weight's gradient is the sum, over every output
    position (and image), of ``grad_output`` there times the input cell that weight touched,
    padding cells included (they hold what ``padding_mode`` put there).

    Parameters
    ----------
    input : array_like
        The forward input, in any shape :func:`convscope.conv2d` takes.
    weight_size : tuple of int
        The forward weight's shape, e.g. ``(C_out, C_in/groups, kH, kW)`` or ``(kH, kW)``.
    grad_output : array_like
        The loss's gradient with respect to the output; the forward output's shape.
    stride, padding, dilation, groups, padding_mode, flip
        As in :func:`convscope.conv2d`.

    Returns
    -------
    ndarray
        Of shape ``weight_size``; int64 when input and ``grad_output`` are integers.

    Examples
    --------
    >>> conv2d_weight([[1, 2, 3], [4, 5, 6], [7, 8, 9]], (2, 2), [[1, 0], [0, 0]])
    array([[1, 2],
           [4, 5]])
    """
    size = shape_argument(weight_size, "weight_size", (2, 3, 4))
    input_array = as_numeric_array(input, "input")
    stand_in = _stand_in(size, input_array)
    problem = prepare(
        input_array, stand_in, None, stride, padding, dilation, groups, padding_mode, flip
    )
    grad = _grad_output(grad_output, problem)
    dtype = result_dtype(input_array, grad)
    work_grad, work_input = _in_dtype(dtype, grad, problem.padded_input())
    with np.errstate(invalid="ignore", over="ignore"):
        used = weight_view(work_input, work_grad, problem.kernel_size, problem.spec)
    as_given = used[:, :, ::-1, ::-1] if problem.spec.flip else used
    return as_given.reshape(size).astype(dtype, copy=False)


def conv2d_bias(grad_output: ArrayLike) -> NDArray[Any]:
    """Return the gradient with respect to the bias: ``grad_output`` summed per output channel.

    ``(N, C_out, H', W')`` and ``(C_out, H', W')`` give ``(C_out,)``; the teaching shape
    ``(H', W')`` (one output map, one bias number) gives a 0-d array.

    Examples
    --------
    >>> conv2d_bias([[1, 2], [3, 4]])
    array(10)
    """
    return _bias(grad_output, 2)


def conv1d_input(
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
    """Return the gradient with respect to the input of :func:`convscope.conv1d`.

    Shapes are ``conv1d``'s: ``(N, C, L)``, ``(C, L)`` or ``(L,)``; computed by
    :func:`conv2d_input` on one-row images.

    Examples
    --------
    >>> conv1d_input((4,), [1, -1], [1, 1, 1])
    array([ 1,  0,  0, -1])
    """
    size = shape_argument(input_size, "input_size", (1, 2, 3))
    weight_array = as_numeric_array(weight, "weight")
    try:
        result = conv2d_input(
            (*size[:-1], 1, size[-1]),
            _kernel_rows(weight_array, len(size)),
            np.expand_dims(as_numeric_array(grad_output, "grad_output"), -2),
            **_row_arguments(stride, padding, dilation),
            groups=groups,
            padding_mode=padding_mode,
            flip=flip,
        )
    except GradShapeError as error:
        raise error.without_rows() from None
    return result.reshape(size)


def conv1d_weight(
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
    """Return the gradient with respect to the weight of :func:`convscope.conv1d`.

    Examples
    --------
    >>> conv1d_weight([1, 2, 3, 4], (2,), [1, 1, 1])
    array([6, 9])
    """
    size = shape_argument(weight_size, "weight_size", (1, 2, 3))
    input_array = as_numeric_array(input, "input")
    row_size = (1, size[0]) if len(size) == 1 else (*size[:-1], 1, size[-1])
    if len(size) == 1 and input_array.ndim != 1:
        row_size = (1, 1, size[0])  # lets the forward's rules name the mismatch
    try:
        result = conv2d_weight(
            np.expand_dims(input_array, -2),
            row_size,
            np.expand_dims(as_numeric_array(grad_output, "grad_output"), -2),
            **_row_arguments(stride, padding, dilation),
            groups=groups,
            padding_mode=padding_mode,
            flip=flip,
        )
    except GradShapeError as error:
        raise error.without_rows() from None
    return result.reshape(size)


def conv1d_bias(grad_output: ArrayLike) -> NDArray[Any]:
    """Return the gradient with respect to the bias of :func:`convscope.conv1d`.

    Examples
    --------
    >>> conv1d_bias([[1, 2], [3, 4]])
    array([3, 7])
    """
    return _bias(grad_output, 1)


def conv_transpose2d_input(
    input_size: Size,
    weight: ArrayLike,
    grad_output: ArrayLike,
    stride: Size = 1,
    padding: PaddingArg = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> NDArray[Any]:
    """Return the gradient with respect to the input of :func:`convscope.conv_transpose2d`.

    The transposed convolution's input gradient is an ordinary convolution of ``grad_output``
    (with the cropped ``padding`` put back as zeros) by the same weight, computed by the
    forward's algorithms.

    Examples
    --------
    >>> conv_transpose2d_input((1, 2), [[1, 1]], [[1, 2, 3, 4]], stride=2)
    array([[3, 7]])
    """
    size = shape_argument(input_size, "input_size", (2, 3, 4))
    weight_array = as_numeric_array(weight, "weight")
    stand_in = _stand_in(size, weight_array)
    x, w, _, spec, drop, _ = prepare_transpose(
        stand_in, weight_array, None, stride, padding, output_padding, groups, dilation
    )
    grad = _transposed_grad(grad_output, x.shape, w, spec, drop)
    dtype = result_dtype(weight_array, grad)
    work_grad, work_weight = _in_dtype(dtype, grad, w)
    conv_spec = ConvSpec(stride=spec.stride, dilation=spec.dilation, groups=spec.groups)
    with np.errstate(invalid="ignore", over="ignore"):
        full = algorithms.run(_uncrop(work_grad, spec.padding), work_weight, conv_spec)
    return full[:, :, : x.shape[2], : x.shape[3]].reshape(size).astype(dtype, copy=False)


def conv_transpose2d_weight(
    input: ArrayLike,
    weight_size: Size,
    grad_output: ArrayLike,
    stride: Size = 1,
    padding: PaddingArg = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> NDArray[Any]:
    """Return the gradient with respect to the weight of :func:`convscope.conv_transpose2d`.

    Each weight's gradient is the sum, over every input cell, of that cell's value times the
    ``grad_output`` of the output cell its stamp of that weight landed on.

    Examples
    --------
    >>> conv_transpose2d_weight([[1, 2]], (1, 2), [[1, 2, 3, 4]], stride=2)
    array([[ 7, 10]])
    """
    size = shape_argument(weight_size, "weight_size", (2, 3, 4))
    input_array = as_numeric_array(input, "input")
    stand_in = _stand_in(size, input_array)
    x, w, _, spec, drop, _ = prepare_transpose(
        input_array, stand_in, None, stride, padding, output_padding, groups, dilation
    )
    grad = _transposed_grad(grad_output, x.shape, w, spec, drop)
    dtype = result_dtype(input_array, grad)
    work_grad, work_input = _in_dtype(dtype, grad, x)
    conv_spec = ConvSpec(stride=spec.stride, dilation=spec.dilation, groups=spec.groups)
    spread = _uncrop(work_grad, spec.padding)
    kernel_size = (w.shape[2], w.shape[3])
    rows, cols = conv_spec.output_size((spread.shape[2], spread.shape[3]), kernel_size)
    # Rows of the conv view past the input (an output_padding beyond the stride) meet no cell.
    meets = pad(work_input, ((0, rows - x.shape[2]), (0, cols - x.shape[3])))
    with np.errstate(invalid="ignore", over="ignore"):
        result = weight_view(spread, meets, kernel_size, conv_spec)
    return result.reshape(size).astype(dtype, copy=False)


def conv_transpose2d_bias(grad_output: ArrayLike) -> NDArray[Any]:
    """Return the gradient with respect to the bias of :func:`convscope.conv_transpose2d`.

    Examples
    --------
    >>> conv_transpose2d_bias([[1, 2, 3, 4]])
    array(10)
    """
    return _bias(grad_output, 2)


def shape_argument(value: object, name: str, ranks: tuple[int, ...]) -> tuple[int, ...]:
    """Return ``value`` as a shape of one of ``ranks`` lengths, or raise naming ``name``."""
    spelled = ", ".join(str(r) for r in ranks[:-1]) + f" or {ranks[-1]}"
    if (
        not isinstance(value, tuple | list)
        or len(value) not in ranks
        or not all(_is_int(v) for v in value)
    ):
        example = (1, 1) + (5,) * (ranks[-1] - 2)
        raise TypeError(
            f"{name} must be the forward array's shape, a tuple of {spelled} ints such as "
            f"{example}; got {value!r}"
        )
    shape = tuple(int(v) for v in value)
    if min(shape) < 1:
        raise ValueError(f"{name} must have at least 1 in every axis, got {value!r}")
    return shape


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _stand_in(shape: tuple[int, ...], like: NDArray[Any]) -> NDArray[Any]:
    # A zero of the other operand's dtype seen through the given shape: the forward's
    # validation reads its shape without a single cell being allocated.
    return np.broadcast_to(np.zeros((), compute_dtype(like.dtype)), shape)


def _grad_output(grad_output: object, problem: Problem) -> NDArray[Any]:
    grad = as_numeric_array(grad_output, "grad_output")
    canonical = (problem.input.shape[0], problem.weight.shape[0], *problem.output_size)
    _check_grad_shape(grad.shape, canonical[problem.layout.output_drop :])
    return grad.reshape(canonical)


def _transposed_grad(
    grad_output: object, x_shape: tuple[int, ...], w: NDArray[Any], spec: Any, drop: int
) -> NDArray[Any]:
    grad = as_numeric_array(grad_output, "grad_output")
    out_size = spec.output_size((x_shape[2], x_shape[3]), (w.shape[2], w.shape[3]))
    canonical = (x_shape[0], w.shape[1] * spec.groups, *out_size)
    _check_grad_shape(grad.shape, canonical[drop:])
    return grad.reshape(canonical)


class GradShapeError(ValueError):
    """``grad_output`` does not have the forward output's shape; both shapes are kept."""

    def __init__(self, given: tuple[int, ...], expected: tuple[int, ...]) -> None:
        super().__init__(
            f"grad_output has shape {given} but the forward pass with these arguments gives an "
            f"output of shape {expected}; grad_output must have the output's shape"
        )
        self.given, self.expected = given, expected

    def without_rows(self) -> GradShapeError:
        """Return the same error for ``conv1d``, whose one-row images have no row axis."""
        return GradShapeError(_drop_rows(self.given), _drop_rows(self.expected))


def _drop_rows(shape: tuple[int, ...]) -> tuple[int, ...]:
    return shape[:-2] + shape[-1:]


def _check_grad_shape(given: tuple[int, ...], expected: tuple[int, ...]) -> None:
    if given != expected:
        raise GradShapeError(given, expected)


def _in_dtype(dtype: np.dtype[Any], *arrays: NDArray[Any]) -> list[NDArray[Any]]:
    work = compute_dtype(dtype)
    return [array.astype(work, copy=False) for array in arrays]


def _uncrop(grad: NDArray[Any], padding: tuple[int, int]) -> NDArray[Any]:
    # The transposed convolution cropped ``padding`` cells from each side; put them back as 0.
    return pad(grad, ((padding[0], padding[0]), (padding[1], padding[1])))


def _kernel_rows(weight: NDArray[Any], input_rank: int) -> NDArray[Any]:
    if weight.ndim == 1 and input_rank == 1:
        return weight.reshape(1, -1)
    return np.expand_dims(weight, -2)


def _row_arguments(stride: object, padding: object, dilation: object) -> dict[str, Any]:
    return {
        "stride": (1, _one(stride, "stride")),
        "padding": _row_padding(padding),
        "dilation": (1, _one(dilation, "dilation")),
    }


_BIAS_SHAPES = {
    1: "(N, C_out, L'), (C_out, L') or (L',)",
    2: "(N, C_out, H', W'), (C_out, H', W') or (H', W')",
}


def _bias(grad_output: object, spatial: int) -> NDArray[Any]:
    grad = as_numeric_array(grad_output, "grad_output")
    if grad.ndim not in (spatial, spatial + 1, spatial + 2):
        shapes = _BIAS_SHAPES[spatial]
        raise ValueError(f"grad_output must be {shapes}; got shape {grad.shape}")
    if grad.ndim == spatial:  # the teaching shape: one output map, one bias number
        return np.asarray(grad.sum())
    axes = tuple(a for a in range(grad.ndim) if a != grad.ndim - spatial - 1)
    return np.asarray(grad.sum(axis=axes))
