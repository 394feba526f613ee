"""A teacher's own program in ``code_trace``: inline or beside the lesson, run in the sandbox."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convscope.lessons import Lesson, render_lesson_text
from convscope.lessons.sources import LessonLibrary
from convscope.tracing.sandbox import SandboxLimits
from convscope.widgets.code_trace import snippet

BOX_SUMS = """import numpy as np

image = np.arange(16).reshape(4, 4)
sums = []
for top in range(3):
    window = image[top : top + 2, 0:2]
    total = np.sum(window)
    sums.append(total)
"""


def lesson_with(body: str, folder: Path | None = None, name: str = "mine.md") -> Lesson:
    text = f"# Mine\n\nSome prose.\n\n```{{code_trace}} My loop\n{body}\n```\n\nAfter it.\n"
    return render_lesson_text(text, filename=name, folder=folder)


def state_of(lesson: Lesson) -> dict[str, Any]:
    found = re.search(r'class="cs-state">(.*?)</script>', lesson.html, re.S)
    assert found is not None, lesson.html
    return json.loads(found[1].replace("<\\/", "</"))  # type: ignore[no-any-return]


def loop_cards(state: dict[str, Any]) -> list[dict[str, Any]]:
    line = next(line for line in state["lines"] if line["loop"])
    return line["loop"]["cards"]  # type: ignore[no-any-return]


def test_an_inline_snippet_gets_one_card_per_pass_with_numpy_s_window_sums() -> None:
    lesson = lesson_with(f"source = '''\n{BOX_SUMS}'''\n\n[notes]\n6 = \"a 2×2 window\"")
    assert lesson.errors == []
    state = state_of(lesson)
    cards = loop_cards(state)
    image = np.arange(16).reshape(4, 4)
    expected = [str(int(image[top : top + 2, 0:2].sum())) for top in range(3)]
    assert [card["title"] for card in cards] == ["top = 0", "top = 1", "top = 2"]
    texts = [next(v for v in c["values"] if v["name"] == "total") for c in cards]
    assert [value["value"]["text"] for value in texts] == expected
    assert state["lines"][5]["note"] == "a 2×2 window"
    assert "source" not in state["inputs"], "the page's inputs name the program, not its text"


def test_a_file_beside_the_lesson_runs_with_its_call(tmp_path: Path) -> None:
    (tmp_path / "double.py").write_text("def double(x):\n    y = 2 * x\n    return y\n")
    lesson = lesson_with('file = "double.py"\ncall = "double(21)"', folder=tmp_path)
    assert lesson.errors == []
    state = state_of(lesson)
    assert state["filename"] == "double.py"
    assert state["inputs"]["call"] == "double(21)"
    returned = state["lines"][2]["runs"][0]["returned"]
    assert returned["text"] == "42"


def test_a_snippet_that_raises_shows_its_trace_and_names_both_lines() -> None:
    source = "total = 0\nfor i in range(4):\n    total += 12 // (2 - i)\n"
    lesson = lesson_with(f"source = '''\n{source}'''")
    # the fence is on line 5, "source = '''" on 6, the snippet's line 3 on lesson line 9
    assert lesson.errors == [
        "mine.md, line 5: the program raised ZeroDivisionError on line 3 of the snippet "
        "(mine.md, line 9): integer division or modulo by zero"
    ]
    state = state_of(lesson)
    cards = loop_cards(state)
    assert [card["title"] for card in cards] == ["i = 0", "i = 1", "i = 2"]
    assert [card.get("ended") for card in cards[:2]] == [None, None]
    assert cards[2]["ended"].endswith("ZeroDivisionError: integer division or modulo by zero")
    assert state["error"]["line"] == 3
    assert 'class="cs-directive-error"' in lesson.html and "After it." in lesson.html
    assert lesson.html.index("cs-widget") < lesson.html.index("cs-directive-error")


def test_a_runaway_loop_is_stopped_and_the_lesson_still_renders() -> None:
    lesson = lesson_with("source = '''\nn = 0\nwhile True:\n    n += 1\n'''")
    assert len(lesson.errors) == 1
    assert "did not finish: stopped after 5000 steps" in lesson.errors[0]
    assert state_of(lesson)["stopped"] == "stopped after 5000 steps"
    assert "After it." in lesson.html


def test_a_snippet_that_blocks_is_killed_by_the_wall_clock(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    quick = SandboxLimits(max_steps=100, max_seconds=1.0, wall_seconds=1.5, cpu_seconds=2)
    monkeypatch.setattr(snippet, "SNIPPET_LIMITS", quick)
    (tmp_path / "sleepy.py").write_text("import time\ntime.sleep(30)  # blocks, no line events\n")
    lesson = lesson_with('file = "sleepy.py"', folder=tmp_path)
    assert lesson.errors == ["mine.md, line 5: the program did not finish: stopped after 1.5 s"]


@pytest.mark.parametrize("given", ["../outside.py", "/etc/hostname", "link.py"])
def test_a_file_outside_the_lesson_folder_is_refused(tmp_path: Path, given: str) -> None:
    folder = tmp_path / "lessons"
    folder.mkdir()
    (tmp_path / "outside.py").write_text("secret = 1\n")
    (folder / "link.py").symlink_to(tmp_path / "outside.py")
    lesson = lesson_with(f'file = "{given}"', folder=folder)
    assert len(lesson.errors) == 1
    assert "outside the lesson's folder" in lesson.errors[0]
    assert "cs-widget" not in lesson.html and "After it." in lesson.html


def test_a_missing_file_and_two_programs_at_once_are_mistakes(tmp_path: Path) -> None:
    missing = lesson_with('file = "nope.py"', folder=tmp_path)
    assert "no such file beside the lesson" in missing.errors[0]
    both = lesson_with('example = "conv2d_loop"\nsource = "x = 1"', folder=tmp_path)
    assert "give the program one way" in both.errors[0]


def test_a_note_past_the_end_of_the_snippet_is_reported() -> None:
    lesson = lesson_with("source = '''\nx = 1\n'''\n\n[notes]\n7 = \"nothing here\"")
    assert lesson.errors == [
        "mine.md, line 5: notes: line 7 is past the end of the program, which has 1 line"
    ]


def test_saving_a_program_beside_the_lesson_changes_the_version(tmp_path: Path) -> None:
    (tmp_path / "lesson.md").write_text("# L\n")
    program = tmp_path / "loop.py"
    program.write_text("x = 1\n")
    library = LessonLibrary.at(tmp_path)
    before = library.version()
    program.write_text("x = 22\n")
    assert library.version() != before
