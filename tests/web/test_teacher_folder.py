"""A teacher's folder with their own program and question: the serve terminal and the export."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from convscope.cli.lesson_mistakes import MistakeReporter, check_lessons
from convscope.export import export_site
from convscope.export.precomputed import unpack
from convscope.lessons.sources import LessonLibrary

LESSON = """# Windows

```{code_trace} My loop
file = "windows.py"
call = "windows([1, 2, 3, 4], 2)"
```

```{quiz} Mine
question = "How many windows of 2 fit in 4 values?"
choices = ["2", "3", "4"]
answer = "3"
explanation = "Starts 0, 1 and 2."
```
"""
GOOD = """def windows(values, size):
    found = []
    for start in range(len(values) - size + 1):
        found.append(values[start : start + size])
    return found
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "lesson.md").write_text(LESSON, encoding="utf-8")
    (tmp_path / "windows.py").write_text(GOOD, encoding="utf-8")
    return tmp_path


def test_serve_prints_the_program_s_mistake_and_then_that_it_is_fixed(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    program = folder / "windows.py"
    program.write_text(GOOD.replace("size + 1", "size + 1)) +"), encoding="utf-8")
    report = MistakeReporter()
    library = LessonLibrary.at(folder)
    assert check_lessons(library, report) == 1
    printed = capsys.readouterr().err
    assert "lesson mistake: lesson.md, line 3: the program raised SyntaxError on line 3" in printed
    assert "of windows.py" in printed
    program.write_text(GOOD, encoding="utf-8")
    assert check_lessons(library, report) == 0
    assert "lesson: no mistakes left" in capsys.readouterr().err


def test_the_export_carries_the_trace_and_marks_each_choice(folder: Path, tmp_path: Path) -> None:
    summary = export_site(folder, tmp_path / "site")
    assert summary.mistakes == []
    page = (tmp_path / "site" / "lesson.html").read_text(encoding="utf-8")
    tables = [
        unpack(json.loads(text.replace("<\\/", "</")))
        for text in re.findall(r'class="cs-variants">(.*?)</script>', page, re.S)
    ]
    trace = next(iter(tables[0].values()))
    returned = trace["lines"][4]["runs"][0]["returned"]["text"]
    assert returned == str([[1, 2], [2, 3], [3, 4]])
    marks = {
        state["inputs"]["answer"]: state["result"]["correct"]
        for state in tables[1].values()
        if state.get("result")
    }
    assert marks == {"a": False, "b": True, "c": False}
    first = re.search(r'data-widget="quiz".*?class="cs-state">(.*?)</script>', page, re.S)
    assert first is not None and "Starts 0, 1 and 2" not in first[1]
