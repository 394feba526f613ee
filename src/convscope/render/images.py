"""Photographs in and out: the bundled pictures, uploads checked before decoding, filtered PNGs.

Decoding is the only place an untrusted file meets convscope, so every rule about what is
accepted lives here: a byte cap, the five formats the docs name (PNG, JPEG, GIF, WebP, BMP)
recognised by their first bytes before Pillow sees the file and then opened by that one
decoder only, a pixel cap checked from the header before any pixel is decoded, one frame of an
animation, EXIF rotation applied, alpha laid on white, 16-bit and CMYK pictures converted.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from importlib import resources
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from ..engine import conv2d
from ..engine._words import byte_size

MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MAX_UPLOAD_PIXELS = 4096 * 4096
WORKING_SIDE = 512  # uploads are shrunk to this longest side before filtering

PHOTOS: dict[str, tuple[str, int, int]] = {
    "camera": ("A photographer with a camera on a tripod (grey; CC0, Lav Varshney)", 512, 512),
    "astronaut": ("Astronaut Eileen Collins (public domain, NASA)", 512, 512),
    "chelsea": ("Chelsea the cat (CC0, Stefan van der Walt)", 451, 300),
    "coffee": ("A cup of coffee (CC0, Rachel Michetti)", 600, 400),
}
"""The bundled photographs: name → (credit, width, height), as ``data/images/SOURCES.md`` says."""

Shown = Literal["clipped", "signed"]


ACCEPTED_FORMATS = "PNG, JPEG, GIF, WebP, BMP"
_SIGNATURES = (  # (first bytes, Pillow's format name); WebP is RIFF....WEBP, checked apart
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
)


class ImageError(ValueError):
    """An uploaded file that convscope will not decode, with the reason in plain words."""


class UnsupportedFormat(ImageError):
    """An uploaded file that is not one of the accepted formats (it is never decoded)."""


def upload_format(content: bytes) -> str:
    """Return Pillow's name of the upload's format from its first bytes, or raise.

    Raises
    ------
    UnsupportedFormat
        When the file does not start as a PNG, JPEG, GIF, WebP or BMP file does (TIFF, EPS,
        ICO, PCX, TGA, XBM, SVG, text …): such a file never reaches a decoder.

    Examples
    --------
    >>> upload_format(b"GIF89a...")
    'GIF'
    """
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "WEBP"
    for signature, name in _SIGNATURES:
        if content.startswith(signature):
            return name
    raise UnsupportedFormat(
        f"the file is not an image convscope can read ({ACCEPTED_FORMATS}), judged by its "
        "first bytes; save it in one of those formats and upload it again"
    )


@dataclass(frozen=True)
class Filtered:
    """A filtered picture ready to show, and how its numbers were mapped to grey levels.

    Attributes
    ----------
    pixels : ndarray
        ``(H, W)`` or ``(H, W, 3)`` uint8.
    shown : {'clipped', 'signed'}
        ``clipped``: the kernel keeps brightness (its weights sum to non-zero), values are
        clipped to 0–255. ``signed``: the weights sum to 0, so the response is signed; mid-grey
        is 0, brighter is positive, darker negative, scaled by ``scale``.
    scale : float
        The response that maps to full white (``signed``) or 1.0 (``clipped``).
    """

    pixels: NDArray[np.uint8]
    shown: Shown
    scale: float


def load_photo(name: str) -> NDArray[np.uint8]:
    """Return a bundled photograph as ``(H, W)`` grey or ``(H, W, 3)`` RGB uint8 pixels.

    Parameters
    ----------
    name : {'camera', 'astronaut', 'chelsea', 'coffee'}
        See ``data/images/SOURCES.md`` for what each shows and its licence.
    """
    if name not in PHOTOS:
        raise ValueError(f"photo must be one of {', '.join(PHOTOS)}; got {name!r}")
    data = resources.files("convscope") / "data" / "images" / f"{name}.jpg"
    with Image.open(io.BytesIO(data.read_bytes())) as image:
        return _to_pixels(image)


def decode_upload(
    content: bytes,
    *,
    max_bytes: int = MAX_UPLOAD_BYTES,
    max_pixels: int = MAX_UPLOAD_PIXELS,
) -> NDArray[np.uint8]:
    """Return an uploaded picture as uint8 pixels, or raise :class:`ImageError` saying why.

    The byte and pixel caps are checked before any pixel is decoded, so a small file that
    claims to be enormous (a decompression bomb) is refused cheaply; so is a file of another
    format than the five accepted (:class:`UnsupportedFormat`), and Pillow opens the file with
    the one decoder its first bytes name.
    """
    if len(content) > max_bytes:
        raise ImageError(
            f"the file is {byte_size(len(content))}; uploads are limited to {byte_size(max_bytes)}"
        )
    formats = [upload_format(content)]
    try:
        with warnings.catch_warnings(), Image.open(io.BytesIO(content), formats=formats) as image:
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            _check_pixels(image.size, max_pixels)
            image.seek(0)  # the first frame of an animated GIF/PNG/WebP
            image.load()
            return _to_pixels(ImageOps.exif_transpose(image))
    except ImageError:
        raise
    except UnidentifiedImageError:
        raise ImageError(
            f"the file is not an image convscope can read ({ACCEPTED_FORMATS})"
        ) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageError(f"the image has more than {max_pixels:,} pixels") from None
    except (OSError, SyntaxError, ValueError) as error:
        raise ImageError(
            f"the image could not be decoded ({error}); is the file complete?"
        ) from None


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise ImageError(
            f"the image is {size[0]:,}×{size[1]:,} pixels; uploads are limited to "
            f"{max_pixels:,} pixels"
        )


def _to_pixels(image: Image.Image) -> NDArray[np.uint8]:
    if image.mode in ("L", "RGB"):
        converted = image
    elif image.mode in ("I;16", "I;16B", "I;16L", "I"):
        wide = np.asarray(image, dtype=np.float64)
        top = max(float(wide.max()), 1.0)
        return np.round(wide * (255.0 / (65535.0 if top > 255 else 255.0))).astype(np.uint8)
    elif image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        converted = Image.alpha_composite(white, rgba).convert("RGB")
    else:  # P, CMYK, YCbCr, 1, F …
        converted = image.convert("RGB")
    return np.asarray(converted, dtype=np.uint8).copy()


def shrink(pixels: NDArray[np.uint8], longest_side: int = WORKING_SIDE) -> NDArray[np.uint8]:
    """Return ``pixels`` scaled down (never up) so the longest side is ``longest_side``."""
    rows, cols = pixels.shape[:2]
    factor = longest_side / max(rows, cols)
    if factor >= 1:
        return pixels
    size = (max(1, round(cols * factor)), max(1, round(rows * factor)))
    return np.asarray(Image.fromarray(pixels).resize(size, Image.Resampling.LANCZOS))


def filter_photo(pixels: NDArray[np.uint8], kernel: NDArray[Any]) -> Filtered:
    """Return the photo with every channel convolved by ``kernel`` (same size, edges repeated).

    Each colour channel is filtered on its own with the same weights — a depthwise
    convolution — so colour pictures stay in colour.
    """
    # Channel by channel: a strided copy of 3-byte pixels is several times slower in NumPy.
    channels = [pixels] if pixels.ndim == 2 else [pixels[..., c] for c in range(pixels.shape[2])]
    image = np.stack(channels).astype(np.float32)
    weight = np.repeat(np.asarray(kernel, dtype=np.float32)[None, None], len(image), axis=0)
    response = conv2d(image, weight, padding="same", groups=len(image), padding_mode="replicate")
    return displayed(response, kernel)


def displayed(response: NDArray[Any], kernel: NDArray[Any]) -> Filtered:
    """Return a ``(C, H, W)`` filter response as a picture, by the gallery's display rule.

    The rule is :func:`shown_as`: ``clipped`` for a kernel whose weights sum to non-zero,
    ``signed`` around mid-grey otherwise. One channel gives an ``(H, W)`` picture, three give
    ``(H, W, 3)``.
    """
    response = np.ascontiguousarray(response)  # one copy: the mapping to grey reads it 3-5 times
    # Mapped to grey levels channel by channel (contiguous, so quick); only the uint8 result
    # is laid out again as (H, W, 3).
    shown = _for_display(response, shown_as(np.asarray(kernel)))
    channels_last = (
        shown.pixels[0] if len(response) == 1 else np.stack(tuple(shown.pixels), axis=-1)
    )
    return Filtered(channels_last, shown.shown, shown.scale)


def shown_as(kernel: NDArray[Any]) -> Shown:
    """Return how a photo filtered by ``kernel`` is drawn.

    ``signed`` when the weights sum to 0 (the response is signed, drawn around mid-grey),
    otherwise ``clipped`` (the response keeps the photo's brightness).
    """
    return "signed" if abs(float(np.sum(kernel))) <= 1e-9 else "clipped"


def _for_display(response: NDArray[Any], shown: Shown) -> Filtered:
    if shown == "clipped":
        pixels = np.clip(np.round(response), 0, 255).astype(np.uint8)
        return Filtered(pixels=pixels, shown="clipped", scale=1.0)
    scale = percentile_of_largest(np.abs(response), 99.5) or 1.0
    grey = 127.5 + 127.5 * np.clip(response / scale, -1.0, 1.0)
    return Filtered(pixels=np.round(grey).astype(np.uint8), shown="signed", scale=scale)


def percentile_of_largest(values: NDArray[Any], q: float) -> float:
    """Return ``float(np.percentile(values, q))`` exactly, quickly when ``q`` is near 100.

    ``np.percentile`` partitions every value; here a sample gives a threshold safely below
    the wanted rank, and only the values above it are partitioned (about 2% for q = 99.5),
    with NumPy's own linear interpolation. Anything unusual (small arrays, NaN, a threshold
    that kept too few values) falls back to ``np.percentile``.
    """
    flat = values.ravel()
    count, fraction = flat.size, q / 100
    virtual = (count - 1) * fraction  # NumPy's "linear" virtual index
    below = int(np.floor(virtual))
    needed = count - below  # values of rank below … count - 1
    step = max(1, count // 4096)
    sample = flat[::step]
    keep = sample.size - 1 - 4 * needed // step - 2  # a margin of about 4× the values needed
    if count < 65536 or keep <= 0 or np.isnan(flat.max()):
        return float(np.percentile(flat, q))
    candidates = flat[flat >= np.partition(sample, keep)[keep]]
    if candidates.size < needed:
        return float(np.percentile(flat, q))
    return _interpolated(candidates, candidates.size - needed, virtual - below)


def _interpolated(candidates: NDArray[Any], rank: int, gamma: float) -> float:
    # NumPy's _lerp, with its rounding: a + (b - a)·t below t = 0.5, b - (b - a)·(1 - t) above.
    top = np.partition(candidates, [rank, rank + 1])
    low, high = top[rank], top[rank + 1]
    diff = high - low
    return float(low + diff * gamma if gamma < 0.5 else high - diff * (1 - gamma))


def encode_png(pixels: NDArray[np.uint8]) -> bytes:
    """Return ``pixels`` (``(H, W)`` or ``(H, W, 3)`` uint8) encoded as PNG bytes."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG", optimize=False, compress_level=6)
    return buffer.getvalue()


def encode_jpeg(pixels: NDArray[np.uint8], quality: int = 85) -> bytes:
    """Return ``pixels`` encoded as JPEG bytes — a fraction of a PNG's size for photographs."""
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=quality)
    return buffer.getvalue()
