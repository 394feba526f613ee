"""``convscope apply``: pictures filtered by ``conv2d`` and written by the gallery's rule."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray
from PIL import Image
from typer.testing import CliRunner, Result

from convscope import conv2d, kernels
from convscope.cli import _register, app
from convscope.render.apply import Settings, filter_pixels, read_kernel, read_pixels
from convscope.render.images import displayed

SIZES = {"a.png": (20, 30), "b.jpg": (17, 12), "c.webp": (9, 14)}  # rows, cols


def run(*arguments: str) -> Result:
    _register()
    return CliRunner().invoke(app, ["apply", *arguments])


def colour(rows: int, cols: int, seed: int = 0) -> NDArray[np.uint8]:
    return np.random.default_rng(seed).integers(0, 256, (rows, cols, 3), dtype=np.uint8)


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    Image.fromarray(colour(11, 16)).save(path)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for seed, (name, (rows, cols)) in enumerate(SIZES.items()):
        Image.fromarray(colour(rows, cols, seed)).save(pictures / name, quality=95)
    whole = (pictures / "a.png").read_bytes()
    (pictures / "broken.png").write_bytes(whole[: len(whole) // 3])
    (pictures / "notes.txt").write_text("not a picture\n", encoding="utf-8")
    return pictures


def test_a_photo_is_written_with_its_size_and_the_strides_size(photo: Path, tmp_path: Path) -> None:
    assert run(str(photo), "--kernel", "box_blur", "--out", str(tmp_path / "same"),
               "--padding", "same").exit_code == 0  # fmt: skip
    assert Image.open(tmp_path / "same" / "photo.png").size == (16, 11)
    assert run(str(photo), "--kernel", "sobel_x", "--out", str(tmp_path / "strided"),
               "--stride", "2").exit_code == 0  # fmt: skip
    strided = Image.open(tmp_path / "strided" / "photo.png")
    assert strided.size == ((16 - 3) // 2 + 1, (11 - 3) // 2 + 1)
    assert strided.mode == "RGB"


@pytest.mark.parametrize("mode", ["zeros", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("flip", [False, True])
def test_each_channel_is_conv2d_of_that_channel(photo: Path, mode: str, flip: bool) -> None:
    kernel = read_kernel("[[1, 2, 0], [0, -1, 3]]")
    settings = Settings(kernel=kernel, stride=(1, 2), padding=1, padding_mode=mode, flip=flip)
    pixels = read_pixels(photo)
    response = filter_pixels(pixels, settings)
    for channel in range(3):
        expected = conv2d(
            pixels[..., channel].astype(float),
            kernel,
            stride=(1, 2),
            padding=1,
            padding_mode=mode,
            flip=flip,
        )
        np.testing.assert_allclose(response[channel], expected, rtol=0, atol=1e-9)


def test_grey_filters_the_luminance_once(photo: Path, tmp_path: Path) -> None:
    grey = np.asarray(Image.open(photo).convert("L"), dtype=float)
    sobel = kernels.get("sobel_x").values
    response = filter_pixels(read_pixels(photo), Settings(kernel=sobel.astype(float), grey=True))
    np.testing.assert_allclose(response[0], conv2d(grey, sobel))
    out = tmp_path / "out"
    assert run(str(photo), "--kernel", "sobel_x", "--out", str(out), "--grey").exit_code == 0
    assert Image.open(out / "photo.png").mode == "L"


def test_a_source_is_never_overwritten_even_with_force(photo: Path, tmp_path: Path) -> None:
    before = photo.read_bytes()
    result = run(str(photo), "--kernel", "identity", "--out", str(tmp_path), "--force")
    assert result.exit_code == 2
    assert "would overwrite the picture it is made from" in " ".join(result.output.split())
    assert photo.read_bytes() == before


def test_the_written_picture_is_the_gallery_display_of_the_response(
    photo: Path, tmp_path: Path
) -> None:
    assert run(str(photo), "--kernel", "laplacian", "--out", str(tmp_path / "out")).exit_code == 0
    kernel = read_kernel("laplacian")
    expected = displayed(filter_pixels(read_pixels(photo), Settings(kernel=kernel)), kernel)
    written = np.asarray(Image.open(tmp_path / "out" / "photo.png"))
    np.testing.assert_array_equal(written, expected.pixels)


def test_an_existing_output_is_kept_unless_force(photo: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "photo.png").write_bytes(b"mine")
    refused = run(str(photo), "--kernel", "identity", "--out", str(out))
    assert refused.exit_code == 2
    assert "photo.png exists; pass --force to overwrite it" in refused.output
    assert (out / "photo.png").read_bytes() == b"mine"
    again = run(
        str(photo), "--kernel", "identity", "--out", str(out), "--force", "--padding", "same"
    )
    assert again.exit_code == 0
    np.testing.assert_array_equal(np.asarray(Image.open(out / "photo.png")), read_pixels(photo))


def test_a_folder_writes_every_picture_and_lists_the_unreadable(
    folder: Path, tmp_path: Path
) -> None:
    result = run(str(folder), "--kernel", "gaussian_blur", "--out", str(tmp_path / "out"),
                 "--padding", "same")  # fmt: skip
    assert result.exit_code == 1
    for name, (rows, cols) in SIZES.items():
        assert Image.open(tmp_path / "out" / f"{Path(name).stem}.png").size == (cols, rows)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.png", "b.png", "c.png"]
    assert "wrote 3 pictures" in result.output
    assert "2 files could not be filtered" in result.output
    assert "broken.png: the image could not be decoded" in result.output
    assert "notes.txt: the file is not an image convscope can read" in result.output
    assert "3/5" not in result.output and "5/5" in result.output  # the bar counts every file


def test_a_folder_of_pictures_only_exits_0(folder: Path, tmp_path: Path) -> None:
    (folder / "broken.png").unlink()
    (folder / "notes.txt").unlink()
    assert run(str(folder), "--kernel", "sharpen", "--out", str(tmp_path / "o")).exit_code == 0


def test_two_jobs_give_the_same_bytes_as_one(folder: Path, tmp_path: Path) -> None:
    for jobs in ("1", "2"):
        result = run(str(folder), "--kernel", "sobel_y", "--out", str(tmp_path / jobs),
                     "--jobs", jobs, "--mode", "reflect", "--padding", "1")  # fmt: skip
        assert result.exit_code == 1
    for name in ("a.png", "b.png", "c.png"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes()


@pytest.mark.parametrize(
    ("kernel", "message"),
    [
        ("sobelx", "no kernel named 'sobelx'; did you mean sobel_x or sobel_y?"),
        ("[[1, 'a']]", "holds something other than real numbers"),
        ("[[1, 2], [3]]", "the rows of '[[1, 2], [3]]' have different lengths"),
        ("[[]]", "is empty; give at least one number"),
        ("[1, 2]", "is not 2-D"),
        ("[[1, 2]", "is not a grid of numbers"),
        ("[[__import__('os')]]", "is not a grid of numbers"),
        (str([[1] * 65] * 2), "2×65 is larger than 64×64"),
        ("[[1e999]]", "holds a number that is not finite"),
        ("[[True]]", "holds something other than real numbers"),
        ("missing.npy", "no file 'missing.npy'"),
    ],
)
def test_bad_kernels_are_refused_with_what_would_work(
    photo: Path, tmp_path: Path, kernel: str, message: str
) -> None:
    result = run(str(photo), "--kernel", kernel, "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())
    assert not (tmp_path / "out").exists()


def test_a_kernel_from_a_npy_file(photo: Path, tmp_path: Path) -> None:
    np.save(tmp_path / "k.npy", np.array([[0.5, -0.5]]))
    np.save(tmp_path / "cube.npy", np.ones((2, 2, 2)))
    np.testing.assert_array_equal(read_kernel(str(tmp_path / "k.npy")), [[0.5, -0.5]])
    result = run(str(photo), "--kernel", str(tmp_path / "cube.npy"), "--out", str(tmp_path))
    assert result.exit_code == 2 and "has 3 dimensions; a kernel has 2" in result.output


def test_a_kernel_larger_than_a_picture_fails_that_picture_only(
    photo: Path, tmp_path: Path
) -> None:
    result = run(str(photo), "--kernel", str([[1] * 20] * 20), "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "kernel 20×20 does not fit the padded input 11×16" in " ".join(result.output.split())
