"""Click through the fifth lesson like a learner: every number read off the page is the engine's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from convscope import conv1d, conv3d, conv_transpose1d, param_count
from convscope.engine.receptive import receptive_field
from convscope.tracing.numbers import format_number
from convscope.widgets.beyond_check.variants import GENERATORS
from convscope.widgets.signal_1d import KERNELS, torch_output
from convscope.widgets.signal_1d import Signal1dInputs as Signal
from convscope.widgets.signal_1d.series import temperature_series
from convscope.widgets.volume_3d import Volume3dInputs

from .conftest import Watch, open_watched, wait_text

pytestmark = pytest.mark.browser

LESSON = "/lessons/beyond-the-image"
SIGNAL = "#widget-signal_1d-1"
TREE = "#widget-causal_tree-2"
GROUPS = "#widget-groups-3"
VOLUME = "#widget-volume_3d-4"
CHECK = "#widget-beyond_check-5"
ALL = [SIGNAL, TREE, GROUPS, VOLUME, CHECK]


@pytest.fixture(autouse=True, scope="module")
def torch_imported() -> None:
    """Import torch before the page asks: a cold import on a busy machine takes seconds."""
    torch_output(Signal())


def open_lesson(browser: Any, server_url: str, watch: Watch, width: int) -> Iterator[Any]:
    ready = [f"{selector} .cs-controls" for selector in ALL]
    yield from open_watched(browser, watch, server_url + LESSON, ready, width=width)


@pytest.fixture
def lesson(browser: Any, server_url: str, watch: Watch) -> Iterator[Any]:
    yield from open_lesson(browser, server_url, watch, 1280)


def marked(page: Any, selector: str, attribute: str) -> list[int]:
    return [int(node.get_attribute(attribute)) for node in page.locator(selector).all()]


def test_a_clicked_sample_shows_the_engines_sum_window_and_formula(lesson: Any) -> None:
    series = temperature_series()
    smoothed = conv1d(series, KERNELS["smooth"])
    lesson.locator(f"{SIGNAL} [aria-label^='output[8]:']").click()
    explain = lesson.locator(f"{SIGNAL} .cs-explain")
    assert explain.locator("h3").inner_text() == "How output[8] is computed"
    assert explain.locator(".cs-result").inner_text() == format_number(smoothed[8])
    assert marked(lesson, f"{SIGNAL} .cs-role-input .cs-in-window", "data-c") == [8, 9, 10]
    formula = explain.locator(".cs-formula-text")
    assert formula.inner_text() == "y₈ = w₀·x₈ + w₁·x₉ + w₂·x₁₀"
    explain.get_by_role("button", name="With the numbers").click()
    numbers = " + ".join(f"{w:g}·{x}" for w, x in zip(KERNELS["smooth"], series[8:11], strict=True))
    assert formula.inner_text() == f"y₈ = {numbers} = {format_number(smoothed[8])}"
    assert "gives the same samples" in lesson.locator(f"{SIGNAL} .cs-torch-line").inner_text()


def test_causal_difference_reads_a_padding_zero_and_no_later_sample(lesson: Any) -> None:
    lesson.locator(f"{SIGNAL} [data-key='kernel_name-difference']").click()
    lesson.locator(f"{SIGNAL} select[data-key='padding']").select_option("causal")
    wait_text(lesson, f"{SIGNAL} .cs-torch-line", "F.pad(x, (1, 0))")
    lesson.locator(f"{SIGNAL} [aria-label^='output[0]:']").click()
    explain = lesson.locator(f"{SIGNAL} .cs-explain")
    causal = conv1d(temperature_series(), [-1, 1], padding="causal")
    assert explain.locator(".cs-result").inner_text() == format_number(causal[0])
    assert explain.locator(".cs-formula-text").inner_text() == "y₀ = w₀·0 + w₁·x₀"
    assert "1 of the terms multiply a zero" in explain.inner_text()


def test_a_transposed_sample_lists_the_stamps_that_land_on_it(lesson: Any) -> None:
    lesson.locator(f"{SIGNAL} [data-key='operation-transposed']").click()
    lesson.locator(f"{SIGNAL} select[data-key='stride']").select_option("2")
    wait_text(lesson, f"{SIGNAL} .cs-torch-line", "conv_transpose1d(x, w, stride=2)")
    assert lesson.locator(f"{SIGNAL} select[data-key='padding']").is_disabled()
    lesson.locator(f"{SIGNAL} [aria-label^='output[5]:']").click()
    explain = lesson.locator(f"{SIGNAL} .cs-explain")
    upsampled = conv_transpose1d(temperature_series(), KERNELS["smooth"], stride=2)
    assert explain.locator(".cs-result").inner_text() == format_number(upsampled[5])
    assert explain.locator(".cs-formula-text").inner_text() == "y₅ = w₁·x₂"
    assert marked(lesson, f"{SIGNAL} .cs-role-input .cs-in-window", "data-c") == [2]


def test_a_refused_length_stays_chosen_beside_its_message_and_greys_the_results(
    lesson: Any, watch: Watch
) -> None:
    lesson.locator(f"{SIGNAL} select[data-key='length']").select_option("2")
    wait_text(lesson, f"{SIGNAL} [data-error-for='kernel']", "span 3 samples")
    assert lesson.locator(f"{SIGNAL} select[data-key='length']").input_value() == "2"
    assert "cs-stale" in (lesson.locator(f"{SIGNAL} .cs-results").get_attribute("class") or "")
    assert lesson.locator(f"{SIGNAL} .cs-stale-note").is_visible()
    # the 422 provoked on purpose is reported by Chromium as a failed resource load
    watch.problems = [p for p in watch.problems if "status of 422" not in p]


def test_a_causal_output_lights_exactly_its_receptive_field_and_no_future(lesson: Any) -> None:
    layers = [{"kernel_size": (1, 2), "dilation": (1, d)} for d in (1, 2, 4, 8)]
    field = receptive_field(layers).size[1]
    for t in (15, 6):
        lesson.locator(f"{TREE} [aria-label='output[{t}]']").click()
        lit = marked(lesson, f"{TREE} .cs-node.cs-reached[data-level='0']", "data-index")
        assert lit == list(range(max(0, t - field + 1), t + 1))
        assert not [s for s in lit if s > t]
        future = lesson.locator(f"{TREE} .cs-node.cs-future.cs-reached")
        assert future.count() == 0
        assert (
            f"None of the {23 - t} later samples"
            in lesson.locator(f"{TREE} .cs-explain").inner_text()
        )
    # the keyboard: from output[6], one to the left and Enter
    lesson.locator(f"{TREE} [aria-label='output[6]']").focus()
    lesson.keyboard.press("ArrowLeft")
    lesson.keyboard.press("Enter")
    assert (
        lesson.locator(f"{TREE} [aria-label='output[5]']").get_attribute("aria-pressed") == "true"
    )
    assert marked(lesson, f"{TREE} .cs-node.cs-reached[data-level='0']", "data-index") == list(
        range(6)
    )


def test_the_groups_slider_moves_the_parameter_count(lesson: Any) -> None:
    params = lesson.locator(f"{GROUPS} [data-count='params']")
    assert params.inner_text() == format_number(param_count(6, 6, 3))
    slider = lesson.locator(f"{GROUPS} input[type='range']")
    for stop, groups in ((1, 2), (2, 3), (3, 6)):
        slider.focus()
        lesson.keyboard.press("ArrowRight")
        wait_text(lesson, f"{GROUPS} .cs-groups-value", f"groups = {groups}")
        expected = format_number(param_count(6, 6, 3, groups=groups))
        lesson.wait_for_function(
            "([s, t]) => document.querySelector(s)?.textContent === t",
            arg=[f"{GROUPS} [data-count='params']", expected],
        )
        assert lesson.locator(f"{GROUPS} .cs-link").count() == 36 // groups
        assert slider.input_value() == str(stop)
    assert "depthwise" in lesson.locator(f"{GROUPS} .cs-groups-links").inner_text()
    pair = lesson.locator(f"{GROUPS} [data-layer='pair'] td").all_inner_texts()
    assert pair[2] == format_number(param_count(6, 6, 3, groups=6) + param_count(6, 6, 1))


def test_a_volume_cell_is_the_sum_of_its_slice_sums(lesson: Any) -> None:
    default = Volume3dInputs()
    expected = conv3d(default.volume, default.kernel)[1, 1, 2]
    lesson.locator(f"{VOLUME} [aria-label^='output[1, 1, 2]:']").click()
    total = lesson.locator(f"{VOLUME} .cs-volume-total")
    assert total.locator(".cs-result").inner_text() == format_number(expected)
    windows = lesson.locator(f"{VOLUME} .cs-in-window").count()
    assert windows == 8  # a 2×2 window on each of the two frames the 2×2×2 kernel reaches
    formula = lesson.locator(f"{VOLUME} .cs-formula-text")
    assert formula.inner_text().startswith("y₁₁₂ = w₀₀₀·x₁₁₂ + w₀₀₁·x₁₁₃")
    lesson.locator(f"{VOLUME} [data-key='formula-substituted']").click()
    assert formula.inner_text().endswith(f"= {format_number(expected)}")


@pytest.mark.parametrize(
    ("widget", "kind"),
    [
        (CHECK, "causal_length"),
        ("#widget-beyond_check-6", "separable_params"),
        ("#widget-beyond_check-7", "frames_3d"),
    ],
)
def test_each_quick_check_is_marked_by_the_engine(lesson: Any, widget: str, kind: str) -> None:
    question = GENERATORS[kind](0)
    assert lesson.locator(f"{widget} .cs-question").inner_text() == question.question
    box = lesson.locator(f"{widget} input[data-key='answer']")
    box.fill(str(question.answer + 1))
    lesson.locator(f"{widget} [data-key='check']").click()
    wait_text(
        lesson, f"{widget} .cs-quiz-result", f"the answer is {format_number(question.answer)}"
    )
    box.fill(str(question.answer))
    lesson.locator(f"{widget} [data-key='check']").click()
    wait_text(lesson, f"{widget} .cs-quiz-result", "Right")
    assert question.working in lesson.locator(f"{widget} .cs-quiz-result").inner_text()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_and_nothing_wider_than_the_screen(
    browser: Any, server_url: str, watch: Watch, screenshots: Path, width: int
) -> None:
    for page in open_lesson(browser, server_url, watch, width):
        page.locator(f"{SIGNAL} [aria-label^='output[3]:']").click()
        page.locator(f"{TREE} [aria-label='output[20]']").click()
        page.locator(f"{VOLUME} [aria-label^='output[0, 1, 1]:']").click()
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"the page is {overflow} px wide at {width} px"
        page.screenshot(path=str(screenshots / f"lesson5-{width}.png"), full_page=True)


def test_the_exported_page_works_from_disk(
    browser: Any, watch: Watch, tmp_path: Path, screenshots: Path
) -> None:
    from convscope.export.site import export_site
    from convscope.lessons import CONTENT

    source = tmp_path / "lesson"
    source.mkdir()
    (source / "beyond-the-image.md").write_text(
        (CONTENT / "beyond-the-image.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    export_site(source, tmp_path / "site")
    page_file = tmp_path / "site" / "beyond-the-image.html"
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watch.origin = page_file.parent.as_uri()
    watch.attach(page)
    page.goto(page_file.as_uri())
    page.wait_for_selector(f"{TREE} .cs-controls")
    page.locator(f"{SIGNAL} [aria-label^='output[8]:']").click()
    smoothed = conv1d(temperature_series(), KERNELS["smooth"])
    assert page.locator(f"{SIGNAL} .cs-explain .cs-result").inner_text() == format_number(
        smoothed[8]
    )
    page.locator(f"{SIGNAL} select[data-key='padding']").select_option("causal")  # precomputed
    wait_text(page, f"{SIGNAL} .cs-torch-line", "F.pad(x, (2, 0))")
    page.locator(f"{TREE} [aria-label='output[10]']").click()
    lit = marked(page, f"{TREE} .cs-node.cs-reached[data-level='0']", "data-index")
    assert lit == list(range(11))
    page.locator(f"{GROUPS} input[type='range']").focus()
    page.keyboard.press("ArrowRight")
    wait_text(
        page, f"{GROUPS} [data-count='params']", format_number(param_count(6, 6, 3, groups=2))
    )
    context.close()
    assert watch.problems == []
