"""``conv2d`` and ``conv1d``: PyTorch's argument names and numbers, NumPy arrays in and out."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from . import algorithms
from ._words import counted
from .arrays import (
    Layout,
    as_numeric_array,
    check_bias,
    compute_dtype,
    layout_for,
    result_dtype,
    to_canonical,
)
from .padding import pad
from .spec import PADDING_NAMES, ConvSpec, PaddingArg, SidePadding, Size, is_int


@dataclass(frozen=True)
class Problem:
    """One convolution, validated and in canonical form, ready for any algorithm.

    ``input`` is ``(N, C, H, W)`` before padding, ``weight`` is ``(C_out, C_in/groups, kH, kW)``
    as given (not yet flipped), ``bias`` is ``(C_out,)`` or ``None``; all three are in the
    compute dtype. ``padding`` is the resolved ``((top, bottom), (left, right))``.
    """

    input: NDArray[Any]
    weight: NDArray[Any]
    bias: NDArray[Any] | None
    spec: ConvSpec
    padding: SidePadding
    layout: Layout
    dtype: np.dtype[Any]

    @property
    def kernel_size(self) -> tuple[int, int]:
        """Return ``(kH, kW)``."""
        return (self.weight.shape[2], self.weight.shape[3])

    @property
    def output_size(self) -> tuple[int, int]:
        """Return ``(H', W')``."""
        return self.spec.output_size((self.input.shape[2], self.input.shape[3]), self.kernel_size)

    def padded_input(self) -> NDArray[Any]:
        """Return the input with its padding cells filled as ``padding_mode`` says."""
        return pad(self.input, self.padding, self.spec.padding_mode)

    def oriented_weight(self) -> NDArray[Any]:
        """Return the weight the sliding sum uses: rotated 180° for true convolution."""
        return self.weight[:, :, ::-1, ::-1] if self.spec.flip else self.weight

    def finish(self, canonical: NDArray[Any]) -> NDArray[Any]:
        """Return the caller's shape and dtype from a canonical ``(N, C_out, H', W')`` result."""
        if self.bias is not None:
            canonical = canonical + self.bias.reshape(1, -1, 1, 1)
        shaped = canonical.reshape(canonical.shape[self.layout.output_drop :])
        return shaped.astype(self.dtype, copy=False)


def prepare(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    dilation: Size = 1,
    groups: int = 1,
    padding_mode: str = "zeros",
    flip: bool = False,
) -> Problem:
    """Return the validated :class:`Problem` for ``conv2d``'s arguments, or raise a clear error."""
    spec = ConvSpec.create(stride, padding, dilation, groups, padding_mode, flip)
    operands = canonical_operands(input, weight, bias, spec.groups, _layout)
    kernel_size = (operands.weight.shape[2], operands.weight.shape[3])
    spec.output_size((operands.input.shape[2], operands.input.shape[3]), kernel_size)
    return Problem(
        input=operands.input,
        weight=operands.weight,
        bias=operands.bias,
        spec=spec,
        padding=spec.resolve_padding(kernel_size),
        layout=operands.layout,
        dtype=operands.dtype,
    )


@dataclass(frozen=True)
class Operands:
    """Validated arrays in the canonical ``(N, C, *spatial)`` layout, in the working dtype."""

    input: NDArray[Any]
    weight: NDArray[Any]
    bias: NDArray[Any] | None
    layout: Layout
    dtype: np.dtype[Any]


def canonical_operands(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None,
    groups: int,
    layout_of: Callable[[tuple[int, ...], tuple[int, ...]], Layout],
    kernel_axes: str = "kH, kW",
) -> Operands:
    """Return the operands of a convolution checked and laid out (``conv2d``'s and ``conv3d``'s).

    ``layout_of`` reads the caller's shapes (teaching or batched); ``kernel_axes`` names the
    kernel's spatial axes in messages.
    """
    input_array = as_numeric_array(input, "input")
    weight_array = as_numeric_array(weight, "weight")
    bias_array = None if bias is None else as_numeric_array(bias, "bias")
    layout = layout_of(input_array.shape, weight_array.shape)
    _check_not_empty(input_array.shape, weight_array.shape)
    dtype = result_dtype(input_array, weight_array, bias_array)
    work = compute_dtype(dtype)
    canonical_input = to_canonical(input_array, layout.input_axes).astype(work, copy=False)
    canonical_weight = to_canonical(weight_array, layout.weight_axes).astype(work, copy=False)
    _check_channels(input_array.shape, weight_array.shape, groups, layout, kernel_axes)
    canonical_bias = check_bias(bias_array, canonical_weight.shape[0], layout.teaching)
    return Operands(
        input=canonical_input,
        weight=canonical_weight,
        bias=None if canonical_bias is None else canonical_bias.astype(work, copy=False),
        layout=layout,
        dtype=dtype,
    )


