"""Animations: one frame per output position, every format, numbers from the engine."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from convscope import ConvSpec, conv2d, conv_transpose2d
from convscope.render.animate import GALLERY, encode, write, write_gallery
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


def test_svg_stacks_every_frame_for_print() -> None:
    svg = encode(build_scene(4, 3, values=True), ".svg").decode()
    assert svg.startswith("<svg") and svg.count("<g transform") == 4
    assert "output[1, 1]" in svg


def test_unknown_suffix_is_refused() -> None:
    with pytest.raises(ValueError, match=r"\.gif, \.png, \.webp, \.svg"):
        encode(build_scene(4, 3), ".bmp")


def test_oversized_grid_is_refused() -> None:
    with pytest.raises(ValueError, match="at most 16"):
        build_scene(40, 3)


def test_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = write(build_scene(4, 3), tmp_path / "slide.gif")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_gallery_writes_each_configuration_and_its_transpose(tmp_path: Path) -> None:
    written = write_gallery(tmp_path, suffix=".svg", values=True)
    assert len(written) == 2 * len(GALLERY)
    assert "stride 2, padding 1" in (tmp_path / "padding_strides_transposed.svg").read_text()
