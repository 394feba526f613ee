"""The ``checkerboard`` widget: why a transposed convolution can print a grid pattern.

Two kernel sizes at one stride, side by side. For each, an all-ones map is upsampled with an
all-ones kernel: every output number then counts the stamps that land on it, and those counts
are even only when the kernel size is a multiple of the stride. The same upsampling applied to
a shrunken photograph shows the pattern on a real picture.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from ...engine import avg_pool2d, conv_transpose2d
from ...render.images import PHOTOS
from ..base import Widget, WidgetInputs, text_grid
from ..padding_modes import PhotoName
from ..pictures import grey_photo, png_url, to_grey_levels

ONES_SIDE = 6  # the all-ones map
PHOTO_SIDE = 192
PHOTO_SHRINK = 4  # the photo is average-pooled by this before upsampling
SHOWN_COUNTS = 8  # rows and columns of the counts grid written out


class CheckerboardInputs(WidgetInputs):
    """Inputs of the ``checkerboard`` widget.

    Attributes
    ----------
    stride : int 1–4
    kernel_a, kernel_b : int 1–6
        The two kernel sizes compared.
    photo : {'camera', 'astronaut', 'chelsea', 'coffee'}
    """

    stride: Annotated[int, Field(ge=1, le=4)] = 2
    kernel_a: Annotated[int, Field(ge=1, le=6)] = 3
    kernel_b: Annotated[int, Field(ge=1, le=6)] = 4
    photo: PhotoName = "camera"


def _small_photo(name: str) -> np.ndarray[Any, Any]:
    return np.asarray(avg_pool2d(grey_photo(name, PHOTO_SIDE).astype(np.float64), PHOTO_SHRINK))


def _upsampled_photo(name: str, kernel_size: int, stride: int) -> np.ndarray[Any, Any]:
    small = _small_photo(name)
    # a uniform kernel scaled so that, on average, each output pixel gets the input's brightness
    weight = np.full((kernel_size, kernel_size), stride**2 / kernel_size**2)
    return np.asarray(conv_transpose2d(small, weight, stride=stride))


def _one_side(kernel_size: int, stride: int, photo: str) -> dict[str, Any]:
    counts = np.asarray(
        conv_transpose2d(
            np.ones((ONES_SIDE, ONES_SIDE), dtype=np.int64),
            np.ones((kernel_size, kernel_size), dtype=np.int64),
            stride=stride,
        )
    )
    inner = counts[
        kernel_size - 1 : -(kernel_size - 1) or None, kernel_size - 1 : -(kernel_size - 1) or None
    ]
    even = kernel_size % stride == 0
    upsampled = np.clip(_upsampled_photo(photo, kernel_size, stride), 0, 255)
    return {
        "kernel_size": kernel_size,
        "even": even,
        "verdict": (
            f"{kernel_size} is a multiple of {stride}: every inner cell gets the same "
            f"number of stamps, {int(inner.max())}"
            if even
            else f"{kernel_size} is not a multiple of {stride}: inner cells get between "
            f"{int(inner.min())} and {int(inner.max())} stamps, in a repeating pattern"
        ),
        "counts": text_grid(counts[:SHOWN_COUNTS, :SHOWN_COUNTS].tolist()),
        "counts_shape": list(counts.shape),
        "counts_src": png_url(to_grey_levels(counts)),
        "photo_src": png_url(np.round(upsampled).astype(np.uint8)),
        "photo_shape": list(upsampled.shape),
    }


def build_state(inputs: CheckerboardInputs) -> dict[str, Any]:
    """Return, for both kernel sizes, the stamp counts of an all-ones map and an upsampled photo.

    Examples
    --------
    >>> state = build_state(CheckerboardInputs(stride=2, kernel_a=3, kernel_b=4))
    >>> [side["even"] for side in state["sides"]], state["sides"][0]["counts"][0][:5]
    ([False, True], ['1', '1', '2', '1', '2'])
    """
    return {
        "inputs": inputs.model_dump(),
        "sides": [
            _one_side(size, inputs.stride, inputs.photo)
            for size in (inputs.kernel_a, inputs.kernel_b)
        ],
        "ones_side": ONES_SIDE,
        "photo_names": list(PHOTOS),
        "small_src": png_url(np.round(_small_photo(inputs.photo)).astype(np.uint8)),
        "small_side": PHOTO_SIDE // PHOTO_SHRINK,
    }


WIDGET = Widget(
    name="checkerboard",
    inputs=CheckerboardInputs,
    build=build_state,
    esm=Path(__file__).with_name("checkerboard.js"),
)
