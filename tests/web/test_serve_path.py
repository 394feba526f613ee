"""``convscope serve PATH``: a teacher's lessons, their mistakes in place, reload on save."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from convscope.lessons import Lesson
from convscope.lessons.sources import LessonLibrary
from convscope.web import create_app

GOOD = """# Strides for my class

A kernel of 3 on an input of 5 gives 3 positions.

```{step} The first position
input = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
kernel = [[1, 0], [0, 1]]
position = [0, 0]
```
"""

BROKEN = """# A lesson with mistakes

Some prose before.

```{nosuchwidget} Oops
x = 1
```

```{step} Malformed array
input = [[1, 2], [3]]
kernel = [[1]]
position = [0, 0]
```

```{step} Malformed TOML
input = [[1, 2
```

The prose after the mistakes still renders.

```{step} A good one after them
input = [[1, 2], [3, 4]]
kernel = [[1]]
position = [1, 1]
```
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "01-good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "02-broken.md").write_text(BROKEN, encoding="utf-8")
    return tmp_path


def client_for(path: Path, reported: list[Lesson] | None = None) -> TestClient:
    sink = reported.append if reported is not None else None
    return TestClient(create_app(LessonLibrary.at(path), sink))


def test_folder_index_lists_the_teachers_lessons_in_file_name_order(folder: Path) -> None:
    page = client_for(folder).get("/").text
    assert page.index("Strides for my class") < page.index("A lesson with mistakes")
    assert 'href="/lessons/01-good"' in page


def test_single_file_is_served_as_the_front_page(folder: Path) -> None:
    page = client_for(folder / "01-good.md").get("/")
    assert page.status_code == 200
    assert "Strides for my class" in page.text
    assert 'data-widget="step"' in page.text


def test_broken_directives_show_in_place_with_lines_and_the_rest_renders(folder: Path) -> None:
    reported: list[Lesson] = []
    response = client_for(folder, reported).get("/lessons/02-broken")
    assert response.status_code == 200
    assert response.text.count("cs-directive-error") == 3
    assert "02-broken.md, line 5" in response.text
    assert "The prose after the mistakes still renders." in response.text
    assert response.text.count('data-widget="step"') == 1
    lines = reported[-1].errors
    assert [line.split(":")[0] for line in lines] == [
        "02-broken.md, line 5",
        "02-broken.md, line 9",
        "02-broken.md, line 15",
    ]
    assert "unknown widget 'nosuchwidget'" in lines[0]
    assert "same length" in lines[1]


def test_version_changes_when_a_lesson_is_saved_and_the_page_polls_it(folder: Path) -> None:
    client = client_for(folder)
    page = client.get("/lessons/01-good").text
    assert "/static/js/reload.js" in page
    before = client.get("/api/lessons/version").json()["version"]
    assert f'content="{before}"' in page
    lesson = folder / "01-good.md"
    lesson.write_text(GOOD.replace("my class", "next week"), encoding="utf-8")
    stat = lesson.stat()
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    after = client.get("/api/lessons/version").json()["version"]
    assert after != before
    assert "Strides for next week" in client.get("/lessons/01-good").text


def test_serving_never_writes_into_the_teachers_folder(folder: Path) -> None:
    before = {path: path.stat().st_mtime_ns for path in folder.iterdir()}
    client = client_for(folder)
    for url in ("/", "/lessons/01-good", "/lessons/02-broken", "/api/lessons/version"):
        assert client.get(url).status_code == 200
    assert {path: path.stat().st_mtime_ns for path in folder.iterdir()} == before


def test_unknown_lesson_is_a_404_naming_the_lessons(folder: Path) -> None:
    response = client_for(folder).get("/lessons/nope")
    assert response.status_code == 404
    assert "01-good" in response.text


def test_a_file_that_is_not_utf8_becomes_a_page_saying_so(tmp_path: Path) -> None:
    (tmp_path / "latin.md").write_bytes("# Caf\xe9\n".encode("latin-1"))
    response = client_for(tmp_path / "latin.md").get("/")
    assert response.status_code == 200
    assert "could not be read as UTF-8" in response.text


def test_a_path_without_lessons_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="holds no lesson"):
        LessonLibrary.at(tmp_path)
    with pytest.raises(ValueError, match=r"\.md file or a folder"):
        LessonLibrary.at(tmp_path / "missing.txt")


def test_builtin_pages_do_not_poll_for_changes() -> None:
    page = TestClient(create_app()).get("/lessons/stride-padding-pooling").text
    assert "reload.js" not in page


def test_terminal_gets_each_mistake_once_and_hears_when_they_are_fixed(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from convscope.cli.lesson_mistakes import MistakeReporter, check_lessons

    report = MistakeReporter()
    library = LessonLibrary.at(folder)
    assert check_lessons(library, report) == 3
    assert check_lessons(library, report) == 3  # the same mistakes are not printed again
    printed = capsys.readouterr().err
    assert printed.count("lesson mistake: 02-broken.md, line 5:") == 1
    (folder / "02-broken.md").write_text(GOOD, encoding="utf-8")
    check_lessons(library, report)
    assert "02-broken: no mistakes left" in capsys.readouterr().err
