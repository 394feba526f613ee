"""A real uvicorn server and Debian's Chromium driven by Playwright, shared by the browser tests.

Every page a test opens fails the test on a console error, a failed request or any request
that leaves the server. Screenshots go to ``screenshots/`` at the repository root (git-ignored).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from .warm import goto_when_ready

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"

if not CHROMIUM.exists():
    pytest.skip(
        "browser tests need Debian's Chromium at /usr/bin/chromium (apt-get install chromium)",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    import uvicorn

    from convscope.web import create_app
    from convscope.web.pages import warm_up

    warm_up()  # as `convscope serve` does before it answers: no test meets a cold render
    port = _free_port()
    config = uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the convscope server did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Watch:
    """What a page did that a learner would call broken, plus how many bytes it loaded."""

    origin: str
    problems: list[str] = field(default_factory=list)
    bytes: int = 0

    def attach(self, page: Any) -> None:
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("request", self._request)
        page.on("response", self._response)

    def _console(self, message: Any) -> None:
        if message.type in {"error", "warning"}:
            self.problems.append(f"console {message.type}: {message.text}")

    def _failed(self, request: Any) -> None:
        # A request the page itself aborted (a newer edit superseded it) is not a failure.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.problems.append(f"failed request: {request.url} ({request.failure})")

    def _request(self, request: Any) -> None:
        if not request.url.startswith(self.origin) and not request.url.startswith("data:"):
            self.problems.append(f"request outside the server: {request.url}")

    def _response(self, response: Any) -> None:
        if response.status >= 400 and "/api/" not in response.url:
            self.problems.append(f"HTTP {response.status}: {response.url}")
        with contextlib.suppress(Exception):  # a body already discarded (a superseded request)
            self.bytes += len(response.body())


@pytest.fixture
def watch(server_url: str) -> Watch:
    return Watch(origin=server_url)


@pytest.fixture
def page(browser: Any, server_url: str, watch: Watch) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    watch.attach(page)
    page.goto(server_url + "/")
    page.wait_for_selector(".cs-widget[data-widget='calculator'] .cs-grid")
    yield page
    context.close()
    assert watch.problems == []


def open_watched(
    browser: Any,
    watch: Watch,
    url: str,
    ready: list[str],
    *,
    width: int,
    height: int = 900,
    touch: bool = False,
) -> Iterator[Any]:
    """Yield a page ``width`` px wide, in a context of its own, opened at ``url`` and watched by
    ``watch``, once every selector in ``ready`` shows; close it afterwards and fail the test if
    the page did anything a learner would call broken."""
    context = browser.new_context(viewport={"width": width, "height": height}, has_touch=touch)
    page = context.new_page()
    watch.attach(page)
    goto_when_ready(page, url)
    for selector in ready:
        page.wait_for_selector(selector)
    yield page
    context.close()
    assert watch.problems == []


def wait_text(page: Any, selector: str, text: str) -> None:
    """Wait until the first element ``selector`` finds contains ``text``."""
    page.wait_for_function(
        "([s, t]) => document.querySelector(s)?.textContent.includes(t)", arg=[selector, text]
    )


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    return SCREENSHOTS


def shoot(widget: Any, path: Path) -> None:
    """Save a screenshot of ``widget`` after checking what it shows is a working widget.

    It must be drawn (visible, with a height), hold no refusal or lesson-mistake box and no
    field message, and fit the page's width: a screenshot of a broken or overflowing widget
    fails the test instead of being saved for someone to notice.
    """
    widget.wait_for(state="visible")
    box = widget.bounding_box()
    width = widget.page.evaluate("document.documentElement.clientWidth")
    assert box is not None and box["height"] > 20, f"{path.name}: the widget is not drawn"
    assert box["width"] <= width + 1, f"{path.name}: {box['width']:.0f} px on a {width} px page"
    errors = widget.locator(".cs-error-box, .cs-directive-error, [data-error-for]:not(:empty)")
    assert errors.count() == 0, f"{path.name}: shows {errors.first.inner_text()!r}"
    widget.screenshot(path=path)
