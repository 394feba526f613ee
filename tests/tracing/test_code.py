"""The code tracer on the lesson's loop and on the shapes of code a learner writes.

The lesson's numbers are the chapter's worked example, written out: the 5×5 gradient (row r
holds 10·r, 20·r, …, 50·r for r = 1…5) under Sobel X gives 160 on every position of the top
output row, 240 on the middle one and 320 on the bottom one.
"""

from __future__ import annotations

import doctest
import json
import linecache
from importlib import resources
from typing import Any

import numpy as np
import pytest

import convscope
from convscope.tracing import code as code_module
from convscope.tracing.code import trace_code, trace_source

LESSON = resources.files("convscope").joinpath("lessons/examples/conv2d_loop.py").read_text()
GRADIENT = [[10 * row * col for col in range(1, 6)] for row in range(1, 6)]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
ROW_SUMS = [160.0, 240.0, 320.0]


def loop_at(trace: dict[str, Any], header_start: str) -> dict[str, Any]:
    (loop,) = [loop for loop in trace["loops"] if loop["header"].startswith(header_start)]
    return loop


def value_of(value: dict[str, Any]) -> Any:
    return value["data"] if value["kind"] == "ndarray" else value["value"]


@pytest.fixture(scope="module")
def lesson() -> dict[str, Any]:
    return trace_source(LESSON).to_json()


def test_lesson_inner_loop_has_nine_cards_with_windows_and_sums(lesson: dict[str, Any]) -> None:
    cards = loop_at(lesson, "for c in")["iterations"]
    assert len(cards) == 9
    gradient = np.array(GRADIENT)
    for number, card in enumerate(cards):
        r, c = divmod(number, 3)
        assert value_of(card["vars"]["c"]) == c
        expected_window = gradient[r : r + 3, c : c + 3]
        np.testing.assert_array_equal(value_of(card["values"]["window"]), expected_window)
        np.testing.assert_array_equal(
            value_of(card["values"]["window * kernel"]), expected_window * np.array(SOBEL_X)
        )
        assert value_of(card["values"]["np.sum(window * kernel)"]) == ROW_SUMS[r]


def test_lesson_sums_read_160_240_320_three_times_each(lesson: dict[str, Any]) -> None:
    sums = [
        value_of(card["values"]["np.sum(window * kernel)"])
        for card in loop_at(lesson, "for c in")["iterations"]
    ]
    assert sums == [160.0] * 3 + [240.0] * 3 + [320.0] * 3


def test_lesson_outer_loop_cards_carry_the_row_and_nest_the_inner_loop(
    lesson: dict[str, Any],
) -> None:
    outer = loop_at(lesson, "for r in")
    inner = loop_at(lesson, "for c in")
    assert [value_of(card["vars"]["r"]) for card in outer["iterations"]] == [0, 1, 2]
    assert inner["parent"] == lesson["loops"].index(outer)
    first_row = outer["iterations"][0]
    inner_cards = inner["iterations"][:3]
    assert first_row["first_step"] < inner_cards[0]["first_step"]
    assert inner_cards[-1]["last_step"] <= first_row["last_step"]


def test_lesson_records_the_product_inside_the_sum(lesson: dict[str, Any]) -> None:
    line = next(
        number
        for number, text in enumerate(LESSON.splitlines(), start=1)
        if "np.sum(window * kernel)" in text
    )
    assert lesson["expressions"][str(line)] == ["window * kernel", "np.sum(window * kernel)"]


def test_lesson_result_and_printed_output_match_the_chapter(lesson: dict[str, Any]) -> None:
    edges_steps = [step for step in lesson["steps"] if "edges" in step["changes"]]
    np.testing.assert_array_equal(
        value_of(edges_steps[0]["changes"]["edges"]), [[160] * 3, [240] * 3, [320] * 3]
    )
    assert "160." in lesson["stdout"] and "320." in lesson["stdout"]
    assert lesson["stopped"] is None and lesson["error"] is None


def test_lesson_json_has_the_documented_keys_and_survives_json(lesson: dict[str, Any]) -> None:
    assert set(lesson) == {
        "version",
        "source",
        "filename",
        "steps",
        "loops",
        "expressions",
        "stdout",
        "result",
        "stopped",
        "error",
    }
    step = lesson["steps"][0]
    assert set(step) >= {"index", "line", "event", "function", "depth", "changes", "return"}
    assert json.loads(json.dumps(lesson)) == lesson
    assert [step["index"] for step in lesson["steps"]] == list(range(len(lesson["steps"])))


def test_only_frames_of_the_traced_source_are_recorded(lesson: dict[str, Any]) -> None:
    functions = {step["function"] for step in lesson["steps"]}
    assert functions == {"<module>", "cross_correlate"}
    assert {step["depth"] for step in lesson["steps"]} == {0, 1}