def conv2d(
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
    """Return the 2-D convolution of ``input`` with ``weight``, as ``torch.nn.functional.conv2d``.

    By default this is the cross-correlation deep-learning libraries compute,
    ``out[i, j] = sum_m sum_n x[i*s + m*d, j*s + n*d] * w[m, n]``; ``flip=True`` rotates the
    kernel 180° first, giving the true convolution of signal processing.

    Parameters
    ----------
    input : array_like
        ``(N, C, H, W)`` or ``(C, H, W)`` as in PyTorch, or the teaching shapes ``(H, W)``.
    weight : array_like
        ``(C_out, C_in/groups, kH, kW)`` as in PyTorch; with a ``(H, W)`` input a ``(kH, kW)``
        kernel; with a ``(C, H, W)`` input also a ``(C, kH, kW)`` kernel, which spans every
        channel and gives one output map.
    bias : array_like, optional
        One number per output channel, ``(C_out,)``; a scalar for the teaching shapes.
    stride, dilation : int or (int, int)
        Step of the window and spacing of the kernel taps, each >= 1.
    padding : int, (int, int), ((top, bottom), (left, right)), 'valid', 'same' or 'full'
        ``'same'`` keeps the size at stride 1 (the extra cell of an even kernel goes to the
        bottom/right, as in PyTorch); ``'full'`` pads ``d*(k-1)`` on every side.
    groups : int
        Split the channels into this many independent groups; it must divide both ``C_in``
        and ``C_out``. ``groups == C_in`` is a depthwise convolution.
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
        What the padding cells hold, as in ``torch.nn.Conv2d``.
    flip : bool
        Compute true convolution (kernel rotated 180°) instead of cross-correlation.
    algorithm : str
        ``'auto'`` (the engine chooses) or the name of one algorithm, for benchmarks and tests.

    Returns
    -------
    ndarray
        ``(N, C_out, H', W')``, ``(C_out, H', W')`` or ``(H', W')`` following the input's shape,
        with ``H' = floor((H + pad_top + pad_bottom - d*(kH-1) - 1) / s) + 1``. Integer inputs give
        exact int64 results (they wrap on overflow past 2**63, as NumPy does); float32 stays
        float32 and float64 stays float64; an integer operand never widens a float one.

    Notes
    -----
    NaN and infinity propagate as in PyTorch: an output cell whose window holds a NaN is NaN,
    even where the kernel weight is 0 (``nan * 0`` is NaN), and ``inf * 0`` is NaN too. A
    float sum too large for its dtype becomes ``inf``. No warning is raised for either.

    Examples
    --------
    >>> image = [[10, 20, 30], [20, 40, 60], [30, 60, 90]]
    >>> sobel_x = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    >>> conv2d(image, sobel_x)
    array([[160]])
    """
    problem = prepare(input, weight, bias, stride, padding, dilation, groups, padding_mode, flip)
    # NaN and infinity propagate by design (as in PyTorch), so NumPy need not warn about them.
    with np.errstate(invalid="ignore", over="ignore"):
        canonical = algorithms.run(
            problem.padded_input(), problem.oriented_weight(), problem.spec, algorithm
        )
        return problem.finish(canonical)


def conv1d(
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
    """Return the 1-D convolution, as ``torch.nn.functional.conv1d``, computed by ``conv2d``.

    Shapes are ``(N, C, L)`` or ``(C, L)`` with a ``(C_out, C_in/groups, k)`` weight, or the
    teaching shapes ``(L,)`` with ``(k,)``. ``padding`` is an int, ``(left, right)`` or
    ``'valid'``/``'same'``/``'full'``/``'causal'``; the other arguments are as in
    :func:`conv2d`.

    ``padding='causal'`` pads ``dilation × (k − 1)`` cells on the left only, so output ``t``
    reads samples ``t`` and earlier, never a later one (WaveNet's and TCN's layers). It equals
    PyTorch's idiom ``F.conv1d(F.pad(x, (dilation * (k - 1), 0)), w, dilation=dilation)``;
    with ``padding_mode`` those left cells are filled by that mode instead of zeros.

    Examples
    --------
    >>> conv1d([1, 2, 3, 4], [1, -1])
    array([-1, -1, -1])
    >>> conv1d([1, 2, 3, 4], [1, -1], padding="causal")  # out[t] = x[t-1] - x[t]
    array([-1, -1, -1, -1])
    """
    input_array = as_numeric_array(input, "input")
    weight_array = as_numeric_array(weight, "weight")
    if isinstance(padding, str) and padding not in PADDING_NAMES:
        padding = _causal_padding(padding, weight_array, dilation)
    as_rows = np.expand_dims(input_array, -2)
    if weight_array.ndim == 1 and input_array.ndim == 1:
        kernel_rows = weight_array.reshape(1, -1)
    else:
        kernel_rows = np.expand_dims(weight_array, -2)
    result = conv2d(
        as_rows,
        kernel_rows,
        bias,
        stride=(1, _one(stride, "stride")),
        padding=_row_padding(padding),
        dilation=(1, _one(dilation, "dilation")),
        groups=groups,
        padding_mode=padding_mode,
        flip=flip,
        algorithm=algorithm,
    )
    return result.squeeze(-2)


def _causal_padding(padding: str, weight: NDArray[Any], dilation: object) -> tuple[int, int]:
    if padding != "causal":
        raise ValueError(
            "padding for conv1d must be an int, (left, right) or one of 'valid', 'same', "
            f"'full', 'causal'; got {padding!r}"
        )
    spacing = _one(dilation, "dilation")
    if not is_int(spacing) or int(spacing) < 1:
        raise ValueError(f"padding='causal' needs dilation to be a positive int, got {dilation!r}")
    return (int(spacing) * (weight.shape[-1] - 1), 0)


def _one(value: object, name: str) -> Any:
    if isinstance(value, tuple | list):
        if len(value) != 1:
            raise TypeError(f"{name} for conv1d must be an int or a 1-tuple, got {value!r}")
        return value[0]
    return value


def _row_padding(padding: object) -> Any:
    if isinstance(padding, str):
        return padding  # a kernel one row tall gets no row padding under any named rule
    if isinstance(padding, tuple | list) and len(padding) == 2:
        return ((0, 0), tuple(padding))
    return ((0, 0), (_one(padding, "padding"),) * 2)


def _layout(input_shape: tuple[int, ...], weight_shape: tuple[int, ...]) -> Layout:
    try:
        return layout_for(len(input_shape), len(weight_shape))
    except ValueError as error:
        hint = "; for a 1-D signal use convscope.conv1d" if len(input_shape) == 1 else ""
        raise ValueError(
            f"input shape {input_shape}, weight shape {weight_shape}: {error}{hint}"
        ) from None


def _check_channels(
    input_shape: tuple[int, ...],
    weight_shape: tuple[int, ...],
    groups: int,
    layout: Layout,
    kernel_axes: str = "kH, kW",
) -> None:
    if layout.teaching:
        _check_teaching_channels(input_shape, weight_shape, groups, kernel_axes)
        return
    spatial = kernel_axes.count(",") + 1
    channels = input_shape[-1 - spatial]
    out_channels, group_channels = weight_shape[0], weight_shape[1]
    if channels % groups or out_channels % groups:
        raise ValueError(
            f"groups={groups} must divide the input channels ({channels}) and the output "
            f"channels ({out_channels}); input {input_shape}, weight {weight_shape}"
        )
    if group_channels * groups != channels:
        raise ValueError(
            f"channel mismatch: input {input_shape} has {counted(channels, 'channel')} but weight "
            f"{weight_shape} expects {group_channels} per group × {counted(groups, 'group')} = "
            f"{group_channels * groups}; the weight's second axis must be C_in / groups"
        )


def _check_teaching_channels(
    input_shape: tuple[int, ...], weight_shape: tuple[int, ...], groups: int, kernel_axes: str
) -> None:
    if groups != 1:
        raise ValueError(
            f"groups={groups} needs PyTorch shapes: input {input_shape} with kernel "
            f"{weight_shape} gives one output map and works only with groups=1; give the "
            f"weight as (C_out, C_in/groups, {kernel_axes})"
        )
    has_channels = len(input_shape) == kernel_axes.count(",") + 2
    if has_channels and weight_shape[0] != input_shape[0]:
        raise ValueError(
            f"channel mismatch: input {input_shape} has {counted(input_shape[0], 'channel')} but "
            f"kernel {weight_shape} has {weight_shape[0]}; a (C, {kernel_axes}) kernel needs one "
            "slice per input channel"
        )


def _check_not_empty(input_shape: tuple[int, ...], weight_shape: tuple[int, ...]) -> None:
    for name, shape in (("input", input_shape), ("weight", weight_shape)):
        if 0 in shape:
            raise ValueError(
                f"{name} has an empty axis: shape {shape}; every axis needs at least one element"
            )
