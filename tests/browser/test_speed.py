"""The first lesson's speed section: the loop against the engine, measured, and measured again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.export import export_site

from .conftest import Watch

pytestmark = pytest.mark.browser

SPEED = ".cs-widget[data-widget='speed']"
HEADLINE = re.compile(
    r"the loop above took ([\d.,]+) ms and convscope\.conv2d took ([\d.,]+) ms: "
    r"the engine was ([\d.,]+)× faster"
)


@pytest.fixture
def lesson(browser: Any, server_url: str) -> Iterator[Any]:
    watch = Watch(origin=server_url)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch.attach(page)
    page.goto(server_url + "/lessons/convolution")
    page.wait_for_selector(f"{SPEED} .cs-speed-headline")
    yield page
    context.close()
    assert watch.problems == []


def shown_numbers(widget: Any) -> tuple[float, float, float]:
    found = HEADLINE.search(widget.locator(".cs-speed-headline").inner_text())
    assert found, widget.inner_text()
    loop, engine, ratio = (float(text.replace(",", "")) for text in found.groups())
    return loop, engine, ratio


def test_speed_section_follows_the_traced_loop_and_shows_measured_numbers(lesson: Any) -> None:
    order = lesson.evaluate(
        "() => [...document.querySelectorAll('.cs-widget')].map(el => el.dataset.widget)"
    )
    assert order.index("speed") == order.index("code_trace") + 1
    loop, engine, ratio = shown_numbers(lesson.locator(SPEED))
    assert ratio == pytest.approx(loop / engine, rel=0.05)  # both times are rounded for reading
    bars = lesson.locator(f"{SPEED} .cs-speed-ms").all_inner_texts()
    assert [text.endswith(" ms") for text in bars] == [True, True]


def test_measure_again_shows_a_new_measurement(lesson: Any, screenshots: Path) -> None:
    widget = lesson.locator(SPEED)
    widget.scroll_into_view_if_needed()
    before = widget.locator(".cs-speed-when").inner_text()
    lesson.wait_for_timeout(1100)  # the time shown has whole seconds
    widget.get_by_role("button", name="Measure again").click()
    widget.locator(".cs-speed-when").filter(has_not_text=before).wait_for()
    assert widget.get_by_role("button", name="Measure again").is_enabled()
    loop, engine, ratio = shown_numbers(widget)
    assert ratio == pytest.approx(loop / engine, rel=0.05)
    assert "on the computer running convscope" in widget.locator(".cs-speed-when").inner_text()
    widget.screenshot(path=screenshots / "widget-3-speed.png")


def test_speed_section_fits_a_390_px_phone(
    browser: Any, server_url: str, screenshots: Path
) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    phone = context.new_page()
    phone.goto(server_url + "/lessons/convolution")
    widget = phone.locator(SPEED)
    widget.locator(".cs-speed-headline").wait_for()
    widget.scroll_into_view_if_needed()
    widget.screenshot(path=screenshots / "widget-3-speed-390px.png")
    overflow = phone.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert overflow <= 390, f"the page is {overflow} px wide on a 390 px screen"


def test_exported_speed_says_it_was_measured_at_export(
    browser: Any, tmp_path: Path, screenshots: Path
) -> None:
    (tmp_path / "lessons").mkdir()
    lesson_text = "# Fast\n\n```{speed} Timed at export\n```\n"
    (tmp_path / "lessons" / "fast.md").write_text(lesson_text, encoding="utf-8")
    export_site(tmp_path / "lessons", tmp_path / "site")
    watch = Watch(origin=(tmp_path / "site").as_uri() + "/")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch.attach(page)
    page.goto((tmp_path / "site" / "fast.html").as_uri())
    widget = page.locator(SPEED)
    widget.locator(".cs-speed-headline").wait_for()
    assert "when it was exported" in widget.locator(".cs-speed-when").inner_text()
    assert widget.get_by_role("button", name="Measure again").is_disabled()
    assert "convscope serve" in widget.inner_text()
    widget.screenshot(path=screenshots / "widget-3-speed-exported.png")
    context.close()
    assert watch.problems == []