def test_function_arguments_show_on_the_def_line(lesson: dict[str, Any]) -> None:
    entry = next(step for step in lesson["steps"] if step["function"] == "cross_correlate")
    assert set(entry["changes"]) == {"image", "kernel"}
    np.testing.assert_array_equal(value_of(entry["changes"]["kernel"]), SOBEL_X)


def test_in_place_array_writes_are_seen_as_changes(lesson: dict[str, Any]) -> None:
    writes = [step for step in lesson["steps"] if "result" in step["changes"]]
    final = value_of(writes[-1]["changes"]["result"])
    assert final == [[160.0] * 3, [240.0] * 3, [320.0] * 3]
    assert len(writes) == 1 + 9  # np.zeros, then one write per output position


def test_nested_loops_give_one_card_per_inner_pass() -> None:
    trace = trace_source(
        "pairs = []\nfor a in range(2):\n    for b in range(3):\n        pairs.append((a, b))\n"
    ).to_json()
    outer, inner = trace["loops"]
    assert len(outer["iterations"]) == 2 and len(inner["iterations"]) == 6
    assert [value_of(card["vars"]["b"]) for card in inner["iterations"]] == [0, 1, 2] * 2
    assert inner["parent"] == 0 and outer["parent"] is None


def test_while_loop_cards_show_the_condition_variables() -> None:
    source = "n = 10\nsteps = 0\nwhile n > 1:\n    n = n // 2\n    steps += 1\n"
    cards = trace_source(source).to_json()["loops"][0]["iterations"]
    assert [value_of(card["vars"]["n"]) for card in cards] == [10, 5, 2]
    assert [value_of(card["values"]["steps"]) for card in cards] == [1, 2, 3]


def test_break_continue_and_a_header_over_several_lines_keep_the_cards_right() -> None:
    source = (
        "kept = []\nfor value in [\n    1,\n    2,\n    3,\n]:\n    if value == 2:\n"
        "        continue\n    kept = kept + [value]\nfor k in range(9):\n    if k == 2:\n"
        "        break\n"
    )
    trace = trace_source(source).to_json()
    listed, stopped_early = trace["loops"]
    assert [value_of(card["vars"]["value"]) for card in listed["iterations"]] == [1, 2, 3]
    assert [card["values"]["kept"]["text"] for card in listed["iterations"] if card["values"]] == [
        "[1]",
        "[1, 3]",
    ]
    assert [value_of(card["vars"]["k"]) for card in stopped_early["iterations"]] == [0, 1, 2]
    assert {step["line"] for step in trace["steps"]} == {1, 2, 7, 8, 9, 10, 11, 12}


def test_a_function_called_inside_a_loop_is_traced_one_level_deeper() -> None:
    source = "def square(x):\n    return x * x\n\ntotal = 0\nfor k in range(3):\n"
    source += "    total += square(k)\n"
    trace = trace_source(source).to_json()
    returns = [step for step in trace["steps"] if step["event"] == "return"]
    assert [value_of(step["return"]) for step in returns if step["function"] == "square"] == [
        0,
        1,
        4,
    ]
    assert {step["depth"] for step in trace["steps"] if step["function"] == "square"} == {1}
    cards = trace["loops"][0]["iterations"]
    assert [value_of(card["values"]["square(k)"]) for card in cards] == [0, 1, 4]
    assert (
        cards[1]["first_step"]
        < next(step["index"] for step in returns if value_of(step["return"]) == 1)
        <= cards[1]["last_step"]
    )


def test_recursion_goes_one_level_deeper_per_call_and_returns_in_reverse() -> None:
    source = (
        "def factorial(n):\n    if n <= 1:\n        return 1\n    return n * factorial(n - 1)\n"
    )
    trace = trace_source(source, "factorial(4)").to_json()
    returns = [step for step in trace["steps"] if step["event"] == "return"]
    assert [value_of(step["return"]) for step in returns if step["depth"]] == [1, 2, 6, 24]
    assert [step["depth"] for step in returns if step["depth"]] == [4, 3, 2, 1]
    assert value_of(trace["result"]) == 24


def test_an_exception_is_reported_with_its_line_and_the_steps_before_it() -> None:
    source = "def ratio(a, b):\n    return a / b\n\nfirst = ratio(6, 3)\nsecond = ratio(1, 0)\n"
    trace = trace_source(source).to_json()
    assert trace["error"] == {"type": "ZeroDivisionError", "message": "division by zero", "line": 2}
    assert trace["stopped"] is None
    assert [step["line"] for step in trace["steps"] if step["event"] == "exception"] == [2, 5]
    assert any("first" in step["changes"] for step in trace["steps"])


