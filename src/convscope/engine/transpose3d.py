"""The transposed convolution of signals and volumes: ``conv_transpose1d`` and ``conv_transpose3d``.

Both reuse :func:`~convscope.engine.transpose.scatter`, the 2-D stamping of scaled kernels:
a signal is an image one row tall; a volume's kernel depth is folded into the output channels,
so each input slice stamps all ``kD`` kernel slices at once, and each stamped slice is then
added ``stride`` slices apart along depth, as the rows and columns are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._words import counted
from .arrays import (
    as_numeric_array,
    check_bias,
    compute_dtype,
    layout_for,
    result_dtype,
    to_canonical,
)
from .spec import PaddingArg, Size, is_int
from .spec3d import AXES, Triple, as_triple
from .transpose import (
    TransposeSpec,
    _check_channels,
    _positive_int,
    conv_transpose2d,
    scatter,
    transposed_length,
)


@dataclass(frozen=True)
class TransposeSpec3d:
    """The validated hyper-parameters of a 3-D transposed convolution, as ``(depth, rows, cols)``.

    Examples
    --------
    >>> TransposeSpec3d.create(stride=2).output_size((2, 2, 2), (3, 3, 3))
    (5, 5, 5)
    """

    stride: Triple = (1, 1, 1)
    padding: Triple = (0, 0, 0)
    output_padding: Triple = (0, 0, 0)
    dilation: Triple = (1, 1, 1)
    groups: int = 1

    @classmethod
    def create(
        cls,
        stride: object = 1,
        padding: object = 0,
        output_padding: object = 0,
        groups: object = 1,
        dilation: object = 1,
    ) -> TransposeSpec3d:
        """Return a validated spec from PyTorch-style loose arguments."""
        if isinstance(padding, str):
            raise TypeError(
                "padding for a transposed convolution must be an int or a triple (depth, rows, "
                f"columns), got {padding!r}"
            )
        spec = cls(
            stride=as_triple(stride, "stride", minimum=1),
            padding=as_triple(padding, "padding", minimum=0),
            output_padding=as_triple(output_padding, "output_padding", minimum=0),
            dilation=as_triple(dilation, "dilation", minimum=1),
            groups=_positive_int(groups, "groups"),
        )
        for axis, name in enumerate(AXES):
            limit = max(spec.stride[axis], spec.dilation[axis])
            if spec.output_padding[axis] >= limit:
                raise ValueError(
                    f"output_padding {spec.output_padding} must be smaller than stride "
                    f"{spec.stride} or dilation {spec.dilation} in each direction ({name}: "
                    f"{spec.output_padding[axis]} is not < {limit})"
                )
        return spec

    def plane(self) -> TransposeSpec:
        """Return the 2-D spec of the rows and columns, for :func:`scatter`."""
        return TransposeSpec(
            stride=(self.stride[1], self.stride[2]),
            padding=(self.padding[1], self.padding[2]),
            output_padding=(self.output_padding[1], self.output_padding[2]),
            dilation=(self.dilation[1], self.dilation[2]),
            groups=self.groups,
        )

    def output_size(self, input_size: Triple, kernel_size: Triple) -> Triple:
        """Return ``(D', H', W')``, each ``(n − 1)·s − 2p + d·(k − 1) + output_padding + 1``."""
        size = [
            transposed_length(n, k, s, p, d, o)
            for n, k, s, p, d, o in zip(
                input_size,
                kernel_size,
                self.stride,
                self.padding,
                self.dilation,
                self.output_padding,
                strict=True,
            )
        ]
        if min(size) < 1:
            by = "×".join
            raise ValueError(
                f"a transposed convolution of a {by(map(str, input_size))} input with a "
                f"{by(map(str, kernel_size))} kernel and padding {self.padding} would have size "
                f"{by(map(str, size))}; use a smaller padding"
            )
        return (size[0], size[1], size[2])


def conv_transpose3d(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> NDArray[Any]:
    """Return the transposed 3-D convolution, as ``torch.nn.functional.conv_transpose3d``.

    Parameters
    ----------
    input : array_like
        ``(N, C_in, D, H, W)`` or ``(C_in, D, H, W)``; or the teaching shape ``(D, H, W)``
        with a ``(kD, kH, kW)`` kernel.
    weight : array_like
        ``(C_in, C_out/groups, kD, kH, kW)``: input channels first, as in PyTorch.
    bias : array_like, optional
        ``(C_out,)``, or a scalar for the teaching shapes.
    stride, padding, output_padding, dilation : int or (int, int, int)
        ``(depth, rows, columns)``, with the meanings of :func:`convscope.conv_transpose2d`.
    groups : int
        Independent channel groups.

    Returns
    -------
    ndarray
        Each size ``(n − 1)·s − 2p + d·(k − 1) + output_padding + 1``; integers stay exact.

    Examples
    --------
    >>> conv_transpose3d([[[1, 2]]], [[[1, 1]]], stride=2)
    array([[[1, 1, 2, 2]]])
    """
    x, w, b, spec, drop, dtype = _prepare(
        input, weight, bias, stride, padding, output_padding, groups, dilation
    )
    out = spec.output_size(x.shape[2:], w.shape[2:])
    front, top, left = spec.padding
    with np.errstate(invalid="ignore", over="ignore"):
        full = _stamp_volume(x, w, spec)
        result = full[:, :, front : front + out[0], top : top + out[1], left : left + out[2]]
        if b is not None:
            result = result + b.reshape(1, -1, 1, 1, 1)
        return result.reshape(result.shape[drop:]).astype(dtype, copy=False)


def _stamp_volume(x: NDArray[Any], w: NDArray[Any], spec: TransposeSpec3d) -> NDArray[Any]:
    # x (N, C_in, D, H, W); w (C_in, C_out/G, kD, kH, kW); returns the uncropped volume.
    batch, channels, depth, rows, cols = x.shape
    _, group_out, k_depth, k_rows, k_cols = w.shape
    groups, step, spacing = spec.groups, spec.stride[0], spec.dilation[0]
    slices = x.transpose(0, 2, 1, 3, 4).reshape(batch * depth, channels, rows, cols)
    # Each kernel slice becomes an output channel of its own: (C_in, C_out/G · kD, kH, kW).
    stamped = scatter(
        slices, w.reshape(channels, group_out * k_depth, k_rows, k_cols), spec.plane()
    )
    planes = stamped.reshape(batch, depth, groups, group_out, k_depth, *stamped.shape[2:])
    full_depth = (depth - 1) * step + spacing * (k_depth - 1) + 1 + spec.output_padding[0]
    full = np.zeros((batch, groups, group_out, full_depth, *stamped.shape[2:]), x.dtype)
    for a in range(k_depth):
        first = a * spacing
        full[:, :, :, first : first + step * (depth - 1) + 1 : step] += planes[
            :, :, :, :, a
        ].transpose(0, 2, 3, 1, 4, 5)
    return full.reshape(batch, groups * group_out, full_depth, *stamped.shape[2:])


def _prepare(
    input: object,
    weight: object,
    bias: object,
    stride: object,
    padding: object,
    output_padding: object,
    groups: object,
    dilation: object,
) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any] | None, TransposeSpec3d, int, np.dtype[Any]]:
    spec = TransposeSpec3d.create(stride, padding, output_padding, groups, dilation)
    x = as_numeric_array(input, "input")
    w = as_numeric_array(weight, "weight")
    b = None if bias is None else as_numeric_array(bias, "bias")
    try:
        layout = layout_for(x.ndim - 1, w.ndim - 1)  # the 2-D table, one rank up
    except ValueError:
        raise ValueError(
            f"input with {counted(x.ndim, 'dimension')} and weight with {w.ndim} do not go "
            "together in conv_transpose3d; use (D, H, W) with (kD, kH, kW), (C, D, H, W) with "
            "(C, kD, kH, kW), or (N, C_in, D, H, W) or (C_in, D, H, W) with "
            "(C_in, C_out/groups, kD, kH, kW)"
        ) from None
    dtype = result_dtype(x, w, b)
    work = compute_dtype(dtype)
    x5 = to_canonical(x, layout.input_axes).astype(work, copy=False)
    w5 = to_canonical(w, layout.weight_axes).astype(work, copy=False)
    if layout.teaching and x.ndim == 4:
        w5 = np.swapaxes(w5, 0, 1)  # a (C, kD, kH, kW) kernel maps C channels to one
    _check_channels(x5.shape, w5.shape, spec.groups, "kD, kH, kW")
    b1 = check_bias(b, w5.shape[1] * spec.groups, layout.teaching)
    spec.output_size(x5.shape[2:], w5.shape[2:])
    b1 = None if b1 is None else b1.astype(work, copy=False)
    return x5, w5, b1, spec, layout.output_drop, dtype


