"""An exported lesson opened straight from disk (``file://``) in Chromium, clicked like a learner.

The export runs once for the module; every page must work with no server and make no request
outside its folder (``data:`` URLs are the page's own bytes).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.export import export_site

from .conftest import Watch

pytestmark = pytest.mark.browser

CALC = ".cs-widget[data-widget='calculator']"
GALLERY = ".cs-widget[data-widget='gallery']"
QUIZ = ".cs-widget[data-widget='quiz']"
TRACE = ".cs-widget[data-widget='code_trace']"

BROKEN = """# A lesson with one broken directive

```{calculator} Mine
input = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
kernel = [[1, 0], [0, 1
```

Words after the mistake.

```{calculator} Still fine
input = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
kernel = [[1, 0], [0, 1]]
```
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "course"
    export_site(None, out)
    return out


@pytest.fixture
def open_page(browser: Any, site: Path) -> Iterator[Any]:
    contexts: list[tuple[Any, Watch]] = []

    def opened(name: str, folder: Path = site, ready: str = ".cs-widget .cs-grid") -> Any:
        watch = Watch(origin=folder.as_uri() + "/")
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        watch.attach(page)
        page.goto((folder / name).as_uri())
        page.wait_for_selector(ready)
        contexts.append((context, watch))
        return page

    yield opened
    for context, watch in contexts:
        context.close()
        assert watch.problems == []


def texts(locator: Any) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def test_exported_lesson_from_disk_shows_160_240_320(open_page: Any) -> None:
    page = open_page("convolution.html")
    outputs = texts(page.locator(f"{CALC} .cs-role-output .cs-cell"))
    assert outputs == ["160", "160", "160", "240", "240", "240", "320", "320", "320"]
    assert page.locator(".cs-directive-error, .cs-error-box").count() == 0


def test_clicking_an_output_cell_explains_it_without_a_server(open_page: Any) -> None:
    page = open_page("convolution.html")
    page.locator(f"{CALC} [aria-label^='output row 2, column 2:']").click()
    assert page.locator(f"{CALC} .cs-explain .cs-result").inner_text() == "320"
    assert page.locator(f"{CALC} .cs-role-input .cs-in-window").count() == 9


def test_a_precomputed_stride_works_and_new_numbers_ask_for_serve(open_page: Any) -> None:
    page = open_page("convolution.html")
    page.locator(f"{CALC} select[data-key='stride']").select_option("2")
    page.wait_for_function(
        f'document.querySelectorAll("{CALC} .cs-role-output .cs-cell").length === 4'
    )
    assert texts(page.locator(f"{CALC} .cs-role-output .cs-cell")) == ["160", "160", "320", "320"]
    cell = page.locator(f"{CALC} [aria-label^='input row 0, column 0:']")
    cell.fill("11")
    cell.press("Enter")
    note = page.locator(f"{CALC} [data-error-for]", has_text="convscope serve")
    note.first.wait_for()


def test_the_animation_runs_to_the_last_position_from_disk(open_page: Any) -> None:
    page = open_page("convolution.html")
    page.locator(f"{CALC} select[data-key='speed']").select_option("300")
    page.locator(f"{CALC} button[data-key='play']").click()
    page.wait_for_function(
        "s => document.querySelector(s)?.textContent === 'position 9 of 9'",
        arg=f"{CALC} .cs-player [role='status']",
        timeout=10_000,
    )
    page.wait_for_function(
        "s => document.querySelector(s)?.textContent === 'Animate'",
        arg=f"{CALC} button[data-key='play']",
    )
    assert page.locator(f"{CALC} .cs-explain .cs-result").inner_text() == "320"


def test_gallery_kernels_show_pictures_saved_beside_the_page(open_page: Any, site: Path) -> None:
    page = open_page("convolution.html")
    gallery = page.locator(GALLERY)
    gallery.scroll_into_view_if_needed()
    gallery.locator("button[data-key='thumb-laplacian']").click()
    gallery.locator(".cs-panel h3", has_text="Laplacian").first.wait_for()
    source = gallery.locator("img.cs-filtered").get_attribute("src") or ""
    assert source.startswith("assets/media/") and (site / source).is_file()
    loaded = "i => i.complete && i.naturalWidth > 0"
    # A function, not a string: the page's policy forbids eval, which a string would need.
    page.wait_for_function(f'() => [...document.querySelectorAll("{GALLERY} img")].every({loaded})')


def test_quick_check_choices_are_marked_from_the_precomputed_verdicts(open_page: Any) -> None:
    page = open_page("convolution.html")
    quiz = page.locator(QUIZ).first
    quiz.scroll_into_view_if_needed()
    quiz.locator("button.cs-choice", has_text="I[1:4, 1:4]").click()
    quiz.locator(".cs-verdict", has_text="Right").first.wait_for()
    numeric = page.locator(QUIZ).nth(1)
    numeric.locator("input[data-key='answer']").fill("73856")
    numeric.locator("input[data-key='answer']").press("Enter")
    numeric.locator(".cs-verdict", has_text="Right").first.wait_for()


def test_code_trace_cards_work_from_disk(open_page: Any) -> None:
    page = open_page("convolution.html")
    trace = page.locator(TRACE)
    trace.scroll_into_view_if_needed()
    trace.locator(".cs-line[data-line='30']").click()
    assert "Run 1 of 9" in trace.locator(".cs-line-detail .cs-run-head").inner_text()


def test_second_lesson_and_index_open_from_disk(open_page: Any, site: Path) -> None:
    from convscope.lessons.sources import LessonLibrary

    page = open_page("index.html", ready=".cs-lesson-list a")
    links = page.locator(".cs-lesson-list a")
    slugs = LessonLibrary.builtin().slugs()
    assert links.count() == len(slugs) >= 5  # every shipped lesson, in the course's order
    hrefs = [links.nth(k).get_attribute("href") or "" for k in range(links.count())]
    assert [href.removesuffix(".html").split("/")[-1] for href in hrefs] == list(slugs)
    links.nth(1).click()
    page.wait_for_selector(".cs-widget .cs-grid")
    assert page.url.endswith("stride-padding-pooling.html")
    assert page.locator(".cs-directive-error, .cs-error-box").count() == 0


def test_broken_directive_is_boxed_and_the_rest_of_the_export_works(
    open_page: Any, tmp_path: Path
) -> None:
    (tmp_path / "lessons").mkdir()
    (tmp_path / "lessons" / "mine.md").write_text(BROKEN, encoding="utf-8")
    summary = export_site(tmp_path / "lessons", tmp_path / "out")
    assert summary.mistakes and summary.mistakes[0].startswith("mine.md, line 3")
    page = open_page("mine.html", folder=tmp_path / "out")
    assert page.locator(".cs-directive-error").count() == 1
    assert "Words after the mistake." in page.locator("main").inner_text()
    assert texts(page.locator(f"{CALC} .cs-role-output .cs-cell")) == ["6", "8", "12", "14"]


def test_screenshots_of_the_exported_lesson(open_page: Any, screenshots: Path) -> None:
    page = open_page("convolution.html")
    for name, selector in (("calculator", CALC), ("gallery", GALLERY), ("quiz", QUIZ)):
        widget = page.locator(selector).first
        widget.scroll_into_view_if_needed()
        widget.screenshot(path=str(screenshots / f"export-{name}.png"))
    page.locator(f"{CALC} select[data-key='dilation']").select_option("3")
    page.locator(f"{CALC} [data-error-for]").first.wait_for(state="attached")
    page.locator(CALC).screenshot(path=str(screenshots / "export-calculator-needs-serve.png"))
