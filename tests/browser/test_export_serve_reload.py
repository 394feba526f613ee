"""``convscope serve PATH`` in Chromium: a teacher's lesson reloads on save; mistakes stay boxed."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.lessons.sources import LessonLibrary
from convscope.web import create_app

from .conftest import Watch, _free_port

pytestmark = pytest.mark.browser

LESSON = """# {title}

```{{nosuch}} A typo in the directive name
a = 1
```

Prose between the widgets.

```{{calculator}} Still works
input = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
kernel = [[1, 0], [0, 1]]
```
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("teacher")
    (folder / "lesson.md").write_text(LESSON.format(title="Before saving"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def teacher_url(folder: Path) -> Iterator[str]:
    import uvicorn

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


def test_saving_the_lesson_reloads_the_page_and_mistakes_stay_in_place(
    browser: Any, teacher_url: str, folder: Path, screenshots: Path
) -> None:
    watch = Watch(origin=teacher_url)
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    watch.attach(page)
    page.goto(teacher_url + "/")
    page.wait_for_selector(".cs-widget[data-widget='calculator'] .cs-grid")
    assert page.locator("h1").inner_text() == "Before saving"
    box = page.locator(".cs-directive-error")
    assert box.count() == 1 and "lesson.md, line 3" in box.inner_text()
    outputs = page.locator(".cs-role-output .cs-cell").all_inner_texts()
    assert [text.strip() for text in outputs] == ["6", "8", "12", "14"]
    page.screenshot(path=str(screenshots / "serve-teacher-lesson.png"), full_page=True)

    lesson = folder / "lesson.md"
    lesson.write_text(LESSON.format(title="After saving"), encoding="utf-8")
    stat = lesson.stat()
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))
    page.locator("h1", has_text="After saving").wait_for(timeout=10_000)
    page.wait_for_selector(".cs-widget[data-widget='calculator'] .cs-grid")
    context.close()
    assert watch.problems == []