def conv_transpose1d(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    output_padding: Size = 0,
    groups: int = 1,
    dilation: Size = 1,
) -> NDArray[Any]:
    """Return the transposed 1-D convolution, as ``torch.nn.functional.conv_transpose1d``.

    Shapes are ``(N, C_in, L)`` or ``(C_in, L)`` with a ``(C_in, C_out/groups, k)`` weight, or
    the teaching shapes ``(L,)`` with ``(k,)``; each argument is an int (or a 1-tuple), with
    the meanings of :func:`convscope.conv_transpose2d`. The output length is
    ``(L − 1)·s − 2p + d·(k − 1) + output_padding + 1``; integers stay exact.

    Examples
    --------
    >>> conv_transpose1d([1, 2, 3], [1, 10], stride=2)
    array([ 1, 10,  2, 20,  3, 30])
    """
    single = {
        name: _single(value, name)
        for name, value in (
            ("stride", stride),
            ("padding", padding),
            ("output_padding", output_padding),
            ("dilation", dilation),
        )
    }
    _check_output_padding(single)
    x = as_numeric_array(input, "input")
    w = as_numeric_array(weight, "weight")
    as_rows = np.expand_dims(x, -2)
    kernel_rows = w.reshape(1, -1) if x.ndim == 1 and w.ndim == 1 else np.expand_dims(w, -2)
    result = conv_transpose2d(
        as_rows,
        kernel_rows,
        bias,
        stride=(1, single["stride"]),
        padding=(0, single["padding"]),
        output_padding=(0, single["output_padding"]),
        groups=groups,
        dilation=(1, single["dilation"]),
    )
    return result.squeeze(-2)


def _single(value: object, name: str) -> Any:
    if isinstance(value, tuple | list):
        if len(value) != 1:
            raise TypeError(
                f"{name} for conv_transpose1d must be an int or a 1-tuple, got {value!r}"
            )
        return value[0]
    if isinstance(value, str):
        raise TypeError(f"{name} for conv_transpose1d must be an int, got {value!r}")
    return value


def _check_output_padding(single: dict[str, Any]) -> None:
    output_padding, stride, dilation = (
        single["output_padding"],
        single["stride"],
        single["dilation"],
    )
    if not (is_int(output_padding) and is_int(stride) and is_int(dilation)):
        return  # conv_transpose2d names the argument that is not an int
    limit = max(int(stride), int(dilation))
    if int(output_padding) >= limit:
        raise ValueError(
            f"output_padding {output_padding} must be smaller than stride {stride} or "
            f"dilation {dilation}; use output_padding < {limit}"
        )
