"""Animations: one frame per output position, every format, numbers from the engine."""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from convscope import ConvSpec, conv2d, conv_transpose2d
from convscope.render import animate, palette
from convscope.render.animate import GALLERY, GalleryItem, encode, write, write_gallery
from convscope.render.draw import MARGIN, TITLE_SIZE, cell_side
from convscope.render.scene import build_scene


@settings(max_examples=15, deadline=None)
@given(
    st.integers(3, 7), st.integers(1, 3), st.integers(1, 2), st.integers(0, 2), st.integers(1, 2)
)
def test_gif_has_one_frame_per_output_position(
    size: int, kernel: int, stride: int, padding: int, dilation: int
) -> None:
    spec = ConvSpec.create(stride=stride, padding=padding, dilation=dilation)
    try:
        rows, cols = spec.output_size((size, size), (kernel, kernel))
    except ValueError:
        return
    scene = build_scene(size, kernel, stride, padding, dilation)
    with Image.open(io.BytesIO(encode(scene, ".gif"))) as gif:
        assert gif.n_frames == rows * cols == len(scene.frames)


def test_values_and_sums_come_from_the_engine() -> None:
    x = np.arange(16).reshape(4, 4)
    w = np.array([[1, -1], [2, 0]])
    scene = build_scene(4, 2, 2, 1, input_values=x, kernel_values=w)
    np.testing.assert_array_equal(scene.output, conv2d(x, w, stride=2, padding=1))
    assert [f.value for f in scene.frames] == conv2d(x, w, stride=2, padding=1).ravel().tolist()
    assert scene.frames[0].sum_text is not None and scene.frames[0].sum_text.endswith("= 0")


def test_transposed_scene_is_the_gather_view_of_conv_transpose2d() -> None:
    x = np.array([[1, 2], [3, 4]])
    w = np.array([[1, 2, 0], [0, -1, 1], [2, 0, 1]])
    scene = build_scene(2, 3, 2, 1, transposed=True, input_values=x, kernel_values=w)
    np.testing.assert_array_equal(scene.output, conv_transpose2d(x, w, stride=2, padding=1))
    assert len(scene.frames) == scene.output.size
    assert (scene.kinds == "inserted").sum() == 9 - 4  # zeros between the 2×2 input cells


def test_transposed_padding_past_the_kernel_is_refused() -> None:
    with pytest.raises(ValueError, match="smaller padding"):
        build_scene(3, 3, 1, 3, transposed=True)


@pytest.mark.parametrize("suffix", [".gif", ".png", ".webp"])
def test_raster_formats_are_animations(suffix: str) -> None:
    content = encode(build_scene(4, 3, values=True), suffix)
    with Image.open(io.BytesIO(content)) as image:
        assert image.n_frames == 4
        assert image.size[0] > 100


def test_svg_plays_every_frame_in_turn_without_script() -> None:
    svg = encode(build_scene(4, 3, values=True), ".svg", frame_ms=500).decode()
    assert svg.startswith("<svg") and "<script" not in svg
    assert svg.count('<g class="frame"') == 4 and 'viewBox="0 0 452 268"' in svg
    plays = re.findall(r'<animate attributeName="visibility" [^>]*keyTimes="([^"]+)"[^>]*>', svg)
    assert plays == ["0;0;0.25", "0;0.25;0.5", "0;0.5;0.75", "0;0.75;1"]
    assert svg.count('dur="2000ms" repeatCount="indefinite"') == 4
    assert "output[1, 1]" in svg


@pytest.mark.parametrize("frame_ms", [0, -5])
def test_a_frame_must_last_at_least_a_millisecond(frame_ms: int) -> None:
    with pytest.raises(ValueError, match="at least 1 millisecond"):
        encode(build_scene(4, 3), ".gif", frame_ms=frame_ms)


def test_unknown_suffix_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\.gif, \.png, \.webp, \.svg"):
        encode(build_scene(4, 3), ".bmp")


def test_oversized_grid_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 16"):
        build_scene(40, 3)


