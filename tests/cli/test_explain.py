"""``convscope explain`` as a newcomer types it, checked against the chapter's worked numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from convscope.cli import _register, app

CHAPTER_SUM = "Sum = −10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160"
TINY_RGB = "[[[1,2],[3,4]],[[5,6],[7,8]],[[9,10],[11,12]]]"
TINY_KERNEL = "[[[1,0],[0,1]],[[0,1],[1,0]],[[1,1],[1,1]]]"

_register()
runner = CliRunner()


def explain(*args: str) -> str:
    result = runner.invoke(app, ["explain", *args], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    return result.stdout


def fails(*args: str) -> str:
    result = runner.invoke(app, ["explain", *args], env={"COLUMNS": "120"})
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert result.stdout == ""
    return result.stderr


def test_default_explains_the_chapters_gradient_under_sobel_x_at_0_0() -> None:
    shown = explain()
    assert "5×5 input ⋆ Sobel X (3×3) → 3×3 output" in shown
    assert "│ 20 │ 40 │ 60 │ × │ −2 │ 0 │ 2 │ = │ −40 │ 0 │ 120 │" in shown
    assert CHAPTER_SUM in shown
    assert "→ output[0, 0] = 160" in shown


def test_at_picks_another_position() -> None:
    shown = explain("--at", "2,1")
    assert "Sum = −60 + 0 + 120 − 160 + 0 + 320 − 100 + 0 + 200 = 320" in shown
    assert "→ output[2, 1] = 320" in shown


def test_kernel_by_catalog_name() -> None:
    shown = explain("--kernel", "laplacian")
    assert "Sum = 0 + 20 + 0 + 20 − 160 + 60 + 0 + 60 + 0 = 0" in shown


def test_multichannel_input_and_kernel_values_show_channel_sums() -> None:
    shown = explain("--input", TINY_RGB, "--kernel", TINY_KERNEL, "--bias", "1")
    for line in ["Channel 0: 1 + 0 + 0 + 4 = 5", "Channel 1: 0 + 6 + 7 + 0 = 13",
                 "Channel 2: 9 + 10 + 11 + 12 = 42", "Sum = 5 + 13 + 42 = 60",
                 "Plus bias: 60 + 1 = 61", "→ output[0, 0] = 61"]:  # fmt: skip
        assert line in shown


def test_zero_padding_is_marked_and_explained() -> None:
    shown = explain("--padding", "1")
    assert "│ 0† │ 10 │ 20 │" in shown
    assert "† padding: outside the input, filled with 0" in shown
    assert "→ output[0, 0] = 80" in shown


def test_reflect_padding_mode_fills_with_mirrored_values() -> None:
    shown = explain("--padding", "1", "--padding-mode", "reflect")
    assert "│ 40† │ 20† │ 40† │" in shown
    assert "Sum = −40 + 0 + 40 − 40 + 0 + 40 − 40 + 0 + 40 = 0" in shown


def test_stride_dilation_and_flip_change_the_window_and_kernel() -> None:
    assert "→ output[1, 1] = 320" in explain("--stride", "2", "--at", "1,1")
    dilated = explain("--dilation", "2")
    assert "input rows 0, 2, 4; columns 0, 2, 4" in dilated
    assert "Sum = −10 + 0 + 50 − 60 + 0 + 300 − 50 + 0 + 250 = 480" in dilated
    assert "→ output[0, 0] = −160" in explain("--flip")


def test_same_padding_keeps_the_size() -> None:
    shown = explain("--padding", "same", "--at", "4,4")
    assert "→ 5×5 output" in shown and "padding same (1,1,1,1)" in shown
    assert "Sum = −160 + 0 + 0 − 400 + 0 + 0 + 0 + 0 + 0 = −560" in shown


def test_all_lists_every_position() -> None:
    shown = explain("--all")
    assert shown.count("output[") == 9
    assert [line.split()[-1] for line in shown.splitlines() if "output[" in line] == (
        ["160"] * 3 + ["240"] * 3 + ["320"] * 3
    )


@pytest.mark.parametrize("suffix", [".npy", ".csv", ".txt"])
def test_input_from_a_file(tmp_path: Path, suffix: str) -> None:
    image = np.array([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    path = tmp_path / f"image{suffix}"
    if suffix == ".npy":
        np.save(path, image)
    else:
        np.savetxt(path, image, fmt="%d", delimiter="," if suffix == ".csv" else " ")
    shown = explain("--input", str(path))
    assert "Sum = −1 + 0 + 3 − 8 + 0 + 12 − 7 + 0 + 9 = 8" in shown


def test_plain_text_and_markdown_formats() -> None:
    text = explain("--format", "text")
    assert text.splitlines()[-2:] == [CHAPTER_SUM, "→ output[0, 0] = 160"]
    assert explain("--format", "markdown").rstrip().endswith("→ output[0, 0] = **160**")
    assert '<td class="cs-cell cs-neg">−10</td>' in explain("--format", "html")


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--kernel", "sobl"], "no kernel named 'sobl'"),
        (["--input", "[[1,2],[3,4]]"], "kernel 3×3 does not fit the padded input 2×2"),
        (["--at", "3,0"], "i=3 is outside the output"),
        (["--at", "one"], "--at takes N,N or N,N,N,N"),
        (["--stride", "0"], "stride must be >= 1"),
        (["--padding", "same", "--stride", "2"], "padding='same' needs stride 1"),
        (["--padding-mode", "mirror", "--padding", "1"], "padding_mode must be one of"),
        (["--input", "[[1,2],[3"], "--input must be a nested list"),
        (["--input", "missing.npy"], "--input: no file 'missing.npy'"),
        (["--input", "[['a']]"], "dtype"),
        (["--format", "pdf"], "--format must be one of"),
    ],
)
def test_bad_input_gives_one_line_in_the_engines_words_and_exit_2(
    args: list[str], words: str
) -> None:
    message = fails(*args)
    assert message.startswith("error: ") and words in message
    assert message.count("\n") == 1
