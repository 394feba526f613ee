"""The editable code box under the traced loop: edit, run in the sandbox, see each line's run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser
BOX = ".cs-code-edit"


def test_an_edited_program_runs_and_shows_its_lines(page: Any, screenshots: Path) -> None:
    box = page.locator(BOX)
    box.locator("textarea").fill("total = 0\nfor k in range(4):\n    total += k\nprint(total)\n")
    box.locator("[data-key='code-run']").click()
    box.locator(".cs-stdout").wait_for()
    assert box.locator(".cs-stdout").inner_text().strip() == "6"  # 0 + 1 + 2 + 3
    assert box.locator(".cs-line").count() == 4
    assert box.locator("[role='status']").inner_text() == "It ran to the end."
    box.scroll_into_view_if_needed()
    box.screenshot(path=screenshots / "widget-code-edit.png")


def test_a_refused_call_is_shown_in_the_sandbox_s_words(page: Any) -> None:
    box = page.locator(BOX)
    box.locator("textarea").fill("import os\nos.system('true')\n")
    box.locator("[data-key='code-run']").click()
    verdict = box.locator(".cs-verdict")
    verdict.wait_for()
    assert "running shell commands (os.system) is not allowed" in verdict.inner_text()


def test_the_edit_survives_a_reload_and_reset_brings_the_lesson_back(page: Any) -> None:
    box = page.locator(BOX)
    original = box.locator("textarea").input_value()
    box.locator("textarea").fill("x = 1\n")
    page.reload()
    assert page.locator(BOX).locator("textarea").input_value() == "x = 1\n"
    page.locator(BOX).locator("[data-key='code-reset']").click()
    assert page.locator(BOX).locator("textarea").input_value() == original


def test_the_box_says_when_running_code_is_off(page: Any) -> None:
    off = {"enabled": False, "detail": "running edited code is off on this server"}
    page.route("**/api/code/status", lambda route: route.fulfill(json=off))
    page.reload()
    box = page.locator(BOX)
    box.locator("[role='status']").wait_for()
    assert box.locator("textarea").count() == 0
    assert box.inner_text().endswith(
        "Editing and running this code is off here: running edited code is off on this server."
    )
