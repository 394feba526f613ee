"""A teacher's folder served in Chromium: their own traced program and their own quick checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convscope.lessons.sources import LessonLibrary
from convscope.tracing.numbers import format_number
from convscope.web import create_app

from .conftest import Watch, _free_port

pytestmark = pytest.mark.browser

PROGRAM = """import numpy as np

picture = np.array([[0, 0, 9, 9],
                    [0, 3, 9, 9],
                    [0, 0, 5, 9]])
step_kernel = np.array([[-1, 1]])

for row in range(3):
    window = picture[row, 1:3]
    response = np.sum(window * step_kernel[0])
"""
LESSON = """# My own loop

The loop below is my file, `edge_loop.py`.

```{code_trace} An edge, row by row
file = "edge_loop.py"
line = 8

[notes]
8 = "One pass per row: each card shows that row's window and its response."
```

```{code_trace} A loop with a mistake
source = '''
values = [4, 2, 0]
for v in values:
    share = 12 // v
'''
```

```{quiz} Which kernel?
question = "Which kernel finds where the picture jumps from dark to bright?"
choices = ["[[1, 1]]", "[[-1, 1]]", "[[0, 0]]"]
answer = 1
explanation = "Right minus left: zero on flat ground, large at the step."
```

```{quick_check} A number
question = "What does the loop's response come to on the first row?"
answer = 9
tolerance = 0.5
explanation = "9 on the right minus 0 on the left."
```
"""


@pytest.fixture(scope="module")
def teacher_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    folder = tmp_path_factory.mktemp("own")
    (folder / "edge_loop.py").write_text(PROGRAM, encoding="utf-8")
    (folder / "lesson.md").write_text(LESSON, encoding="utf-8")
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


@pytest.fixture
def page(browser: Any, teacher_url: str) -> Iterator[Any]:
    watch = Watch(origin=teacher_url)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    watch.attach(page)
    page.goto(teacher_url + "/")
    page.wait_for_selector(".cs-widget[data-widget='code_trace'] .cs-line")
    yield page
    context.close()
    assert watch.problems == []


def test_the_teacher_s_file_shows_one_card_per_row_and_the_note(
    page: Any, screenshots: Path
) -> None:
    trace = page.locator(".cs-widget[data-widget='code_trace']").first
    cards = trace.locator(".cs-card")
    assert cards.count() == 3, "line 8, the loop, is opened by the directive"
    picture = np.array([[0, 0, 9, 9], [0, 3, 9, 9], [0, 0, 5, 9]])
    expected = [format_number(int(np.sum(picture[r, 1:3] * [-1, 1]))) for r in range(3)]
    texts = [" ".join(text.split()) for text in cards.all_inner_texts()]
    assert [f"row = {r}" in text for r, text in enumerate(texts)] == [True] * 3
    assert all(f"response = {value}" in text for value, text in zip(expected, texts, strict=True))
    assert "One pass per row" in trace.locator(".cs-note").inner_text()
    assert "edge_loop.py" in trace.inner_text()
    trace.scroll_into_view_if_needed()
    trace.screenshot(path=screenshots / "teacher-own-program.png")


def test_a_program_that_raises_shows_its_passes_and_a_box_naming_both_lines(
    page: Any, screenshots: Path
) -> None:
    box = page.locator(".cs-directive-error")
    assert box.count() == 1
    words = box.inner_text()
    # the fence is on the lesson's line 13; the snippet's line 3 (the division) on line 17
    assert "lesson.md, line 13" in words and "ZeroDivisionError on line 3 of the snippet" in words
    assert "(lesson.md, line 17)" in words
    broken = page.locator(".cs-widget[data-widget='code_trace']").nth(1)
    broken.locator(".cs-line[data-line='2']").click()
    assert broken.locator(".cs-card").count() == 3  # v = 4, v = 2, then the zero that raised
    assert "The run ended in this pass" in broken.locator(".cs-card").nth(2).inner_text()
    assert "ended" not in broken.locator(".cs-card").nth(1).inner_text()
    # the mistake's box stays right under its widget, above the "try your own version" box
    assert page.locator(".cs-directive-error + .cs-code-edit").count() == 1
    assert "ZeroDivisionError on line 3" in broken.locator(".cs-printed .cs-verdict").inner_text()
    broken.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teacher-own-program-mistake.png"))


def test_the_teacher_s_questions_are_marked_on_the_server(page: Any, screenshots: Path) -> None:
    quiz = page.locator(".cs-widget[data-widget='quiz']")
    assert quiz.locator("[data-key='variant']").count() == 0, "a teacher's question is fixed"
    quiz.locator("button.cs-choice", has_text="[[1, 1]]").click()
    quiz.locator(".cs-verdict").wait_for()
    assert "Not quite: the answer is [[-1, 1]]" in quiz.locator(".cs-verdict").inner_text()
    assert "Right minus left" in quiz.locator(".cs-explanation").inner_text()
    quiz.locator("[data-key='retry']").click()
    quiz.locator("button.cs-choice", has_text="[[-1, 1]]").click()
    page.wait_for_function(
        "el => el.querySelector('.cs-verdict')?.textContent.includes('Right')",
        arg=quiz.element_handle(),
    )
    check = page.locator(".cs-widget[data-widget='quick_check']")
    check.locator("input[data-key='answer']").fill("9.3")
    check.locator("[data-key='check']").click()
    check.locator(".cs-verdict").wait_for()
    assert check.locator(".cs-verdict").inner_text() == "✓ Right."
    check.scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "teacher-own-questions.png"))
