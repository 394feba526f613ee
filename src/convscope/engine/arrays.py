"""Turning what a caller passes into arrays the algorithms can trust.

The rules live here once: which dtypes are accepted, which dtype the result has, and which
combinations of input and weight shapes mean what.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ._words import counted

_REFUSED_KINDS = {
    "b": "use 0/1 integers instead, e.g. mask.astype(int)",
    "c": "complex numbers are not supported; convolve the .real and .imag parts separately",
    "O": "the values are mixed or not numbers; give numbers only",
    "U": "that is text; give numbers",
    "S": "that is bytes; give numbers",
    "V": "give a plain numeric array instead of a structured one",
    "M": "dates are not numbers; convert them first",
    "m": "durations are not numbers; convert them first",
}


def as_numeric_array(value: object, name: str) -> NDArray[Any]:
    """Return ``value`` as an int64 or floating array, refusing everything else by name.

    Integers of any width become int64, so the arithmetic stays exact; floating arrays keep
    their dtype. Bool, complex, object and string data raise ``TypeError``.

    Examples
    --------
    >>> as_numeric_array([[1, 2], [3, 4]], "input").dtype
    dtype('int64')
    """
    if value is None:
        raise TypeError(f"{name} must be an array of integers or floats, got None")
    try:
        array = np.asarray(value)
    except (ValueError, TypeError):
        raise TypeError(
            f"{name} must be a rectangular array of numbers; its rows have different lengths "
            "(a ragged list) or hold non-numbers"
        ) from None
    kind = array.dtype.kind
    if kind == "O":
        _refuse_integers_beyond_int64(array, name)
    if kind in _REFUSED_KINDS:
        raise TypeError(
            f"{name} must hold integers or floats, but its dtype is {array.dtype}: "
            f"{_REFUSED_KINDS[kind]}"
        )
    if kind in "iu":
        if kind == "u" and array.size and int(array.max()) > _INT64.max:
            where = np.unravel_index(int(array.argmax()), array.shape)
            raise ValueError(_beyond_int64(name, int(array.max()), where))
        return array.astype(np.int64, copy=False)
    return array


_INT64 = np.iinfo(np.int64)


def _refuse_integers_beyond_int64(array: NDArray[Any], name: str) -> None:
    # Python ints too large for int64 make NumPy fall back to an array of objects.
    for where, value in np.ndenumerate(array):
        if isinstance(value, int) and not _INT64.min <= value <= _INT64.max:
            raise ValueError(_beyond_int64(name, value, where))


def _beyond_int64(name: str, value: int, where: tuple[Any, ...]) -> str:
    return (
        f"{name} holds {value} at {_position(where)}, beyond int64 (about ±9.2e18, the largest "
        f"integers convscope computes exactly); give float64 numbers instead, e.g. "
        f"np.asarray({name}, dtype=float)"
    )


def _position(where: tuple[Any, ...]) -> str:
    index = tuple(int(i) for i in where)
    if len(index) == 1:
        return f"position {index[0]}"
    cell = f"row {index[-2]}, column {index[-1]}"
    return cell if len(index) == 2 else f"index {index} ({cell})"


def result_dtype(*arrays: NDArray[Any] | None) -> np.dtype[Any]:
    """Return the dtype of the result: int64 when every operand is integer, else the widest float.

    Integer operands do not widen a float one (a float32 image with an integer kernel stays
    float32), as with Python scalars in NumPy.
    """
    floats = [a.dtype for a in arrays if a is not None and a.dtype.kind == "f"]
    if not floats:
        return np.dtype(np.int64)
    return np.result_type(*floats)


def compute_dtype(dtype: np.dtype[Any]) -> np.dtype[Any]:
    """Return the dtype the arithmetic runs in: float16 is summed in float32, as PyTorch's CPU."""
    return np.dtype(np.float32) if dtype == np.float16 else dtype


@dataclass(frozen=True)
class Layout:
    """How a caller's shapes map onto canonical ``(N, C, H, W)`` and ``(C_out, C_in/g, kH, kW)``.

    ``input_axes`` and ``weight_axes`` are the leading axes to add; ``output_drop`` how many
    leading axes of the canonical output to remove again.
    """

    input_axes: int
    weight_axes: int
    output_drop: int
    teaching: bool


_LAYOUTS = {
    (2, 2): Layout(2, 2, 2, teaching=True),  # (H, W) ⋆ (kH, kW) -> (H', W')
    (3, 3): Layout(1, 1, 2, teaching=True),  # (C, H, W) ⋆ (C, kH, kW) -> (H', W')
    (3, 4): Layout(1, 0, 1, teaching=False),  # unbatched PyTorch -> (C_out, H', W')
    (4, 4): Layout(0, 0, 0, teaching=False),  # batched PyTorch -> (N, C_out, H', W')
}


def layout_for(input_ndim: int, weight_ndim: int) -> Layout:
    """Return the layout for these ranks, or raise a ``ValueError`` listing the accepted pairs."""
    try:
        return _LAYOUTS[(input_ndim, weight_ndim)]
    except KeyError:
        raise ValueError(
            f"input with {counted(input_ndim, 'dimension')} and weight with {weight_ndim} do "
            "not go together; use (H, W) with (kH, kW), (C, H, W) with (C, kH, kW), "
            "(C, H, W) with (C_out, C_in/groups, kH, kW), or (N, C, H, W) with "
            "(C_out, C_in/groups, kH, kW)"
        ) from None


def to_canonical(array: NDArray[Any], leading_axes: int) -> NDArray[Any]:
    """Return ``array`` with ``leading_axes`` axes of length 1 added in front."""
    return array.reshape((1,) * leading_axes + array.shape)


def check_bias(bias: NDArray[Any] | None, out_channels: int, teaching: bool) -> NDArray[Any] | None:
    """Return the bias as ``(C_out,)``, or raise naming the shape it must have.

    The teaching shapes (one output map) also take a single number.
    """
    if bias is None:
        return None
    if bias.ndim == 0 and (teaching or out_channels == 1):
        return bias.reshape(1)
    if bias.shape != (out_channels,) and teaching:
        raise ValueError(
            f"bias must be one number for the single output map, got shape {bias.shape}"
        )
    if bias.shape != (out_channels,):
        raise ValueError(
            f"bias must have shape ({out_channels},), one number per output channel; "
            f"got shape {bias.shape}"
        )
    return bias
