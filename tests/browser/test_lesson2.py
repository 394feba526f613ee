"""Click through the second lesson like a learner and read the numbers the page shows."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope.lessons.sources import LessonLibrary
from convscope.widgets.quick_check.variants import GENERATORS

from .conftest import Watch, open_watched, shoot, wait_text

pytestmark = pytest.mark.browser

LESSON = "/lessons/stride-padding-pooling"
STRIDE = "#widget-calculator-1"
SAME = "#widget-calculator-2"
MODES = "#widget-padding_modes-3"
POOL = "#widget-pooling-4"
TRANS = "#widget-transposed-5"
CHECKER = "#widget-checkerboard-6"
FIELD = "#widget-receptive-7"
QUIZ_SIZE = "#widget-quick_check-8"
ALL = [STRIDE, SAME, MODES, POOL, TRANS, CHECKER, FIELD, QUIZ_SIZE]


def open_lesson(browser: Any, server_url: str, watch: Watch, width: int) -> Iterator[Any]:
    ready = [f"{selector} .cs-controls, {selector} .cs-question" for selector in ALL]
    yield from open_watched(browser, watch, server_url + LESSON, ready, width=width, height=800)


@pytest.fixture
def lesson(browser: Any, server_url: str, watch: Watch) -> Iterator[Any]:
    yield from open_lesson(browser, server_url, watch, 1280)


def texts(page: Any, selector: str) -> list[str]:
    return [text.strip() for text in page.locator(selector).all_inner_texts()]


def test_page_loads_quietly_and_small(lesson: Any, watch: Watch) -> None:
    lesson.wait_for_load_state("networkidle")
    assert watch.bytes < 500_000, f"the lesson page transferred {watch.bytes:,} bytes"
    assert lesson.locator(".cs-directive-error, .cs-error-box").count() == 0
    assert lesson.locator("math").count() >= 8


def test_stride_and_same_padding_fill_in_the_size_formula(lesson: Any) -> None:
    assert "rows ⌊(6 + 1 + 1 − 3) ÷ 2⌋ + 1 = 3" in lesson.locator(f"{STRIDE} .cs-size").inner_text()
    # 'same' with a 4×4 kernel: one padded row above, two below
    assert "⌊(5 + 1 + 2 − 4) ÷ 1⌋ + 1 = 5" in lesson.locator(f"{SAME} .cs-size").inner_text()
    lesson.locator(f"{STRIDE} [aria-label^='output row 0, column 0:']").click()
    assert lesson.locator(f"{STRIDE} .cs-explain .cs-result").inner_text() == "9"  # 1 + 2 + 2 + 4
    assert lesson.locator(f"{STRIDE} .cs-in-window.cs-pad").count() == 5


def test_padding_modes_show_each_border(lesson: Any) -> None:
    reflect = f"{MODES} [data-mode='reflect'] .cs-cell"
    assert texts(lesson, reflect)[:8] == ["11", "10", "9", "10", "11", "12", "11", "10"]
    circular = f"{MODES} [data-mode='circular'] .cs-cell"
    assert texts(lesson, circular)[:4] == ["11", "12", "9", "10"]
    assert lesson.locator(f"{MODES} [data-mode='zeros'] .cs-pad").count() == 64 - 16
    assert lesson.locator(f"{MODES} .cs-padded-photo img").count() == 4
    lesson.locator(f"{MODES} [aria-label='input row 0, column 0: 1']").fill("7")
    lesson.keyboard.press("Enter")
    wait_text(lesson, f"{MODES} [data-mode='replicate'] .cs-cell", "7")
    assert texts(lesson, f"{MODES} [data-mode='replicate'] .cs-cell")[:3] == ["7", "7", "7"]
    lesson.locator(f"{MODES} select[data-key='padding']").select_option("same")
    lesson.locator(f"{MODES} select[data-key='kernel_size']").select_option("4")
    wait_text(lesson, f"{MODES} .cs-resolved", "top 1, bottom 2, left 1, right 2")


def test_pooling_explains_a_window_and_its_winner(lesson: Any) -> None:
    lesson.locator(f"{POOL} [aria-label^='output row 0, column 1:']").click()
    assert lesson.locator(f"{POOL} .cs-sum-text").inner_text() == "max(2, 9, 1, 2) = 9"
    assert lesson.locator(f"{POOL} .cs-role-input .cs-cell.cs-in-window").count() == 4
    winner = lesson.locator(f"{POOL} [aria-label^='input'].cs-winner")
    assert winner.get_attribute("aria-label") == "input row 0, column 3: 9"
    lesson.get_by_role("button", name="Average pooling").click()
    wait_text(lesson, f"{POOL} .cs-role-output", "3.75")
    assert texts(lesson, f"{POOL} .cs-role-output .cs-cell")[:3] == ["3.75", "3.5", "3.5"]
    lesson.locator(f"{POOL} select[data-key='stride']").select_option("1")
    wait_text(lesson, POOL, "windows overlap: some cells are read by 4 windows")
    assert lesson.locator(f"{POOL} .cs-pixelated img").count() == 4


def test_transposed_scatter_steps_and_gather_agree(lesson: Any) -> None:
    step = lesson.locator(f"{TRANS} button[data-key='step']")
    step.click()
    step.click()
    wait_text(lesson, f"{TRANS} .cs-stamp-status", "stamp 2 of 4")
    # after the stamps of input 1 and 2: the first row is 1, 0, 1+2, 0, −1×2
    assert texts(lesson, f"{TRANS} .cs-view [aria-label^='output row 0,']") == [
        "1", "0", "1", "0", "−2"
    ]  # fmt: skip
    assert lesson.locator(f"{TRANS} .cs-stamped").count() == 9
    assert lesson.locator(f"{TRANS} .cs-stamping").count() == 1
    lesson.locator(f"{TRANS} button[data-key='all']").click()
    lesson.locator(f"{TRANS} [aria-label^='gather output row 2, column 2:']").click()
    explain = lesson.locator(f"{TRANS} .cs-explain-slot")
    assert "1×1 + 2×0 + 3×(−1) + 4×1 = 2" in explain.locator(".cs-scatter-explain").inner_text()
    results = texts(lesson, f"{TRANS} .cs-explain-slot .cs-result")
    assert results == ["2", "2"]
    assert "Equal" in lesson.locator(f"{TRANS} .cs-verdict").inner_text()


def test_checkerboard_sides_tell_even_from_uneven(lesson: Any) -> None:
    verdicts = texts(lesson, f"{CHECKER} .cs-verdict")
    assert verdicts[0].startswith("3 is not a multiple of 2")
    assert verdicts[1].startswith("4 is a multiple of 2")
    lesson.locator(f"{CHECKER} select[data-key='kernel_b']").select_option("5")
    wait_text(lesson, f"{CHECKER} .cs-checker-side:nth-child(2) .cs-verdict", "5 is not a multiple")


def test_receptive_field_formula_and_engine_agree_and_follow_the_click(lesson: Any) -> None:
    rows = texts(lesson, f"{FIELD} tbody tr")
    assert rows[2].split("\t")[2:7] == ["8", "8", "2", "2", "✓ equal"]
    lesson.locator(f"{FIELD} [aria-label^='last layer row 0, column 0']").click()
    wait_text(lesson, f"{FIELD} .cs-region-text", "last layer[0, 0] (row 0, column 0")
    assert (
        "rows 0 to 7 and columns 0 to 7" in lesson.locator(f"{FIELD} .cs-region-text").inner_text()
    )
    assert lesson.locator(f"{FIELD} [aria-label^='input row 0, column 0:']").inner_text() == "1"
    lesson.locator(f"{FIELD} button[data-key='add']").click()
    lesson.wait_for_function(
        "s => document.querySelectorAll(s).length === 4", arg=f"{FIELD} tbody tr"
    )
    assert all(row.endswith("✓ equal") for row in texts(lesson, f"{FIELD} tbody tr"))


def test_quick_check_marks_an_answer_on_the_server(lesson: Any) -> None:
    answer = GENERATORS["output_size"](0).answer
    lesson.locator(f"{QUIZ_SIZE} input").fill(str(answer + 1))
    lesson.locator(f"{QUIZ_SIZE} button[type='submit']").click()
    wait_text(lesson, f"{QUIZ_SIZE} .cs-verdict", "Not quite")
    lesson.locator(f"{QUIZ_SIZE} button[data-key='retry']").click()
    lesson.locator(f"{QUIZ_SIZE} .cs-verdict").wait_for(state="detached")
    lesson.locator(f"{QUIZ_SIZE} input").fill(str(answer))
    lesson.locator(f"{QUIZ_SIZE} input").press("Enter")
    wait_text(lesson, f"{QUIZ_SIZE} .cs-verdict", "Right")


POOL_GRID = [  # the lesson's example input
    [1, 3, 2, 9, 0, 4],
    [5, 6, 1, 2, 7, 3],
    [8, 0, 4, 4, 1, 2],
    [2, 7, 3, 5, 6, 8],
    [4, 1, 9, 0, 2, 5],
    [6, 3, 2, 8, 4, 1],
]


def shown(values: Any) -> list[str]:
    return [f"{v:g}" for v in values.flatten().tolist()]


def test_pooling_rounds_up_and_counts_padding_as_torch_does(
    lesson: Any, screenshots: Path, watch: Watch
) -> None:
    torch = pytest.importorskip("torch")
    pool = torch.nn.functional
    x = torch.tensor(POOL_GRID, dtype=torch.float64)[None, None]
    output = f"{POOL} .cs-role-output .cs-cell"
    lesson.locator(f"{POOL} select[data-key='kernel_size']").select_option("3")
    wait_text(lesson, POOL, "Max pooled (2×2)")
    lesson.locator(f"{POOL} input[data-key='ceil_mode']").check()
    wait_text(lesson, POOL, "Max pooled (3×3)")
    assert texts(lesson, output) == shown(pool.max_pool2d(x, 3, 2, ceil_mode=True))
    size = lesson.locator(f"{POOL} .cs-size").inner_text()
    assert "⌈(6 + 2×0 − 3) ÷ 2⌉ + 1 = 3 (rounding down gives only 2)" in size
    lesson.locator(f"{POOL} [aria-label^='output row 0, column 2:']").click()
    hanging = lesson.locator(f"{POOL} .cs-explain .cs-beyond.cs-in-window")
    assert hanging.count() == 3  # the window's third column lies past the edge
    assert lesson.locator(f"{POOL} .cs-explain .cs-result").inner_text() == "7"
    lesson.mouse.move(0, 0)
    lesson.locator(POOL).screenshot(path=screenshots / "lesson2-pooling-ceil-mode.png")

    lesson.get_by_role("button", name="Average pooling").click()
    wait_text(lesson, POOL, "Average pooled (3×3)")
    assert lesson.locator(f"{POOL} select[data-key='dilation']").is_disabled()
    lesson.locator(f"{POOL} input[data-key='ceil_mode']").uncheck()
    lesson.locator(f"{POOL} select[data-key='kernel_size']").select_option("2")
    lesson.locator(f"{POOL} select[data-key='padding']").select_option("1")
    wait_text(lesson, POOL, "Average pooled (4×4)")
    lesson.locator(f"{POOL} [aria-label^='output row 0, column 1:']").click()
    for include, divisor in ((True, 4), (False, 2)):
        expected = pool.avg_pool2d(x, 2, 2, 1, count_include_pad=include)
        sum_text = f"(3 + 2) / {divisor} = {float(expected[0, 0, 0, 1]):g}"
        wait_text(lesson, f"{POOL} .cs-sum-text", sum_text)
        assert texts(lesson, output) == shown(expected)
        if include:
            lesson.locator(f"{POOL} input[data-key='count_include_pad']").uncheck()
    notes = lesson.locator(f"{POOL} .cs-explain").inner_text()
    assert "divided by 2: only the 2 input cells" in notes
    lesson.mouse.move(0, 0)
    lesson.locator(POOL).screenshot(path=screenshots / "lesson2-pooling-divisor.png")
    lesson.locator(f"{POOL} select[data-key='padding']").select_option("2")
    wait_text(lesson, f"{POOL} [data-error-for='padding']", "must be at most half the pooling")
    # the 422 provoked on purpose is reported by Chromium as a failed resource load
    watch.problems = [p for p in watch.problems if "status of 422" not in p]


def test_keyboard_reaches_every_widget_and_selects_a_pooled_cell(lesson: Any) -> None:
    reached: set[str] = set()
    for _ in range(400):
        lesson.keyboard.press("Tab")
        widget = lesson.evaluate("document.activeElement.closest('.cs-widget')?.id ?? ''")
        reached.add(widget)
        if all(selector[1:] in reached for selector in ALL):
            break
    assert {selector[1:] for selector in ALL} <= reached
    lesson.locator(f"{POOL} [aria-label^='output row 0, column 0:']").focus()
    lesson.keyboard.press("ArrowRight")
    lesson.keyboard.press("Enter")
    assert lesson.locator(f"{POOL} .cs-sum-text").inner_text() == "max(2, 9, 1, 2) = 9"


def test_lessons_link_to_each_other_and_the_index_lists_them(lesson: Any, server_url: str) -> None:
    lesson.goto(server_url + "/lessons/convolution")
    lesson.get_by_role("link", name="Stride, padding, pooling and the receptive field").click()
    lesson.wait_for_url(server_url + LESSON)
    lesson.get_by_role("link", name="All lessons").click()
    titles = texts(lesson, ".cs-lesson-list a")
    assert titles[:2] == [
        "The convolution operation",
        "Stride, padding, pooling and the receptive field",
    ]
    assert len(titles) == len(LessonLibrary.builtin().slugs()) >= 5


SHOTS = [
    ("1-stride", STRIDE),
    ("2-padding-modes", MODES),
    ("3-pooling", POOL),
    ("4-transposed", TRANS),
    ("5-checkerboard", CHECKER),
    ("6-receptive", FIELD),
    ("7-quick-check", QUIZ_SIZE),
]


def test_screenshots_of_every_section(lesson: Any, screenshots: Path) -> None:
    lesson.locator(f"{POOL} [aria-label^='output row 1, column 1:']").click()
    lesson.locator(f"{TRANS} button[data-key='step']").click()
    lesson.locator(f"{TRANS} button[data-key='step']").click()
    lesson.locator(f"{TRANS} [aria-label^='output row 2, column 2:']").first.click()
    lesson.mouse.move(0, 0)
    for name, selector in SHOTS:
        shoot(lesson.locator(selector), screenshots / f"lesson2-{name}.png")


def test_page_fits_a_390_px_phone(
    browser: Any, server_url: str, watch: Watch, screenshots: Path
) -> None:
    for page in open_lesson(browser, server_url, watch, 390):
        overflow = page.evaluate("document.documentElement.scrollWidth")
        page.locator(f"{TRANS} [aria-label^='gather output row 2, column 2:']").click()
        page.locator(TRANS).screenshot(path=screenshots / "lesson2-390px-transposed.png")
        page.locator(FIELD).screenshot(path=screenshots / "lesson2-390px-receptive.png")
        page.screenshot(path=screenshots / "lesson2-390px-full.png", full_page=True)
        assert overflow <= 390, f"the page is {overflow} px wide on a 390 px screen"
