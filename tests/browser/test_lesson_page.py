"""Click through the lesson like a learner and read the numbers the page shows."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Watch, shoot

pytestmark = pytest.mark.browser

CALC = ".cs-widget[data-widget='calculator']"
STEP = ".cs-widget[data-widget='step']"
FLIP = ".cs-widget[data-widget='flip']"
TORCH = ".cs-widget[data-widget='torch_check']"


def output_texts(page: Any, widget: str = CALC) -> list[str]:
    cells = page.locator(f"{widget} .cs-role-output .cs-cell")
    return [text.strip() for text in cells.all_inner_texts()]


def output_cell(page: Any, row: int, column: int) -> Any:
    return page.locator(f"{CALC} [aria-label^='output row {row}, column {column}:']")


def input_cell(page: Any, row: int, column: int) -> Any:
    return page.locator(f"{CALC} [aria-label^='input row {row}, column {column}:']")


def test_page_loads_quietly_and_small(page: Any, watch: Watch) -> None:
    page.wait_for_load_state("networkidle")
    assert watch.bytes < 500_000, f"the lesson page transferred {watch.bytes:,} bytes"
    assert page.locator(".cs-directive-error").count() == 0
    assert page.locator("math").count() > 5


def test_by_hand_section_shows_window_products_and_160(page: Any) -> None:
    explain = page.locator(f"{STEP} .cs-explain")
    assert explain.locator(".cs-result").inner_text() == "160"
    sum_text = explain.locator(".cs-sum-text").inner_text()
    assert sum_text == "−10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160"
    assert page.locator(f"{STEP} .cs-in-window").count() == 9
    products = explain.locator(".cs-role-products .cs-cell").all_inner_texts()
    assert products == ["−10", "0", "30", "−40", "0", "120", "−30", "0", "90"]


def test_by_hand_position_picker_explains_another_cell(page: Any) -> None:
    page.locator(f"{STEP} select").select_option("2,1")
    expect_result(page, f"{STEP} .cs-result", "320")


def expect_result(page: Any, selector: str, text: str) -> None:
    page.wait_for_function(
        "([s, t]) => document.querySelector(s)?.textContent.trim() === t", arg=[selector, text]
    )


def test_flip_toggle_turns_the_kernel_and_checks_commutativity(page: Any) -> None:
    applied = page.locator(f"{FLIP} [aria-label='applied kernel'] .cs-cell")
    assert applied.all_inner_texts() == ["1", "2", "0", "−1"]
    page.get_by_role("button", name="True convolution (kernel turned 180°)").click()
    assert applied.all_inner_texts() == ["−1", "0", "2", "1"]
    verdicts = page.locator(f"{FLIP} .cs-verdict").all_inner_texts()
    assert "True convolution: equal — it commutes." in verdicts
    assert any(text.startswith("Cross-correlation: different") for text in verdicts)


def test_torch_section_reports_the_live_comparison(page: Any) -> None:
    pytest.importorskip("torch")
    verdict = page.locator(f"{TORCH} .cs-verdict").inner_text()
    assert verdict.startswith("✓ Equal: PyTorch")
    assert "(1, 1, 5, 5)" in page.locator(f"{TORCH} .cs-formula").inner_text()
    assert output_texts(page, TORCH)[:3] == ["160", "160", "160"]


def test_calculator_shows_the_chapters_output(page: Any) -> None:
    assert output_texts(page) == ["160"] * 3 + ["240"] * 3 + ["320"] * 3
    assert "= 3" in page.locator(f"{CALC} .cs-formula").inner_text()


def test_clicking_an_output_cell_pins_its_sum_and_window(page: Any) -> None:
    output_cell(page, 1, 2).click()
    page.mouse.move(0, 0)  # leave the grid: the pinned cell stays explained
    assert page.locator(f"{CALC} .cs-explain .cs-result").inner_text() == "240"
    window = page.locator(f"{CALC} .cs-role-input .cs-in-window")
    assert window.count() == 9
    assert window.first.get_attribute("aria-label") == "input row 1, column 2: 60"


def test_editing_an_input_cell_changes_the_output(page: Any) -> None:
    cell = input_cell(page, 0, 0)
    cell.fill("110")
    cell.press("Enter")
    # the top-left window now holds 110 under the weight −1 instead of 10: 160 − 100 = 60
    page.wait_for_function(
        "s => document.querySelector(s)?.textContent === '60'",
        arg=f"{CALC} [aria-label^='output row 0, column 0:']",
    )
    assert output_texts(page)[1] == "160"


def test_a_bad_value_is_explained_next_to_the_input(page: Any, watch: Watch) -> None:
    cell = input_cell(page, 0, 0)
    cell.fill("ten")
    cell.press("Enter")
    error = page.locator(f"{CALC} [data-error-for='input']")
    error.wait_for(state="visible")
    assert "must be a number, got 'ten'" in error.inner_text()
    watch.problems = [p for p in watch.problems if "status of 422" not in p]


def test_animation_runs_to_the_last_position(page: Any) -> None:
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


def test_keyboard_moves_between_cells_and_selects(page: Any) -> None:
    output_cell(page, 0, 0).focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "output row 1, column 1: 240"
    assert page.locator(f"{CALC} .cs-current").get_attribute("aria-pressed") == "true"


def test_padding_is_drawn_as_its_own_cells(page: Any) -> None:
    page.locator(f"{CALC} select[data-key='padding']").select_option("1")
    page.wait_for_function(
        "s => document.querySelectorAll(s).length === 24", arg=f"{CALC} .cs-role-input .cs-pad"
    )
    assert len(output_texts(page)) == 25
    output_cell(page, 0, 0).click()
    assert page.locator(f"{CALC} .cs-role-input .cs-pad.cs-in-window").count() == 5


def test_edits_survive_a_reload_and_reset_restores_the_example(page: Any) -> None:
    page.locator(f"{CALC} select[data-key='stride']").select_option("2")
    page.wait_for_function(
        "s => document.querySelectorAll(s).length === 4", arg=f"{CALC} .cs-role-output .cs-cell"
    )
    page.reload()
    page.wait_for_function(
        "s => document.querySelectorAll(s).length === 4", arg=f"{CALC} .cs-role-output .cs-cell"
    )
    page.locator(f"{CALC} button[data-key='reset']").click()
    page.wait_for_function(
        "s => document.querySelectorAll(s).length === 9", arg=f"{CALC} .cs-role-output .cs-cell"
    )


def test_reduced_motion_still_steps_through_every_position(browser: Any, server_url: str) -> None:
    context = browser.new_context(reduced_motion="reduce")
    page = context.new_page()
    page.goto(server_url + "/")
    page.locator(f"{CALC} button[data-key='step']").click()
    page.locator(f"{CALC} button[data-key='step']").click()
    assert page.locator(f"{CALC} .cs-player [role='status']").inner_text() == "position 2 of 9"
    context.close()


SECTIONS = [
    ("1-flip", FLIP),
    ("2-by-hand", STEP),
    ("4-pytorch", TORCH),
    ("5-calculator", CALC),
]


@pytest.mark.parametrize(("name", "selector"), SECTIONS)
def test_screenshot_of_each_section(page: Any, screenshots: Path, name: str, selector: str) -> None:
    if name == "5-calculator":
        output_cell(page, 0, 0).click()
    widget = page.locator(selector)
    page.evaluate(
        "el => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 24)",
        widget.element_handle(),
    )
    page.mouse.move(0, 0)
    page.screenshot(path=screenshots / f"section-{name}.png")
    shoot(widget, screenshots / f"widget-{name}.png")
    if name == "5-calculator":  # the clicked cell's explanation is what the picture shows
        assert page.locator(f"{CALC} .cs-explain .cs-result").inner_text() == "160"


def test_page_fits_a_390_px_phone(browser: Any, server_url: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector(f"{CALC} .cs-grid")
    overflow = page.evaluate("document.documentElement.scrollWidth")
    page.locator(CALC).scroll_into_view_if_needed()
    output_cell(page, 0, 0).click()
    page.screenshot(path=screenshots / "calculator-390px.png")
    page.screenshot(path=screenshots / "lesson-390px-full.png", full_page=True)
    context.close()
    assert overflow <= 390, f"the page is {overflow} px wide on a 390 px screen"


def test_every_cell_has_an_accessible_name(page: Any) -> None:
    names = page.locator(f"{CALC} .cs-cell").evaluate_all(
        "cells => cells.map(c => c.getAttribute('aria-label'))"
    )
    assert all(name and re.search(r"row \d+, column \d+: ", name) for name in names)


def test_a_cell_reads_as_a_formula_and_takes_its_numbers_on_request(page: Any) -> None:
    from convscope import trace
    from convscope.tracing.formula import formula_of

    state = page.locator(CALC).first
    output_cell(page, 1, 2).click()
    formula = page.locator(f"{CALC} details.cs-formula")
    formula.locator("summary").click()  # a <details>: Enter or Space opens it from the keyboard
    symbols = formula.locator(".cs-formula-symbols")
    numbers = formula.locator(".cs-formula-numbers")
    assert symbols.inner_text().startswith("y₁₂ = w₀₀·x₁₂ + w₀₁·x₁₃")
    assert numbers.is_hidden()
    formula.get_by_role("button", name="Put the numbers in").click()
    image = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
    expected = formula_of(trace(image, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]), 1, 2)
    assert numbers.inner_text() == expected.substituted() and numbers.is_visible()
    output_cell(page, 0, 0).click()  # another cell keeps the formula open, numbers in
    assert symbols.inner_text() != "" and formula.locator(".cs-formula-numbers").inner_text() == (
        "y₀₀ = (−1)·10 + 0·20 + 1·30 + (−2)·20 + 0·40 + 2·60 + (−1)·30 + 0·60 + 1·90 = 160"
    )
    assert state.locator("[data-error-for]:not(:empty)").count() == 0


def test_hovering_previews_and_leaving_returns_to_the_pinned_cell(page: Any) -> None:
    output_cell(page, 0, 0).click()
    output_cell(page, 2, 1).hover()
    result = page.locator(f"{CALC} .cs-explain .cs-result")
    assert result.inner_text() == "320"
    page.mouse.move(0, 0)
    assert result.inner_text() == "160"


def test_dark_theme_screenshot(browser: Any, server_url: str, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme="dark")
    page = context.new_page()
    page.goto(server_url + "/")
    page.wait_for_selector(f"{CALC} .cs-grid")
    page.locator(f"{CALC} select[data-key='padding']").select_option("1")
    page.wait_for_selector(f"{CALC} .cs-pad")
    output_cell(page, 0, 0).click()
    page.mouse.move(0, 0)
    page.locator(CALC).screenshot(path=screenshots / "widget-5-calculator-dark-padding.png")
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    context.close()
    assert background == "rgb(21, 24, 28)"


def test_large_numbers_and_a_12x12_grid_stay_readable(page: Any, screenshots: Path) -> None:
    page.locator(f"{CALC} select[data-key='input_rows']").select_option("12")
    page.wait_for_selector(f"{CALC} [aria-label^='input row 11, column 0:']")
    page.locator(f"{CALC} select[data-key='input_cols']").select_option("12")
    page.wait_for_selector(f"{CALC} [aria-label^='input row 11, column 11:']")
    cell = input_cell(page, 0, 2)
    cell.fill("-123456789")
    cell.press("Enter")
    # 160 − 30 + (−123456789): the weight +1 at the window's top-right now meets −123456789
    page.wait_for_selector(f"{CALC} [aria-label='output row 0, column 0: −123,456,659']")
    clipped = page.locator(f"{CALC} .cs-cell").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).length"
    )
    widget = page.locator(CALC)
    widget.screenshot(path=screenshots / "widget-5-calculator-12x12.png")
    assert clipped == 0
