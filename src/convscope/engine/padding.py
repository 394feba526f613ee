"""Padding the last two axes of an array the way ``torch.nn.Conv2d`` pads them."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ._words import counted
from .spec import PaddingMode, SidePadding, as_padding_mode, as_pair, is_int

_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}
_FORMS = "an int (every side) or ((top, bottom), (left, right))"


def pad(array: ArrayLike, padding: int | SidePadding, mode: PaddingMode = "zeros") -> NDArray[Any]:
    """Return ``array`` with its last two axes padded by ``((top, bottom), (left, right))``.

    Parameters
    ----------
    array : array_like
        At least 2-D; the last two axes are rows and columns.
    padding : int or ((int, int), (int, int))
        Cells to add: one int for every side, or ``((top, bottom), (left, right))``. A flat
        pair such as ``(1, 2)`` is refused, because NumPy's ``np.pad`` reads it as
        ``(before, after)``, PyTorch's ``F.pad`` as ``(left, right)`` and ``conv2d``'s
        ``padding`` as ``(rows, cols)``.
    mode : {'zeros', 'reflect', 'replicate', 'circular'}
        ``zeros`` adds 0; ``reflect`` mirrors without repeating the edge cell; ``replicate``
        repeats the edge cell; ``circular`` wraps around. These match PyTorch's modes, which
        also set the limits: ``reflect`` needs padding < size, ``circular`` padding <= size.

    Examples
    --------
    >>> pad(np.array([[1, 2, 3]]), ((0, 0), (2, 2)), "reflect")
    array([[3, 2, 1, 2, 3, 2, 1]])
    >>> pad([[5]], 1)
    array([[0, 0, 0],
           [0, 5, 0],
           [0, 0, 0]])
    """
    values = _as_grid(array)
    sides = _as_side_padding(padding)
    checked_mode = as_padding_mode(mode, "mode")
    _check_fits(values.shape[-2:], sides, checked_mode)
    widths = [(0, 0)] * (values.ndim - 2) + [sides[0], sides[1]]
    return np.pad(values, widths, mode=_NUMPY_MODE[checked_mode])  # type: ignore[call-overload,no-any-return]


def _as_grid(array: object) -> NDArray[Any]:
    if array is None:
        raise TypeError("pad needs an array of at least 2 dimensions (rows, columns), got None")
    try:
        values = np.asarray(array)
    except (ValueError, TypeError):
        raise TypeError(
            "pad needs a rectangular array; its rows have different lengths (a ragged list)"
        ) from None
    if values.ndim < 2:
        raise ValueError(
            f"pad pads the last two axes (rows and columns), but the array has shape "
            f"{values.shape}; give one row as [[...]], e.g. np.atleast_2d(array)"
        )
    return values


def _as_side_padding(padding: object) -> SidePadding:
    if is_int(padding):
        every_side = as_pair(padding, "padding", minimum=0)
        return (every_side, every_side)
    if (
        isinstance(padding, tuple | list)
        and len(padding) == 2
        and all(isinstance(side, tuple | list) for side in padding)
    ):
        rows = as_pair(tuple(padding[0]), "padding (top, bottom)", minimum=0)
        cols = as_pair(tuple(padding[1]), "padding (left, right)", minimum=0)
        return (rows, cols)
    if isinstance(padding, tuple | list) and len(padding) == 2:
        raise TypeError(
            f"padding {tuple(padding)!r} could mean three things: NumPy's np.pad reads a pair "
            "as (before, after), PyTorch's F.pad as (left, right), conv2d as (rows, cols); "
            f"give {_FORMS}, e.g. ((1, 1), (2, 2)) for 1 row above and below and 2 columns "
            "left and right"
        )
    raise TypeError(f"padding must be {_FORMS}, got {padding!r}")


def _check_fits(size: tuple[int, ...], padding: SidePadding, mode: PaddingMode) -> None:
    for axis, noun in ((0, "row"), (1, "column")):
        largest = max(padding[axis])
        if mode == "reflect" and largest >= size[axis]:
            raise ValueError(
                f"padding_mode='reflect' needs padding < input size, but {noun} padding "
                f"{padding[axis]} meets an input of {counted(size[axis], noun)}; use a smaller "
                "padding or padding_mode='replicate'"
            )
        if mode == "circular" and largest > size[axis]:
            raise ValueError(
                f"padding_mode='circular' needs padding <= input size, but {noun} padding "
                f"{padding[axis]} meets an input of {counted(size[axis], noun)}; use a smaller "
                "padding"
            )


def padding_mask(size: tuple[int, int], padding: SidePadding) -> NDArray[np.bool_]:
    """Return a boolean grid of the padded size, ``True`` where a cell is padding."""
    (top, bottom), (left, right) = padding
    mask = np.ones((size[0] + top + bottom, size[1] + left + right), dtype=bool)
    mask[top : top + size[0], left : left + size[1]] = False
    return mask
