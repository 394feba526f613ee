"""``convscope animate`` as a teacher would run it."""

from __future__ import annotations

from pathlib import Path

from PIL import Image
from typer.testing import CliRunner

from convscope.cli import _register, app

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


def test_animate_gallery(tmp_path: Path) -> None:
    result = runner.invoke(app, ["animate", "--gallery", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert len(list(tmp_path.glob("*.gif"))) == 14
