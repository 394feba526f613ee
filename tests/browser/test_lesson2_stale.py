"""The second lesson's widgets never show an old result as if it answered the controls.

When the server refuses what a learner set, the controls keep the learner's values, the refusal
sits next to the control, and the table, maps or verdict that no longer match are marked out of
date (visibly and for a screen reader) or hidden, until the next valid change is applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.widgets.quick_check.variants import GENERATORS

from .conftest import Watch
from .warm import goto_when_ready

pytestmark = pytest.mark.browser

LESSON = "/lessons/stride-padding-pooling"
FIELD = "#widget-receptive-7"
QUIZ_SIZE = "#widget-quick_check-8"


@pytest.fixture
def lesson(browser: Any, server_url: str, watch: Watch) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch.attach(page)
    goto_when_ready(page, server_url + LESSON)
    page.wait_for_selector(f"{FIELD} .cs-controls")
    page.wait_for_selector(f"{QUIZ_SIZE} .cs-question")
    yield page
    context.close()
    # the refusals this module provokes on purpose are 422 answers
    assert [p for p in watch.problems if "status of 422" not in p] == []


def texts(page: Any, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def pick(page: Any, key: str, value: str) -> None:
    page.locator(f"{FIELD} select[data-key='{key}']").select_option(value)


def stale_note(page: Any) -> Any:
    return page.locator(f"{FIELD} .cs-stale-note")


# the verdict box is hidden, or marked out of date and described by the note saying so
VERDICT_NOT_CURRENT = """s => {
  const box = document.querySelector(s);
  if (!box || box.hidden) return true;
  const note = document.getElementById(box.getAttribute("aria-describedby"));
  return box.classList.contains("cs-stale") && note?.textContent.startsWith("Out of date");
}"""


def test_receptive_field_marks_its_table_and_maps_out_of_date_after_a_refusal(
    lesson: Any, screenshots: Path
) -> None:
    first_map = f"{FIELD} .cs-map h3 >> nth=0"
    assert lesson.locator(first_map).inner_text() == "input: 12×12"
    assert stale_note(lesson).count() == 0
    pick(lesson, "input_size", "4")
    stale_note(lesson).wait_for()
    pick(lesson, "stride-0", "2")
    pick(lesson, "dilation-0", "2")
    lesson.locator(f"{FIELD} [data-error-for='layers']", has_text="dilation 2").wait_for()
    # the controls keep what the learner chose; the old results are marked, not passed off
    for key, value in [("input_size", "4"), ("stride-0", "2"), ("dilation-0", "2")]:
        assert lesson.locator(f"{FIELD} select[data-key='{key}']").input_value() == value
    results = lesson.locator(f"{FIELD} .cs-results")
    assert "cs-stale" in (results.get_attribute("class") or "")
    assert stale_note(lesson).count() == 1 and stale_note(lesson).is_visible()
    note = stale_note(lesson).inner_text()
    assert note.startswith("Out of date")
    described = results.get_attribute("aria-describedby") or ""
    assert lesson.locator(f"#{described}").inner_text() == note
    lesson.locator(FIELD).screenshot(path=screenshots / "lesson2-receptive-stale.png")
    # the next valid change is applied on top of the learner's values
    pick(lesson, "input_size", "24")
    lesson.locator(f"{FIELD} .cs-map h3", has_text="input: 24×24").wait_for()
    assert stale_note(lesson).count() == 0
    assert "cs-stale" not in (lesson.locator(f"{FIELD} .cs-results").get_attribute("class") or "")
    rows = texts(lesson, f"{FIELD} tbody tr")
    assert "stride 2" in rows[0] and "dilation 2" in rows[0]
    assert lesson.locator(f"{FIELD} select[data-key='dilation-0']").input_value() == "2"


def check(page: Any, answer: str) -> None:
    page.locator(f"{QUIZ_SIZE} input").fill(answer)
    page.locator(f"{QUIZ_SIZE} button[type='submit']").click()


def test_a_refused_answer_leaves_no_current_verdict(lesson: Any) -> None:
    answer = GENERATORS["output_size"](0).answer
    check(lesson, str(answer))
    lesson.locator(f"{QUIZ_SIZE} .cs-verdict", has_text="Right").wait_for()
    check(lesson, "twelve")
    error = lesson.locator(f"{QUIZ_SIZE} [data-error-for='answer']")
    error.filter(has_text="whole number").wait_for()
    lesson.wait_for_function(VERDICT_NOT_CURRENT, arg=f"{QUIZ_SIZE} .cs-quiz-result")
    assert lesson.locator(f"{QUIZ_SIZE} input").input_value() == "twelve"
    check(lesson, str(answer + 1))
    lesson.locator(f"{QUIZ_SIZE} .cs-verdict", has_text="Not quite").wait_for()
    assert error.inner_text() == ""


def test_an_empty_answer_shows_no_old_error_and_no_old_verdict(lesson: Any) -> None:
    answer = GENERATORS["output_size"](0).answer
    check(lesson, str(answer))
    lesson.locator(f"{QUIZ_SIZE} .cs-verdict", has_text="Right").wait_for()
    check(lesson, "twelve")
    error = lesson.locator(f"{QUIZ_SIZE} [data-error-for='answer']")
    error.filter(has_text="whole number").wait_for()
    check(lesson, "")
    assert "twelve" not in error.inner_text()
    lesson.wait_for_function(VERDICT_NOT_CURRENT, arg=f"{QUIZ_SIZE} .cs-quiz-result")


TRANS = "#widget-transposed-5"


def test_transposed_animation_stops_and_waits_while_its_stamps_are_out_of_date(
    lesson: Any,
) -> None:
    player = {key: lesson.locator(f"{TRANS} button[data-key='{key}']") for key in ("play", "step")}
    player["step"].click()
    lesson.locator(f"{TRANS} .cs-stamp-status", has_text="stamp 1 of 4").wait_for()
    cell = lesson.locator(f"{TRANS} [aria-label^='input row 0, column 0:']")
    cell.fill("1e400")
    lesson.keyboard.press("Enter")
    lesson.locator(f"{TRANS} .cs-stale-note").wait_for()
    assert player["play"].is_disabled() and player["step"].is_disabled()
    assert "Out of date" in (player["play"].get_attribute("title") or "")

    cell = lesson.locator(f"{TRANS} [aria-label^='input row 0, column 0:']")
    cell.fill("5")
    lesson.keyboard.press("Enter")
    lesson.locator(f"{TRANS} [aria-label^='input row 0, column 0: 5']").wait_for()
    assert lesson.locator(f"{TRANS} .cs-stale-note").count() == 0
    assert player["play"].is_enabled()
    status = lesson.locator(f"{TRANS} .cs-stamp-status")
    before = status.inner_text()
    player["step"].click()
    lesson.wait_for_function(
        "([s, t]) => document.querySelector(s).textContent !== t",
        arg=[f"{TRANS} .cs-stamp-status", before],
    )
    assert " of 4" in status.inner_text()
