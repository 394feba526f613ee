"""The lesson's loop taken from its file, its timing against the engine, the ``speed`` widget."""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope import conv2d
from convscope.export import export_site
from convscope.export.precomputed import unpack
from convscope.widgets import speed as speed_widget
from convscope.widgets.registry import WIDGETS
from convscope.widgets.speed import timing as speed

# The chapter's 5×5 gradient and Sobel X, and the map it writes out: 160, 240, 320 down the rows.
GRADIENT = np.array([[10.0 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)])
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])


def test_loader_gives_the_lessons_function_without_running_the_program(
    capsys: pytest.CaptureFixture[str],
) -> None:
    loop = speed.lesson_loop()
    assert loop.__name__ == "cross_correlate"
    assert loop.__code__.co_filename == str(speed.LESSON_PROGRAM)
    assert capsys.readouterr().out == ""  # the file's own print did not run


def test_lessons_loop_gives_the_chapters_map_on_the_gradient() -> None:
    result = speed.lesson_loop()(GRADIENT, SOBEL_X)
    assert result.tolist() == [[160.0] * 3, [240.0] * 3, [320.0] * 3]
    np.testing.assert_array_equal(result, conv2d(GRADIENT, SOBEL_X))


@settings(max_examples=40, deadline=None)
@given(
    rows=st.integers(3, 12),
    cols=st.integers(3, 12),
    k_rows=st.integers(1, 3),
    k_cols=st.integers(1, 3),
    seed=st.integers(0, 2**32 - 1),
)
def test_lessons_loop_equals_conv2d_on_random_data(
    rows: int, cols: int, k_rows: int, k_cols: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    image, kernel = rng.standard_normal((rows, cols)), rng.standard_normal((k_rows, k_cols))
    np.testing.assert_allclose(speed.lesson_loop()(image, kernel), conv2d(image, kernel))


def test_lessons_loop_equals_torch_on_the_timed_data() -> None:
    torch = pytest.importorskip("torch")
    image, kernel = speed.speed_data()
    expected = torch.nn.functional.conv2d(
        torch.from_numpy(image)[None, None], torch.from_numpy(kernel)[None, None]
    )[0, 0].numpy()
    np.testing.assert_allclose(speed.lesson_loop()(image, kernel), expected)


def test_measurement_reports_sizes_and_ratio_of_loop_to_engine() -> None:
    measured = speed.measure_lesson_speedup(repeats=1)
    assert measured.image_shape == (64, 64) and measured.kernel_shape == (3, 3)
    assert measured.loop_seconds > 0 and measured.engine_seconds > 0
    assert measured.speedup == measured.loop_seconds / measured.engine_seconds
    as_json = measured.to_json()
    assert as_json["speedup"] == as_json["loop_seconds"] / as_json["engine_seconds"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", measured.measured_at)


def test_measurement_refuses_a_loop_that_computes_something_else() -> None:
    with pytest.raises(ValueError, match="disagree"):
        speed.measure_lesson_speedup(repeats=1, loop=lambda image, kernel: image[1:-1, 1:-1])
    with pytest.raises(ValueError, match="repeats must be at least 1; got 0"):
        speed.measure_lesson_speedup(repeats=0)


def test_widget_state_words_are_the_measured_numbers() -> None:
    state = speed_widget.state_of(speed.measure_lesson_speedup(repeats=1))
    measured, text = state["measurement"], state["text"]
    assert measured["speedup"] == measured["loop_seconds"] / measured["engine_seconds"]
    assert float(text["loop_ms"].replace(",", "")) == pytest.approx(
        1000 * measured["loop_seconds"], rel=5e-3
    )
    assert float(text["engine_ms"].replace(",", "")) == pytest.approx(
        1000 * measured["engine_seconds"], rel=5e-3
    )
    assert float(text["speedup"].replace(",", "")) == pytest.approx(measured["speedup"], rel=0.05)
    assert (text["image"], text["kernel"]) == ("64×64", "3×3")
    assert state["exported"] is False


def test_page_loads_share_one_cached_measurement() -> None:
    first = WIDGETS["speed"].from_directive({}, speed_widget.DirectiveSite("l.md", 1))
    second = WIDGETS["speed"].from_directive({}, speed_widget.DirectiveSite("l.md", 1))
    assert first == second
    assert speed_widget.cached_measurement() is speed_widget.cached_measurement()


def test_a_fresh_measurement_replaces_the_cached_one() -> None:
    before = speed_widget.cached_measurement()
    fresh = speed_widget.fresh_measurement()
    assert fresh is not before
    assert speed_widget.cached_measurement() is fresh


def test_while_one_measurement_runs_another_request_gets_the_latest() -> None:
    latest = speed_widget.cached_measurement()
    found: list[speed.SpeedMeasurement] = []
    with speed_widget._Latest.lock:  # as if another thread were measuring right now
        answer = threading.Thread(target=lambda: found.append(speed_widget.fresh_measurement()))
        answer.start()
        answer.join(timeout=5)
    assert found == [latest]


def test_directive_with_keys_is_refused() -> None:
    with pytest.raises(ValueError, match="repeats"):
        WIDGETS["speed"].from_directive({"repeats": 9}, speed_widget.DirectiveSite("l.md", 1))


def test_exported_page_says_its_timing_was_measured_at_export(tmp_path: Path) -> None:
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "fast.md").write_text("# Fast\n\n```{speed} Timed\n```\n", encoding="utf-8")
    export_site(lessons, tmp_path / "site")
    page = (tmp_path / "site" / "fast.html").read_text(encoding="utf-8")
    found = re.search(r'class="cs-variants">(.*?)</script>', page)
    assert found is not None
    (state,) = unpack(json.loads(found[1].replace("<\\/", "</"))).values()
    assert state["exported"] is True
    assert state["measurement"]["speedup"] > 0
