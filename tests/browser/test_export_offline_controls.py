"""An exported page from disk: every preset and every single pick of a layer stack answers.

The page has no engine, so each of these was worked out at export; a number the learner types
is new to it, and a note before each such widget says so before anything is typed.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.export import export_site

from .conftest import Watch

pytestmark = pytest.mark.browser

PARAMS = ".cs-widget[data-widget='params']"
RECEPTIVE = ".cs-widget[data-widget='receptive']"
NEEDS_SERVER = "run `convscope serve`"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "course"
    export_site(None, out)
    return out


@pytest.fixture
def open_page(browser: Any, site: Path) -> Iterator[Any]:
    contexts: list[tuple[Any, Watch]] = []

    def opened(name: str, ready: str, width: int = 1280) -> Any:
        watch = Watch(origin=site.as_uri() + "/")
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        watch.attach(page)
        page.goto((site / name).as_uri())
        page.wait_for_selector(ready)
        contexts.append((context, watch))
        return page

    yield opened
    for context, watch in contexts:
        context.close()
        assert watch.problems == []


def _settled(page: Any) -> None:
    # An exported page answers from its table without a request: one frame is enough.
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def test_every_params_preset_and_its_bias_box_answer_from_disk(
    open_page: Any, screenshots: Path
) -> None:
    page = open_page("convolution.html", f"{PARAMS} .cs-result")
    widget = page.locator(PARAMS)
    note = page.evaluate(
        f"""() => document.querySelector("{PARAMS}").previousElementSibling.textContent"""
    )
    assert "a number you type needs convscope's engine (convscope serve)" in " ".join(note.split())
    totals = []
    for label, expected in (
        ("64 → 128, 3×3", "73,856"),
        ("Depthwise 3×3 on 32 channels", "320"),
        ("A first layer: RGB → 64, 3×3", "1,792"),
    ):
        widget.locator(f"button[data-key='preset-{label}']").click()
        result = widget.locator(".cs-result").first
        page.wait_for_function(
            f"""() => document.querySelector("{PARAMS} .cs-result").textContent === "{expected}"
            """
        )
        totals.append(result.inner_text())
        assert NEEDS_SERVER not in widget.inner_text()
    assert totals == ["73,856", "320", "1,792"]
    widget.locator("button[data-key='preset-64 → 128, 3×3']").click()
    page.wait_for_function(
        f'() => document.querySelector("{PARAMS} .cs-result").textContent === "73,856"'
    )
    widget.locator("input[data-key='bias']").uncheck()
    page.wait_for_function(
        f'() => document.querySelector("{PARAMS} .cs-result").textContent === "73,728"'
    )
    assert "bias=False" in widget.inner_text() and NEEDS_SERVER not in widget.inner_text()
    widget.screenshot(path=str(screenshots / "export-params-preset-no-bias.png"))


def test_every_single_pick_of_the_layer_stack_answers_from_disk(
    open_page: Any, screenshots: Path
) -> None:
    page = open_page("stride-padding-pooling.html", f"{RECEPTIVE} select")
    widget = page.locator(RECEPTIVE)
    keys = widget.locator("select").evaluate_all("(all) => all.map((s) => s.dataset.key)")
    assert keys == ["input_size"] + [
        f"{name}-{index}"
        for index in range(3)
        for name in ("kind", "kernel", "stride", "padding", "dilation")
    ]
    before = widget.inner_text()
    picks = answered = 0
    for key in keys:
        select = widget.locator(f"select[data-key='{key}']")
        current = select.input_value()
        options = select.locator("option").evaluate_all("(all) => all.map((o) => o.value)")
        for value in options:
            if value == current:
                continue
            widget.locator(f"select[data-key='{key}']").select_option(value)
            _settled(page)
            picks += 1
            shown = widget.inner_text()
            assert NEEDS_SERVER not in shown, (key, value)
            answered += shown != before
            widget.locator("button[data-key='reset']").click()
            _settled(page)
    assert picks == 20 + 3 * 16
    assert answered == picks  # each pick changed the table, the maps or said why it cannot be
    widget.locator("select[data-key='stride-0']").select_option("2")
    _settled(page)
    widget.screenshot(path=str(screenshots / "export-receptive-stride-2.png"))
