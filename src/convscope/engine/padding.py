"""Padding the last two axes of an array the way ``torch.nn.Conv2d`` pads them."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from .spec import PaddingMode, SidePadding

_NUMPY_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "edge", "circular": "wrap"}


def pad(array: NDArray[Any], padding: SidePadding, mode: PaddingMode = "zeros") -> NDArray[Any]:
    """Return ``array`` with its last two axes padded by ``((top, bottom), (left, right))``.

    Parameters
    ----------
    array : ndarray
        At least 2-D; the last two axes are rows and columns.
    padding : ((int, int), (int, int))
        Cells to add on each side.
    mode : {'zeros', 'reflect', 'replicate', 'circular'}
        ``zeros`` adds 0; ``reflect`` mirrors without repeating the edge cell; ``replicate``
        repeats the edge cell; ``circular`` wraps around. These match PyTorch's modes, which
        also set the limits: ``reflect`` needs padding < size, ``circular`` padding <= size.

    Examples
    --------
    >>> pad(np.array([[1, 2, 3]]), ((0, 0), (2, 2)), "reflect")
    array([[3, 2, 1, 2, 3, 2, 1]])
    """
    _check_fits(array.shape[-2:], padding, mode)
    widths = [(0, 0)] * (array.ndim - 2) + [padding[0], padding[1]]
    return np.pad(array, widths, mode=_NUMPY_MODE[mode])  # type: ignore[call-overload,no-any-return]


def _check_fits(size: tuple[int, ...], padding: SidePadding, mode: PaddingMode) -> None:
    for axis, name in ((0, "rows"), (1, "columns")):
        largest = max(padding[axis])
        if mode == "reflect" and largest >= size[axis]:
            raise ValueError(
                f"padding_mode='reflect' needs padding < input size, but {name} padding "
                f"{padding[axis]} meets an input of {size[axis]} {name}; use a smaller padding "
                "or padding_mode='replicate'"
            )
        if mode == "circular" and largest > size[axis]:
            raise ValueError(
                f"padding_mode='circular' needs padding <= input size, but {name} padding "
                f"{padding[axis]} meets an input of {size[axis]} {name}; use a smaller padding"
            )


def padding_mask(size: tuple[int, int], padding: SidePadding) -> NDArray[np.bool_]:
    """Return a boolean grid of the padded size, ``True`` where a cell is padding."""
    (top, bottom), (left, right) = padding
    mask = np.ones((size[0] + top + bottom, size[1] + left + right), dtype=bool)
    mask[top : top + size[0], left : left + size[1]] = False
    return mask
