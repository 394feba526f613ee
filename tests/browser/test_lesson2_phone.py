"""The second lesson on a 390 px phone, and one index convention (from 0) in its words.

Nothing hides in an unmarked sideways scroller: the receptive-field table reflows into one card
per layer, a formula wider than the screen is a labelled keyboard stop saying it scrolls, and
tapping an output cell brings its explanation onto the screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .conftest import Watch
from .warm import goto_when_ready

pytestmark = pytest.mark.browser

LESSON = "/lessons/stride-padding-pooling"
POOL = "#widget-pooling-4"
TRANS = "#widget-transposed-5"
FIELD = "#widget-receptive-7"
# the top of the element lies on the screen
ON_SCREEN = "el => (top => top >= 0 && top < innerHeight)(el.getBoundingClientRect().top)"


@pytest.fixture
def phone(browser: Any, server_url: str, watch: Watch) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    watch.attach(page)
    goto_when_ready(page, server_url + LESSON)
    page.wait_for_selector(f"{FIELD} .cs-controls")
    yield page
    context.close()
    assert watch.problems == []


def test_receptive_table_reflows_into_cards_with_every_column_named(
    phone: Any, screenshots: Path
) -> None:
    table = phone.locator(f"{FIELD} .cs-field-table")
    table.scroll_into_view_if_needed()
    widths = table.evaluate("t => [t.scrollWidth, t.clientWidth, t.parentElement.scrollWidth]")
    assert widths[0] <= widths[1] and widths[2] <= 390
    first = phone.locator(f"{FIELD} tbody tr >> nth=0 >> td")
    assert first.count() == 7
    for k in range(7):  # every value is on the screen, beside its column's name
        box = first.nth(k).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    labels = first.evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels[2] == '"size (formula)"' and labels[6] == '"formula and engine"'
    phone.locator(FIELD).screenshot(path=screenshots / "lesson2-390px-receptive-cards.png")


def test_a_cut_off_formula_is_a_labelled_stop_that_says_it_scrolls(phone: Any) -> None:
    wide = phone.locator("main > .cs-math.cs-scrolls")
    assert wide.count() >= 1
    formula = wide.first
    assert formula.get_attribute("tabindex") == "0"
    assert formula.get_attribute("role") == "region"
    assert formula.get_attribute("aria-label") == "formula, scrolls sideways"
    hint = phone.locator("main > .cs-math.cs-scrolls + .cs-scroll-hint").first
    assert hint.is_visible() and "scrolls sideways" in hint.inner_text()
    fitting = phone.locator("main > .cs-math:not(.cs-scrolls)").first
    assert fitting.get_attribute("tabindex") is None


def test_tapping_an_output_cell_brings_its_explanation_onto_the_screen(
    phone: Any, screenshots: Path
) -> None:
    cell = phone.locator(f"{POOL} [aria-label^='output row 0, column 1:']")
    cell.scroll_into_view_if_needed()
    cell.click()
    heading = phone.locator(f"{POOL} .cs-explain h3").first
    assert heading.inner_text() == "How output[0, 1] is computed (row 0, column 1, counting from 0)"
    phone.wait_for_function(ON_SCREEN, arg=heading.element_handle())
    phone.screenshot(path=screenshots / "lesson2-390px-pool-explained.png")
    gather = phone.locator(f"{TRANS} [aria-label^='gather output row 2, column 2:']")
    gather.scroll_into_view_if_needed()
    gather.click()
    explained = phone.locator(f"{TRANS} .cs-explain-slot").first
    phone.wait_for_function(ON_SCREEN, arg=explained.element_handle())


def test_receptive_field_counts_rows_and_columns_from_0(phone: Any) -> None:
    phone.locator(f"{FIELD} [aria-label^='last layer row 0, column 0']").click()
    note = phone.locator(f"{FIELD} .cs-region-text")
    note.filter(has_text="last layer[0, 0] (row 0, column 0, counting from 0) sees").wait_for()
