"""axe-core on every page, served and exported, at a desktop and a phone width.

The pages must have no critical or serious violation once every widget has drawn. A failure
prints each rule with its impact, how many elements break it and one of them, so the fix can
start from the message. axe-core comes bundled in ``axe-playwright-python`` (no CDN).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.export import export_site
from convscope.lessons.sources import LessonLibrary

from .conftest import Watch
from .warm import goto_when_ready

pytestmark = pytest.mark.browser
axe_module = pytest.importorskip("axe_playwright_python.sync_playwright")

WIDTHS = {"desktop": 1280, "phone": 390}
LESSONS = LessonLibrary.builtin().slugs()
SERVED = ["/lessons", *(f"/lessons/{slug}" for slug in LESSONS)]
EXPORTED = ["index.html", *(f"{slug}.html" for slug in LESSONS)]
BLOCKING = {"critical", "serious"}
# preload off: axe would re-fetch the stylesheets, which a page opened from disk may not do
OPTIONS = {"resultTypes": ["violations"], "preload": False}
MOUNTED = "() => document.querySelectorAll('.cs-widget[data-widget] script.cs-state').length === 0"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("axe-site") / "course"
    export_site(None, out)
    return out


@pytest.fixture
def open_at(browser: Any) -> Iterator[Any]:
    contexts: list[tuple[Any, Watch]] = []

    def opened(url: str, origin: str, width: int) -> Any:
        watch = Watch(origin=origin)
        context = browser.new_context(viewport={"width": width, "height": 800})
        page = context.new_page()
        watch.attach(page)
        goto_when_ready(page, url)
        page.wait_for_function(MOUNTED)
        page.wait_for_load_state("networkidle")
        contexts.append((context, watch))
        return page

    yield opened
    for context, watch in contexts:
        context.close()
        assert watch.problems == []


def blocking_violations(page: Any) -> list[str]:
    """Return one line per critical or serious rule: rule, impact, count, a sample target."""
    results = axe_module.Axe().run(page, options=OPTIONS)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] not in BLOCKING:
            continue
        nodes = violation["nodes"]
        sample = nodes[0]["target"] if nodes else "?"
        rule = f"{violation['id']} ({violation['impact']})"
        found.append(f"{rule}: {len(nodes)} nodes, e.g. {sample}")
    return found


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("path", SERVED)
def test_served_page_has_no_serious_axe_violation(
    open_at: Any, server_url: str, path: str, width: int
) -> None:
    page = open_at(server_url + path, server_url, width)
    found = blocking_violations(page)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("name", EXPORTED)
def test_exported_page_has_no_serious_axe_violation(
    open_at: Any, site: Path, name: str, width: int
) -> None:
    page = open_at((site / name).as_uri(), site.as_uri() + "/", width)
    found = blocking_violations(page)
    assert not found, "\n".join(found)
