"""``docs/authoring.md``: its worked example renders with no error box and uses every directive."""

from __future__ import annotations

import json
import re
from pathlib import Path

from convscope.lessons import render_lesson_text
from convscope.lessons.widgets import WIDGETS

DOC = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
_EXAMPLE = re.compile(
    r"<!-- worked-example -->\n````markdown\n(.*?)\n````\n<!-- /worked-example -->", re.S
)


def worked_example() -> str:
    match = _EXAMPLE.search(DOC.read_text(encoding="utf-8"))
    assert match, "docs/authoring.md lost its marked worked example"
    return match[1]


def test_worked_example_renders_every_directive_without_a_mistake() -> None:
    lesson = render_lesson_text(worked_example(), filename="stride.md")
    assert lesson.errors == []
    assert "cs-directive-error" not in lesson.html
    assert set(lesson.widgets) == set(WIDGETS), "document the new directive in the example"
    assert lesson.title == "Stride, padding and what a kernel sees"
    assert "<math" in lesson.html


def test_reference_table_names_every_directive() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in WIDGETS:
        assert f"| `{name}` |" in text, name


def test_the_stride_example_gives_the_numbers_the_prose_promises() -> None:
    lesson = render_lesson_text(worked_example(), filename="stride.md")
    found = re.search(
        r'data-widget="calculator".*?class="cs-state">(.*?)</script>', lesson.html, re.S
    )
    assert found is not None
    output = json.loads(found[1].replace("<\\/", "</"))["trace"]["output"]
    # I = 6, K = 3, P = 1, S = 2: ⌊5 / 2⌋ + 1 = 3 positions each way; the top-left window
    # holds 1 + 2 + 2 + 4 (the rest is padding), the box blur's sum
    assert [len(row) for row in output] == [3, 3, 3]
    assert output[0][0] == "9"
