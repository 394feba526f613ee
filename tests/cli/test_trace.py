"""``convscope trace`` as a learner types it: the lesson's loop, a page, JSON, and mistakes."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from convscope.cli import _register, app

_register()
runner = CliRunner()
LESSON = resources.files("convscope").joinpath("lessons/examples/conv2d_loop.py").read_text()


@pytest.fixture
def lesson_file(tmp_path: Path) -> Path:
    path = tmp_path / "loop.py"
    path.write_text(LESSON, encoding="utf-8")
    return path


def trace(*args: str) -> str:
    result = runner.invoke(app, ["trace", *args], env={"COLUMNS": "160"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_prints_steps_loop_cards_and_how_the_run_ended(lesson_file: Path) -> None:
    shown = trace(str(lesson_file))
    assert "for c in range(out_cols):" in shown
    assert "np.sum(window * kernel) = 160.0" in shown
    assert "np.sum(window * kernel) = 320.0" in shown
    assert "window * kernel = [[−10, 0, 30], [−40, 0, 120], [−30, 0, 90]]" in shown
    assert "finished after" in shown


def test_call_option_runs_an_expression_after_the_file(lesson_file: Path) -> None:
    shown = trace(str(lesson_file), "--call", "cross_correlate(gradient[:3, :3], sobel_x)")
    assert "result [[160]]" in shown


def test_html_option_writes_a_self_contained_page(lesson_file: Path, tmp_path: Path) -> None:
    page = tmp_path / "trace.html"
    trace(str(lesson_file), "--html", str(page))
    html = page.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "</html>" in html
    assert page.stat().st_mode & 0o044 == 0o044  # readable by others, as a new file is
    assert "window * kernel" in html and '<table class="grid">' in html
    assert "<script" not in html and "http" not in html
    assert list(tmp_path.glob(".trace.html.*")) == []  # no temporary file left behind


def test_json_option_prints_the_documented_json(lesson_file: Path) -> None:
    answer = json.loads(trace(str(lesson_file), "--json"))
    assert answer["version"] == 1 and answer["filename"] == "loop.py"
    assert sum(len(loop["iterations"]) for loop in answer["loops"]) == 3 + 9


def test_max_steps_option_stops_a_runaway_loop(tmp_path: Path) -> None:
    runaway = tmp_path / "forever.py"
    runaway.write_text("while True:\n    pass\n", encoding="utf-8")
    assert "stopped after 500 steps" in trace(str(runaway), "--max-steps", "500")


def test_sandbox_option_reports_a_refused_call(tmp_path: Path) -> None:
    hostile = tmp_path / "hostile.py"
    hostile.write_text("import os\nos.system('true')\n", encoding="utf-8")
    shown = trace(str(hostile), "--sandbox")
    assert "PermissionError on line 2" in shown and "not allowed" in shown


def test_a_missing_file_is_a_one_line_error() -> None:
    result = runner.invoke(app, ["trace", "no/such/file.py"])
    assert result.exit_code == 2
    assert "is not a file" in result.output and "Traceback" not in result.output


def test_an_html_path_in_a_missing_folder_is_refused_before_running(lesson_file: Path) -> None:
    result = runner.invoke(app, ["trace", str(lesson_file), "--html", "/no/such/folder/t.html"])
    assert result.exit_code == 2
    assert "does not exist" in result.output and "160" not in result.output
