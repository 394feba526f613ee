"""The ``gallery`` widget: every catalog kernel applied to a real photograph, or to your own.

The state holds the words of each kernel (what it detects, its formula as MathML, its use in
deep learning), how its response is turned into a picture, and the addresses of the pictures.
The pictures themselves are drawn by :func:`picture`, which ``GET /api/gallery/{photo}/
{kernel}.jpg`` answers with (see :mod:`convscope.web.gallery`) only when the page shows them, so
the lesson stays light; an export or a notebook calls it directly.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Literal, get_args

import numpy as np
from numpy.typing import NDArray

from ... import kernels
from ...render.images import MAX_UPLOAD_BYTES, PHOTOS, encode_jpeg, filter_photo, load_photo, shrink
from ...render.images import shown_as as _shown_as
from ...tracing.numbers import format_number
from ..base import Picture, Widget, WidgetInputs, text_grid
from ..mathml import math_to_mathml

PhotoName = Literal["camera", "astronaut", "chelsea", "coffee"]
THUMB_SIDE = 160
LARGE_SIDE = 480
UPLOAD_MEGABYTES = MAX_UPLOAD_BYTES // (1024 * 1024)

SHOWN_WORDS = {
    "clipped": (
        "The weights add up to {total}, so the result keeps the photo's brightness: it is shown "
        "as it is, with values below 0 drawn black and above 255 drawn white."
    ),
    "signed": (
        "The weights add up to 0, so flat areas give 0 and the response is positive on one side "
        "of an edge and negative on the other: mid-grey means 0, lighter positive, darker "
        "negative."
    ),
}


class GalleryInputs(WidgetInputs):
    """Inputs of the ``gallery`` widget: which photograph and which catalog kernel to show."""

    photo: PhotoName = "chelsea"
    kernel: Literal[tuple(kernels.KERNELS)] = "sobel_x"  # type: ignore[valid-type]


def shown_as(kernel: kernels.Kernel) -> Literal["clipped", "signed"]:
    """Return how a photo filtered by ``kernel`` is drawn (the rule ``filter_photo`` applies)."""
    return _shown_as(kernel.values)


def image_url(photo: str, kernel: str, side: int) -> str:
    """Return the address of ``photo`` filtered by ``kernel`` (``original``: unfiltered)."""
    return f"/api/gallery/{photo}/{kernel}.jpg?side={side}"


_ADDRESS = re.compile(r"^/api/gallery/(?P<photo>\w+)/(?P<kernel>\w+)\.jpg\?side=(?P<side>\d+)$")


def filtered(pixels: NDArray[np.uint8], kernel: str) -> NDArray[np.uint8]:
    """Return ``pixels`` filtered by catalog kernel ``kernel`` (``original``: as they are)."""
    if kernel == "original":
        return pixels
    return filter_photo(pixels, kernels.KERNELS[kernel].values).pixels


@lru_cache(maxsize=8)
def _photo(name: str, side: int) -> NDArray[np.uint8]:
    return shrink(load_photo(name), side)


@lru_cache(maxsize=160)
def photo_jpeg(photo: str, kernel: str, side: int) -> bytes:
    """Return bundled ``photo``, longest side ``side`` pixels, filtered by ``kernel``, as JPEG."""
    return encode_jpeg(filtered(_photo(photo, side), kernel), quality=80)


def picture(address: str) -> Picture | None:
    """Return the picture at an address :func:`image_url` wrote, or ``None`` for any other.

    Examples
    --------
    >>> picture(image_url("camera", "sobel_x", THUMB_SIDE)).media_type
    'image/jpeg'
    >>> picture("/api/gallery/upload") is None
    True
    """
    found = _ADDRESS.match(address)
    if found is None:
        return None
    photo, kernel, side = found["photo"], found["kernel"], int(found["side"])
    known = photo in get_args(PhotoName) and (kernel == "original" or kernel in kernels.KERNELS)
    if not known or side not in (THUMB_SIDE, LARGE_SIDE):
        return None
    return Picture("image/jpeg", photo_jpeg(photo, kernel, side))


@cache
def _kernel_card(name: str) -> dict[str, Any]:
    kernel = kernels.KERNELS[name]
    shown = shown_as(kernel)
    total = kernel.values.sum()
    return {
        "name": name,
        "title": kernel.title,
        "values": text_grid(kernel.values.tolist()),
        "detects": kernel.detects,
        "formula_mathml": math_to_mathml(kernel.formula, display=True),
        "deep_learning": kernel.deep_learning,
        "shown": shown,
        "shown_words": SHOWN_WORDS[shown].format(total=format_number(total.item())),
        "separable": kernel.separable is not None,
    }


def build_state(inputs: GalleryInputs) -> dict[str, Any]:
    """Return the kernels' words and the picture addresses for the chosen photograph.

    Examples
    --------
    >>> state = build_state(GalleryInputs(photo="camera", kernel="sobel_x"))
    >>> state["large"]["filtered"]
    '/api/gallery/camera/sobel_x.jpg?side=480'
    """
    photo = inputs.photo
    return {
        "inputs": inputs.model_dump(),
        "photos": [
            {"name": name, "credit": credit, "width": width, "height": height}
            for name, (credit, width, height) in PHOTOS.items()
        ],
        "kernels": [_kernel_card(name) for name in kernels.KERNELS],
        "large": {
            "original": image_url(photo, "original", LARGE_SIDE),
            "filtered": image_url(photo, inputs.kernel, LARGE_SIDE),
        },
        "thumbs": {name: image_url(photo, name, THUMB_SIDE) for name in kernels.KERNELS},
        "upload": {
            "url": "/api/gallery/upload",
            "field": "image",
            "max_megabytes": UPLOAD_MEGABYTES,
        },
    }


WIDGET = Widget(
    name="gallery",
    inputs=GalleryInputs,
    build=build_state,
    esm=Path(__file__).with_name("gallery.js"),
    css=Path(__file__).with_name("gallery.css"),
    picture=picture,
)
