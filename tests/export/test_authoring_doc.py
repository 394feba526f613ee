"""``docs/authoring.md``: its worked example renders with no error box and uses every directive."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

from convscope.lessons import render_lesson_text
from convscope.tracing.numbers import format_number
from convscope.widgets.registry import WIDGETS

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


def _states(lesson_html: str, widget: str) -> list[dict[str, Any]]:
    found = re.findall(
        rf'data-widget="{widget}".*?class="cs-state">(.*?)</script>', lesson_html, re.S
    )
    return [json.loads(text.replace("<\\/", "</")) for text in found]


def test_the_example_s_own_program_gives_numpy_s_stride_2_sums() -> None:
    lesson = render_lesson_text(worked_example(), filename="stride.md")
    own = _states(lesson.html, "code_trace")[1]
    loop = next(line["loop"] for line in own["lines"] if line["loop"])
    signal, kernel = np.arange(1, 8), np.array([1, 0, -1])
    expected = np.correlate(signal, kernel, mode="valid")[::2]
    totals = [next(v for v in card["values"] if v["name"] == "total") for card in loop["cards"]]
    assert [value["value"]["text"] for value in totals] == [format_number(v) for v in expected]
    assert own["lines"][5]["note"].startswith("The start moves by the stride")


def test_the_example_s_own_questions_are_marked_by_the_server() -> None:
    lesson = render_lesson_text(worked_example(), filename="stride.md")
    choice = next(s for s in _states(lesson.html, "quiz") if s["kind"] == "own")
    right = next(c["id"] for c in choice["choices"] if c["text"] == "3")
    marked = WIDGETS["quiz"].state({**choice["inputs"], "answer": right})
    assert marked["result"]["correct"] is True
    number = next(s for s in _states(lesson.html, "quick_check") if s["kind"] == "own")
    marks = [
        WIDGETS["quick_check"].state({**number["inputs"], "answer": given})["result"]["correct"]
        for given in (9 / 36, 0.254, 0.26)
    ]
    assert marks == [True, True, False]


def test_every_lesson_fragment_in_the_doc_renders_without_a_mistake() -> None:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"^( *)````markdown\n(.*?)\n\1````$", text, re.S | re.M)
    assert len(found) >= 5
    for indent, fragment in found:
        fragment = textwrap.dedent(fragment) if indent else fragment
        lesson = render_lesson_text(fragment, filename="fragment.md")
        assert lesson.errors == [], fragment
