"""A teacher's own quick check: marked by the server, the answer sealed away from the page."""

from __future__ import annotations

import base64
import json
import re
from typing import Any

import httpx
import pytest

from convscope.export.precomputed import state_table
from convscope.lessons import Lesson, render_lesson_text
from convscope.widgets import question_key
from convscope.widgets.own_question import MAX_SEALED_CHARS, seal_question
from convscope.widgets.registry import WIDGETS

pytestmark = pytest.mark.anyio

CHOICE = """question = "A 3×3 kernel, stride 1, no padding, on a 7×7 input: how wide is the output?"
choices = ["7", "5", "4", "3"]
answer = "5"
explanation = "Seven places minus the two the kernel overhangs: the teacher's own words."
"""
NUMBER = """question = "How many multiplications does one output cell of a 3×3×16 kernel take?"
answer = 144
explanation = "Three times three times sixteen."
"""
TOLERANT = """question = "Roughly what fraction of a 5×5 input's cells does a 3×3 window cover?"
answer = 0.36
tolerance = 0.01
"""


def lesson(*bodies: str, name: str = "quiz") -> Lesson:
    parts = [f"```{{{name}}} Check {n}\n{body}```\n" for n, body in enumerate(bodies)]
    return render_lesson_text("# Checks\n\n" + "\n".join(parts), filename="checks.md")


def states(rendered: Lesson) -> list[dict[str, Any]]:
    found = re.findall(r'class="cs-state">(.*?)</script>', rendered.html, re.S)
    return [json.loads(text.replace("<\\/", "</")) for text in found]


async def answer(
    client: httpx.AsyncClient, state: dict[str, Any], given: Any, name: str = "quiz"
) -> httpx.Response:
    return await client.post(f"/api/widgets/{name}", json={**state["inputs"], "answer": given})


def test_the_page_never_holds_the_answer_or_the_explanation_before_answering() -> None:
    rendered = lesson(CHOICE, NUMBER, TOLERANT)
    assert rendered.errors == []
    outside_seals = re.sub(r'"sealed":"[^"]*"', "", rendered.html)
    for text in ("the teacher's own words", "Three times three", "144", "0.36"):
        assert text not in outside_seals
    token = states(rendered)[0]["inputs"]["sealed"]
    opened = base64.urlsafe_b64decode(token.removeprefix("v1.") + "=" * (-len(token) % 4))
    assert b"kernel" not in opened and b"teacher" not in opened, "sealed means encrypted"
    first = states(rendered)[0]
    assert [c["text"] for c in first["choices"]] == ["7", "5", "4", "3"]
    assert first["result"] is None


async def test_a_chosen_answer_is_marked_right_or_wrong_with_the_teacher_s_words(
    client: httpx.AsyncClient,
) -> None:
    state = states(lesson(CHOICE))[0]
    right = (await answer(client, state, "b")).json()["result"]
    assert right["correct"] is True
    assert right["explanation"].endswith("the teacher's own words.")
    wrong = (await answer(client, state, "a")).json()["result"]
    assert wrong["correct"] is False
    assert (wrong["answer"], wrong["answer_text"]) == ("b", "5")
    unknown = await answer(client, state, "z")
    assert unknown.status_code == 422 and "one of a, b, c, d" in unknown.json()["detail"]


async def test_a_numeric_answer_counts_within_its_tolerance_only(
    client: httpx.AsyncClient,
) -> None:
    exact, tolerant = states(lesson(NUMBER, TOLERANT, name="quick_check"))
    marks = [
        (await answer(client, exact, given, "quick_check")).json()["result"]["correct"]
        for given in (144, 143)
    ]
    assert marks == [True, False]
    marks = [
        (await answer(client, tolerant, given, "quick_check")).json()["result"]["correct"]
        for given in (0.36, 0.355, 0.369, 0.38, 0.34)
    ]
    assert marks == [True, True, True, False, False]
    shown = (await answer(client, tolerant, 1, "quick_check")).json()["result"]["answer_text"]
    assert shown == "0.36 (give or take 0.01)"


async def test_an_altered_or_foreign_seal_is_refused_with_a_reason(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = states(lesson(CHOICE))[0]
    token = state["inputs"]["sealed"]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    altered = await client.post("/api/widgets/quiz", json={**state["inputs"], "sealed": flipped})
    assert altered.status_code == 422 and "reload the page" in altered.json()["detail"]
    monkeypatch.setattr(question_key, "_held", ["the key of another run of the server"])
    foreign = await answer(client, state, "b")
    assert foreign.status_code == 422 and foreign.json()["field"] == "sealed"


async def test_a_seal_goes_with_the_own_kind_only(client: httpx.AsyncClient) -> None:
    token = states(lesson(CHOICE))[0]["inputs"]["sealed"]
    response = await client.post("/api/widgets/quiz", json={"kind": "slice", "sealed": token})
    assert response.status_code == 422 and "kind 'own' only" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ('question = "?"\nchoices = ["x", "y"]\nanswer = 2\n', "0 to 1 (0 is the first)"),
        ('question = "?"\nchoices = ["x", "y"]\nanswer = "z"\n', "none of the choices"),
        ('question = "?"\nchoices = ["x", "y"]\nanswer = 0\ntolerance = 1\n', "tolerance goes"),
        ('question = "?"\nanswer = "five"\n', "must be a number when no choices"),
        ('question = "?"\nchoices = ["x"]\nanswer = 0\n', "choices"),
    ],
)
def test_a_question_that_does_not_fit_is_a_mistake_naming_the_line(body: str, words: str) -> None:
    rendered = lesson(body)
    assert len(rendered.errors) == 1 and rendered.errors[0].startswith("checks.md, line 3: ")
    assert words in rendered.errors[0]


def test_the_export_marks_every_choice_and_the_right_number_ahead_of_time() -> None:
    choice, number = states(lesson(CHOICE, TOLERANT))
    table = state_table(WIDGETS["quiz"], choice)
    marked = {
        state["inputs"]["answer"]: state["result"]["correct"]
        for state in table.values()
        if "result" in state and state["result"] is not None
    }
    assert marked == {"a": False, "b": True, "c": False, "d": False}
    table = state_table(WIDGETS["quiz"], number)
    answered = [s for s in table.values() if s.get("result")]
    assert [(s["inputs"]["answer"], s["result"]["correct"]) for s in answered] == [(0.36, True)]


async def test_the_api_runs_no_program_sent_by_a_page(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/widgets/code_trace", json={"source": "print(1)"})
    assert response.status_code == 422


def test_the_longest_question_allowed_still_fits_its_seal() -> None:
    wide = "\N{GRINNING FACE}"  # four bytes in UTF-8
    longest = {
        "question": wide * 1000,
        "choices": [wide * 199 + str(n) for n in range(8)],
        "answer": 0,
        "explanation": wide * 2000,
    }
    assert len(seal_question(longest)) <= MAX_SEALED_CHARS
