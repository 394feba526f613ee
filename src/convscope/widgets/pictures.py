"""Small pictures for widget states: photographs and maps as ``data:`` URLs, heat levels.

A widget's state travels as JSON inside the page, so its pictures do too: each one is a small
PNG or JPEG written as a ``data:`` URL (no extra request, nothing leaves the server). Maps of
counts are sent tiny and drawn large by the browser with ``image-rendering: pixelated``.
"""

from __future__ import annotations

import base64
from functools import cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..render.images import PHOTOS, encode_jpeg, encode_png, load_photo, shrink

HEAT_LEVELS = 5  # 0 = no path, 1 … 4 = a quarter of the largest count each


def png_url(pixels: NDArray[np.uint8]) -> str:
    """Return ``pixels`` (``(H, W)`` or ``(H, W, 3)`` uint8) as a PNG ``data:`` URL."""
    return "data:image/png;base64," + base64.b64encode(encode_png(pixels)).decode("ascii")


def jpeg_url(pixels: NDArray[np.uint8], quality: int = 80) -> str:
    """Return ``pixels`` as a JPEG ``data:`` URL: a fraction of a PNG's bytes for photographs."""
    data = encode_jpeg(pixels, quality=quality)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")


@cache
def grey_photo(name: str, side: int) -> NDArray[np.uint8]:
    """Return bundled photo ``name`` in grey, centre-cropped to a square of ``side`` pixels.

    Grey keeps the pictures small and the numbers one per pixel, as in the grids.
    """
    if name not in PHOTOS:
        raise ValueError(f"photo must be one of {', '.join(PHOTOS)}; got {name!r}")
    pixels = load_photo(name)
    if pixels.ndim == 3:
        weights = np.array([0.299, 0.587, 0.114])
        pixels = np.round(pixels @ weights).astype(np.uint8)
    rows, cols = pixels.shape
    edge = min(rows, cols)
    top, left = (rows - edge) // 2, (cols - edge) // 2
    square = np.ascontiguousarray(pixels[top : top + edge, left : left + edge])
    result = shrink(square, side)
    result.setflags(write=False)
    return result


def to_grey_levels(values: NDArray[Any]) -> NDArray[np.uint8]:
    """Return ``values`` scaled to 0–255 by their largest magnitude (all zeros stay black)."""
    array = np.asarray(values, dtype=np.float64)
    top = float(np.abs(array).max()) if array.size else 0.0
    if top == 0:
        return np.zeros(array.shape, dtype=np.uint8)
    return np.round(np.clip(array / top, 0, 1) * 255).astype(np.uint8)


def heat_levels(counts: NDArray[Any]) -> list[list[int]]:
    """Return each count as a level 0–4: 0 for none, else its share of the largest, in quarters.

    Examples
    --------
    >>> heat_levels(np.array([[0, 1, 2, 4]]))
    [[0, 1, 2, 4]]
    """
    array = np.asarray(counts, dtype=np.float64)
    top = float(array.max()) if array.size else 0.0
    if top <= 0:
        return np.zeros(array.shape, dtype=int).tolist()  # type: ignore[no-any-return]
    levels = np.ceil(array / top * (HEAT_LEVELS - 1)).astype(int)
    return np.where(array > 0, np.maximum(levels, 1), 0).tolist()  # type: ignore[no-any-return]
