"""``convscope animate`` as a teacher would run it."""

from __future__ import annotations

import os
import re
import shlex
import stat
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from convscope.cli import _register, app
from convscope.render import animate
from convscope.render.animate import GALLERY

ROOT = Path(__file__).resolve().parents[2]

_register()
runner = CliRunner()


def test_animate_writes_one_frame_per_position(tmp_path: Path) -> None:
    out = tmp_path / "conv.gif"
    result = runner.invoke(
        app,
        [
            "animate",
            "--input-size",
            "5",
            "--kernel-size",
            "3",
            "--stride",
            "2",
            "--padding",
            "1",
            "--values",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    with Image.open(out) as gif:
        assert gif.n_frames == 9


def test_animate_takes_given_values(tmp_path: Path) -> None:
    out = tmp_path / "mine.svg"
    result = runner.invoke(
        app,
        [
            "animate",
            "--input",
            "[[1, 2, 3], [4, 5, 6], [7, 8, 9]]",
            "--kernel",
            "[[1, 1]]",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 + 2 = 3" in out.read_text()


def test_animate_bad_suffix_exits_2_with_a_message(tmp_path: Path) -> None:
    result = runner.invoke(app, ["animate", "--out", str(tmp_path / "x.txt")])
    assert result.exit_code == 2
    assert ".gif" in result.output and "Traceback" not in result.output


def test_animate_gallery_writes_the_odd_transposed_twin_back_to_six_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    odd = next(item for item in GALLERY if item.name == "padding_strides_odd")
    monkeypatch.setattr(animate, "GALLERY", (odd,))
    old = os.umask(0o022)
    try:
        result = runner.invoke(app, ["animate", "--gallery", str(tmp_path)])
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert "wrote 2 animations" in result.output
    with Image.open(tmp_path / "padding_strides_odd_transposed.gif") as gif:
        assert gif.n_frames == 6 * 6  # 3×3 back to the 6×6 input, output_padding 1
    for written in tmp_path.iterdir():
        assert stat.S_IMODE(written.stat().st_mode) == 0o644, written.name


def test_animate_gallery_svgs_play_at_the_frame_time_asked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = next(item for item in GALLERY if item.name == "no_padding_no_strides")
    monkeypatch.setattr(animate, "GALLERY", (first,))
    out = ["--out", "x.svg", "--frame-ms", "250"]
    result = runner.invoke(app, ["animate", "--gallery", str(tmp_path), *out])
    assert result.exit_code == 0, result.output
    svg = (tmp_path / "no_padding_no_strides.svg").read_text()
    assert svg.count('dur="1000ms"') == 4  # 2×2 output cells, 250 ms each


def test_animate_output_padding_maps_back_to_the_full_input(tmp_path: Path) -> None:
    out = tmp_path / "back.svg"
    args = ["animate", "--transposed", "--input-size", "3", "--stride", "2", "--padding", "1"]
    result = runner.invoke(app, [*args, "--output-padding", "1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert "(36 frames)" in said and "output padding 1" in said


@pytest.mark.parametrize(
    ("extra", "words"),
    [
        (
            ["--transposed", "--stride", "2", "--output-padding", "2"],
            "0 or more and smaller than --stride 2",
        ),
        (["--transposed", "--output-padding", "1"], "smaller than --stride 1 or --dilation 1"),
        (["--stride", "2", "--output-padding", "1"], "add --transposed"),
        (["--frame-ms", "0"], "at least 1; got 0"),
        (["--frame-ms", "-40"], "at least 1; got -40"),
        (["--frame-ms", "0", "--gallery", "gallery"], "at least 1; got 0"),
    ],
)
def test_animate_refuses_in_the_option_names(tmp_path: Path, extra: list[str], words: str) -> None:
    out = tmp_path / "x.gif"
    result = runner.invoke(app, ["animate", *extra, "--out", str(out)])
    assert result.exit_code == 2
    assert words in " ".join(result.output.split()) and "Traceback" not in result.output
    assert not out.exists()


def test_readme_animate_command_draws_the_readme_frame(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    command = re.search(r"^convscope animate (.+?)$", readme.replace("\\\n", " "), re.M)
    assert command is not None
    args = shlex.split(command.group(1))
    args[args.index("--out") + 1] = str(tmp_path / "slide.gif")
    result = runner.invoke(app, ["animate", *args])
    assert result.exit_code == 0, result.output
    shown = re.search(r"!\[[^]]*\]\((docs/images/animate-frame\.png)\)", readme)
    assert shown is not None
    with Image.open(ROOT / shown.group(1)) as picture:
        expected = np.asarray(picture.convert("RGB"), dtype=int)
    with Image.open(tmp_path / "slide.gif") as gif:
        differences = []
        for index in range(gif.n_frames):
            gif.seek(index)
            frame = np.asarray(gif.convert("RGB"), dtype=int)
            same_size = frame.shape == expected.shape
            differences.append(np.abs(frame - expected).mean() if same_size else 255.0)
    # the README names output[1, 1], the fifth frame; fonts may differ by a shade here and there
    assert int(np.argmin(differences)) == 4 and differences[4] < 2
