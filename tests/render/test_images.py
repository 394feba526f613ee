"""Bundled photos, uploads of every awkward kind, and filtered pictures."""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from convscope import kernels
from convscope.render.images import (
    PHOTOS,
    ImageError,
    decode_upload,
    encode_jpeg,
    encode_png,
    filter_photo,
    load_photo,
    shrink,
)


def _encoded(image: Image.Image, fmt: str, **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def _png_header_claiming(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


@pytest.mark.parametrize(
    ("name", "shape"),
    [
        ("camera", (512, 512)),
        ("astronaut", (512, 512, 3)),
        ("chelsea", (300, 451, 3)),
        ("coffee", (400, 600, 3)),
    ],
)
def test_bundled_photos_load_with_their_documented_sizes(name: str, shape: tuple[int, ...]) -> None:
    pixels = load_photo(name)
    assert pixels.shape == shape and pixels.dtype == np.uint8


@pytest.mark.parametrize("name", list(PHOTOS))
def test_photo_table_gives_each_photos_real_size(name: str) -> None:
    _, width, height = PHOTOS[name]
    assert load_photo(name).shape[:2] == (height, width)


def test_unknown_photo_lists_the_bundled_ones() -> None:
    with pytest.raises(ValueError, match="camera, astronaut, chelsea, coffee"):
        load_photo("dog")


def test_png_round_trips_exactly() -> None:
    pixels = np.random.default_rng(0).integers(0, 256, (7, 9, 3), dtype=np.uint8)
    np.testing.assert_array_equal(decode_upload(encode_png(pixels)), pixels)


def test_oversized_file_is_refused_by_bytes() -> None:
    with pytest.raises(ImageError, match="limited to 100 bytes"):
        decode_upload(b"x" * 101, max_bytes=100)


def test_decompression_bomb_is_refused_from_its_header() -> None:
    with pytest.raises(ImageError, match="16,777,216 pixels"):
        decode_upload(_png_header_claiming(40_000, 40_000))


def test_not_an_image_says_so() -> None:
    with pytest.raises(ImageError, match="not an image"):
        decode_upload(b"def f():\n    return 1\n")


def test_truncated_file_is_refused() -> None:
    whole = encode_png(np.random.default_rng(1).integers(0, 256, (64, 64), dtype=np.uint8))
    with pytest.raises(ImageError, match="could not be decoded"):
        decode_upload(whole[: len(whole) // 2])


def test_animated_gif_gives_its_first_frame() -> None:
    frames = [Image.new("L", (4, 3), 10), Image.new("L", (4, 3), 200)]
    content = _encoded(frames[0], "GIF", save_all=True, append_images=frames[1:])
    pixels = decode_upload(content)
    assert pixels.shape[:2] == (3, 4)
    assert int(np.asarray(pixels).max()) < 100


def test_sixteen_bit_png_is_scaled_to_eight_bits() -> None:
    wide = Image.fromarray(np.array([[0, 65535]], dtype=np.uint16))
    assert decode_upload(_encoded(wide, "PNG")).tolist() == [[0, 255]]


def test_cmyk_jpeg_becomes_rgb() -> None:
    content = _encoded(Image.new("CMYK", (5, 4), (0, 0, 0, 0)), "JPEG")
    pixels = decode_upload(content)
    assert pixels.shape == (4, 5, 3)
    assert int(pixels.min()) > 240  # no ink is white


def test_exif_rotation_is_applied() -> None:
    image = Image.new("RGB", (6, 2), (255, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    pixels = decode_upload(_encoded(image, "JPEG", exif=exif.tobytes()))
    assert pixels.shape[:2] == (6, 2)


def test_transparent_pixels_are_laid_on_white() -> None:
    image = Image.new("RGBA", (2, 1), (0, 0, 0, 0))
    image.putpixel((1, 0), (0, 0, 0, 255))
    assert decode_upload(_encoded(image, "PNG")).tolist() == [[[255, 255, 255], [0, 0, 0]]]


def test_shrink_keeps_aspect_and_never_enlarges() -> None:
    pixels = np.zeros((1000, 500), dtype=np.uint8)
    assert shrink(pixels, 200).shape == (200, 100)
    assert shrink(pixels, 2000).shape == (1000, 500)


def test_brightness_keeping_kernel_matches_scipy_with_edges_repeated() -> None:
    photo = load_photo("camera")[:64, :64]
    box = kernels.get("box_blur").values
    expected = ndimage.correlate(photo.astype(np.float64), box, mode="nearest")
    shown = filter_photo(photo, box)
    assert shown.shown == "clipped"
    assert np.abs(shown.pixels.astype(int) - np.clip(np.round(expected), 0, 255)).max() <= 1


def test_zero_sum_kernel_is_shown_signed_around_mid_grey() -> None:
    flat = np.full((16, 16, 3), 90, dtype=np.uint8)
    shown = filter_photo(flat, kernels.get("sobel_x").values)
    assert shown.shown == "signed"
    assert set(np.unique(shown.pixels)) == {128}


def test_colour_photo_stays_colour_and_size() -> None:
    photo = load_photo("chelsea")
    shown = filter_photo(photo, kernels.get("sharpen").values)
    assert shown.pixels.shape == photo.shape


def test_jpeg_is_smaller_than_png_for_a_photo() -> None:
    photo = load_photo("astronaut")
    assert len(encode_jpeg(photo)) < len(encode_png(photo))