def test_a_line_that_raised_reports_no_value_for_the_name_it_did_not_assign() -> None:
    source = "share = 0\nfor v in [4, 2, 0]:\n    share = 12 // v\n"
    trace = trace_source(source).to_json()
    cards = loop_at(trace, "for v in")["iterations"]
    assert [value_of(card["values"]["share"]) for card in cards[:2]] == [3, 6]
    assert "share" not in cards[2]["values"]  # 12 // 0 raised: share still holds 6, unassigned
    raised = [step for step in trace["steps"] if step["event"] == "line" and step["line"] == 3]
    assert "share" not in raised[-1]["changes"]


def test_a_generator_yields_as_return_steps_and_keeps_its_loop_across_yields() -> None:
    source = (
        "def evens(limit):\n    for k in range(limit):\n        if k % 2 == 0:\n"
        "            yield k\n\nseen = [e for e in []]\nfor e in evens(5):\n    seen.append(e)\n"
    )
    trace = trace_source(source).to_json()
    yielded = [
        value_of(step["return"])
        for step in trace["steps"]
        if step["event"] == "return" and step["function"] == "evens"
    ]
    assert yielded == [0, 2, 4, None]
    generator_loop = loop_at(trace, "for k in")
    assert [value_of(card["vars"]["k"]) for card in generator_loop["iterations"]] == [0, 1, 2, 3, 4]
    assert [value_of(card["vars"]["e"]) for card in loop_at(trace, "for e in")["iterations"]] == [
        0,
        2,
        4,
    ]


def test_a_runaway_loop_stops_at_the_step_cap_with_a_clear_message() -> None:
    trace = trace_source("count = 0\nwhile True:\n    count += 1\n", max_steps=5_000)
    assert trace.stopped == "stopped after 5000 steps"
    assert len(trace) == 5_000
    assert trace.error is None
    assert len(trace.loop(2)) > 2_000


def test_the_default_cap_allows_at_least_100000_steps() -> None:
    assert code_module.DEFAULT_MAX_STEPS >= 100_000


def test_a_slow_run_stops_at_the_time_cap() -> None:
    source = "import time\nwhile True:\n    time.sleep(0.001)\n"
    trace = trace_source(source, max_seconds=0.3)
    assert trace.stopped == "stopped after 0.3 s"


def test_recording_huge_values_stops_at_the_bytes_cap() -> None:
    source = "import numpy as np\nwhile True:\n    block = np.ones((32, 32))\n"
    trace = trace_source(source, max_bytes=200_000)
    assert trace.stopped == "stopped after recording 0 MB of values"
    assert len(trace) < 1_000


def test_code_that_catches_everything_still_cannot_swallow_the_stop() -> None:
    source = "n = 0\nwhile True:\n    try:\n        n += 1\n    except Exception:\n        pass\n"
    assert trace_source(source, max_steps=1_000).stopped == "stopped after 1000 steps"


def test_chosen_expressions_are_recorded_on_lines_outside_loops() -> None:
    source = "a = 3\nb = 4\nc = (a * a + b * b) ** 0.5\n"
    trace = trace_source(source, expressions={3: ["a * a", "b*b"]}).to_json()
    (step,) = [step for step in trace["steps"] if (step["line"], step["event"]) == (3, "line")]
    assert {label: value_of(value) for label, value in step["values"].items()} == {
        "a * a": 9,
        "b * b": 16,
    }
    assert value_of(step["changes"]["c"]) == 5.0


def test_recording_an_expression_does_not_evaluate_it_twice() -> None:
    source = "calls = []\ndef tick():\n    calls.append(1)\n    return len(calls)\n"
    source += "for _ in range(3):\n    total = tick() + 0\n"
    trace = trace_source(source, "len(calls)")
    assert value_of(trace.to_json()["result"]) == 3


def test_a_recorded_value_is_kept_as_computed_even_if_the_line_then_changes_it() -> None:
    # ``a * 2`` is recorded, then sorted in place by the same line (in C, before any event);
    # a list is recorded by its text, which must also be taken at once
    source = "import numpy as np\na = np.array([3, 1, 2])\ndef f(a, items):\n"
    source += "    b = (a * 2).sort() or 0\n    c = (items + [0]).sort() or 0\n    return b\n"
    trace = trace_source(source, "f(a, [5, 4])", expressions={4: ["a * 2"], 5: ["items + [0]"]})
    steps = trace.to_json()["steps"]
    (first,) = [step for step in steps if (step["line"], step["event"]) == (4, "line")]
    (second,) = [step for step in steps if (step["line"], step["event"]) == (5, "line")]
    assert first["values"]["a * 2"]["data"] == [6, 2, 4]
    assert second["values"]["items + [0]"]["text"] == "[5, 4, 0]"


