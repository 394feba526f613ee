"""A teacher's lesson full of hostile strings, served and read in Chromium: text stays text.

The lesson of :mod:`tests.attacks.hostile_lesson` (a quiz question holding ``<!--<script>``,
``\\text{<img onerror=…>}`` in a formula, ``"><script>`` in labels and choices…) is served
from a teacher's folder. Every injected script would set ``window.__pwned``; the page must
leave it undefined, log no error, and still show everything after the hostile strings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.lessons.sources import LessonLibrary
from convscope.web import create_app

from ..attacks.hostile_lesson import HOSTILE, QUESTION, lesson
from .conftest import Watch, _free_port

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "lesson.md").write_text(lesson(hostile=True), encoding="utf-8")
    port = _free_port()
    app = create_app(LessonLibrary.at(folder / "lesson.md"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_hostile_teacher_strings_show_as_text_and_run_nothing(
    browser: Any, hostile_url: str, screenshots: Path
) -> None:
    watch = Watch(origin=hostile_url)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    watch.attach(page)
    page.goto(hostile_url + "/lessons/lesson")
    page.wait_for_selector(".cs-widget[data-widget='channels'] .cs-grid")

    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("h2", has_text="The last section").is_visible()
    assert page.locator("footer.cs-site").is_visible()
    sources = page.evaluate("[...document.scripts].map((s) => s.getAttribute('src'))")
    assert all(str(src).startswith("/static/js/") for src in sources), sources
    assert page.locator("img, iframe, [onerror], [onclick]").count() == 0

    quiz = page.locator(".cs-widget[data-widget='quiz']")
    assert quiz.locator(".cs-question").inner_text() == QUESTION
    quiz.locator("button.cs-choice").first.click()
    quiz.locator(".cs-explanation").wait_for()
    shown = quiz.locator(".cs-explanation").inner_text()
    assert "window.__pwned" in shown and "<!--" in shown
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert HOSTILE["EVIL_PROSE"] in page.locator("main").inner_text()

    page.locator("h1").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teacher-hostile-strings.png"), full_page=True)
    context.close()
    assert watch.problems == []