def test_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = write(build_scene(4, 3), tmp_path / "slide.gif")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_written_files_get_the_umask_permissions_not_0600(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        target = write(build_scene(4, 3), tmp_path / "slide.svg")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_transposed_output_padding_gives_back_the_skipped_row() -> None:
    x = np.array([[1, 2, 0], [3, 4, -1], [0, 1, 2]])
    w = np.array([[1, 2, 0], [0, -1, 1], [2, 0, 1]])
    scene = build_scene(
        3, 3, 2, 1, transposed=True, output_padding=1, input_values=x, kernel_values=w
    )
    expected = conv_transpose2d(x, w, stride=2, padding=1, output_padding=1)
    assert scene.output.shape == (6, 6)
    np.testing.assert_array_equal(scene.output, expected)
    assert scene.title.endswith("output padding 1")
    assert len(scene.frames) == 36


def test_output_padding_needs_a_transposed_convolution_and_a_stride() -> None:
    with pytest.raises(ValueError, match="belongs to a transposed"):
        build_scene(5, 3, 2, output_padding=1)
    with pytest.raises(ValueError, match="smaller than stride"):
        build_scene(3, 3, 2, transposed=True, output_padding=2)


def _output_side(item: GalleryItem) -> int:
    spec = ConvSpec.create(stride=item.stride, padding=item.padding, dilation=item.dilation)
    return spec.output_size((item.input_size,) * 2, (item.kernel_size,) * 2)[0]


@pytest.mark.parametrize("item", GALLERY, ids=lambda item: item.name)
def test_gallery_frames_follow_the_arithmetic(item: GalleryItem) -> None:
    side = _output_side(item)
    args = (item.kernel_size, item.stride, item.padding, item.dilation)
    scene = build_scene(item.input_size, *args)
    assert scene.output.shape == (side, side) and len(scene.frames) == side * side
    # the last frame's window starts one stride per output cell in, its taps a dilation apart
    taps = range(0, item.dilation * item.kernel_size, item.dilation)
    start = (side - 1) * item.stride
    last = scene.frames[-1]
    assert last.position == (side - 1, side - 1)
    assert set(last.cells) == {(start + a, start + b) for a in taps for b in taps}
    back = build_scene(side, *args, transposed=True, output_padding=item.output_padding)
    assert back.output.shape == (item.input_size, item.input_size)
    assert len(back.frames) == item.input_size**2


def test_gallery_has_the_guides_arbitrary_padding_pair() -> None:
    names = {item.name: item for item in GALLERY}
    item = names["arbitrary_padding_no_strides"]
    assert (item.input_size, item.kernel_size, item.padding) == (5, 4, 2)
    assert _output_side(item) == 6
    assert names["padding_strides_odd"].output_padding == 1
    assert names["padding_strides"].output_padding == 0


def test_odd_transposed_gif_differs_and_highlights_the_window(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = next(item for item in GALLERY if item.name == "padding_strides_odd")
    even = next(item for item in GALLERY if item.name == "padding_strides")
    monkeypatch.setattr(animate, "GALLERY", (even, odd))
    written = write_gallery(tmp_path, suffix=".gif", values=False)
    assert [p.name for p in written] == [
        "padding_strides.gif",
        "padding_strides_transposed.gif",
        "padding_strides_odd.gif",
        "padding_strides_odd_transposed.gif",
    ]
    with Image.open(tmp_path / "padding_strides_transposed.gif") as gif:
        assert gif.n_frames == 5 * 5
    with Image.open(tmp_path / "padding_strides_odd_transposed.gif") as gif:
        assert gif.n_frames == 6 * 6
    # frame 4 of the odd case is output[1, 1]: its window covers padded rows and columns 2..4
    scene = build_scene(6, 3, 2, 1)
    side, top = cell_side(scene), MARGIN + TITLE_SIZE + 30
    window = palette.colour("window-bg")
    with Image.open(tmp_path / "padding_strides_odd.gif") as gif:
        gif.seek(4)
        picture = gif.convert("RGB")
    for cell in range(scene.grid.shape[0]):
        centre = (MARGIN + cell * side + side // 2, top + cell * side + side // 2)
        inside = 2 <= cell <= 4
        assert (_near(picture.getpixel(centre), window)) is inside, cell


def _near(pixel: object, colour: tuple[int, ...]) -> bool:
    assert isinstance(pixel, tuple)
    return max(abs(a - b) for a, b in zip(pixel, colour, strict=False)) <= 8