def test_recorded_texts_and_bytes_are_cut_and_written_as_text() -> None:
    source = "n = len('ab' * 400) + len(b'ab' * 2)\n"
    trace = trace_source(source, expressions={1: ["'ab' * 400", "b'ab' * 2"]})
    step = json.loads(trace.to_json_text())["steps"][0]
    assert step["values"]["b'ab' * 2"] == {"kind": "other", "type": "bytes", "text": "b'abab'"}
    long = step["values"]["'ab' * 400"]
    assert long["kind"] == "other" and "..." in long["text"] and len(long["text"]) <= 300


def test_a_syntax_error_comes_back_as_an_error_not_an_exception() -> None:
    trace = trace_source("for x in\n")
    assert trace.error is not None and trace.error["type"] == "SyntaxError"
    assert trace.error["line"] == 1 and len(trace) == 0


def test_a_bad_call_expression_is_reported_without_a_line() -> None:
    error = trace_source("x = 1\n", "missing()").error
    assert error == {"type": "NameError", "message": "name 'missing' is not defined", "line": None}


def test_printed_output_is_captured_and_capped() -> None:
    trace = trace_source("print('hello')\nprint('x' * 500_000)\n")
    assert trace.stdout.startswith("hello\n")
    assert len(trace.stdout) < 200_000 and "more characters not kept" in trace.stdout


def test_trace_code_follows_an_existing_function() -> None:
    def count_down(n: int) -> int:
        while n > 0:
            n -= 1
        return n

    trace = trace_code(count_down, 3)
    first_line = count_down.__code__.co_firstlineno
    assert len(trace.loop(first_line + 1)) == 3
    assert value_of(trace.to_json()["result"]) == 0


def test_trace_code_records_the_lesson_loop_sums_through_a_recompiled_copy() -> None:
    filename = "conv2d_loop_for_test_trace_code.py"
    linecache.cache[filename] = (len(LESSON), None, LESSON.splitlines(True), filename)
    namespace: dict[str, Any] = {}
    exec(compile(LESSON, filename, "exec"), namespace)
    trace = trace_code(namespace["cross_correlate"], np.array(GRADIENT, float), np.array(SOBEL_X))
    inner = loop_at(trace.to_json(), "for c in")
    sums = [value_of(card["values"]["np.sum(window * kernel)"]) for card in inner["iterations"]]
    assert sums == [160.0] * 3 + [240.0] * 3 + [320.0] * 3
    assert value_of(trace.to_json()["result"]) == [[160.0] * 3, [240.0] * 3, [320.0] * 3]


def test_trace_code_of_a_closure_still_traces_lines_without_expressions() -> None:
    step = 2

    def stride_sum(n: int) -> int:
        total = 0
        for k in range(0, n, step):
            total = total + k * k
        return total

    trace = trace_code(stride_sum, 6)
    assert trace.expressions == {}
    assert value_of(trace.to_json()["result"]) == 0 + 4 + 16
    assert len(trace.loop(stride_sum.__code__.co_firstlineno + 2)) == 3


def test_trace_code_keeps_default_arguments_without_evaluating_them_again() -> None:
    trace = trace_code(_scaled_squares, 3)
    assert value_of(trace.to_json()["result"]) == 0 + 10 + 40
    assert trace.expressions  # the copy was used: the loop's arithmetic was recorded


def test_trace_code_refuses_a_builtin_by_name() -> None:
    with pytest.raises(TypeError, match="func must be a Python function"):
        trace_code(len, [1, 2])


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"max_steps": 0}, "max_steps must be a positive integer, got 0"),
        ({"max_seconds": -1}, "max_seconds must be a positive number"),
        ({"max_bytes": 1.5}, "max_bytes must be a positive integer"),
    ],
)
def test_bad_caps_are_refused_by_name(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        trace_source("x = 1\n", **options)


def test_loop_refuses_a_line_without_a_loop_and_names_the_headers() -> None:
    trace = trace_source("for i in range(2):\n    pass\n")
    with pytest.raises(
        ValueError, match=r"line 2 is not a loop header; loops start on lines \[1\]"
    ):
        trace.loop(2)


def test_the_package_exports_the_code_tracer() -> None:
    assert convscope.trace_code is trace_code and convscope.trace_source is trace_source
    assert "CodeTrace" in convscope.__all__


def test_the_docstring_examples_run() -> None:
    assert doctest.testmod(code_module).failed == 0


def _scaled_squares(n: int, scale: int = 10) -> int:
    total = 0
    for k in range(n):
        total = total + scale * k * k
    return total
