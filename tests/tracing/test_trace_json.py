"""The fast JSON of a trace says exactly what a plain, value-by-value serialisation says.

``CodeTrace.to_json`` and ``CodeTrace.to_json_text`` reuse the encoding of values they have
seen before (by identity for arrays and texts, by type and value for scalars). A wrong cache key
(``0.0`` and ``-0.0`` are equal, so are ``1`` and ``True``) would silently show one value in
another's place, so every test here compares against a reference that encodes each recorded
snapshot on its own with ``values.encode``.
"""

from __future__ import annotations

import json
import math
from typing import Any

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from convscope.tracing import code
from convscope.tracing.code import CodeTrace, trace_source
from convscope.tracing.trace_json import TextWriter, ValueMemo
from convscope.tracing.values import encode, snapshot

MIXED = """
import numpy as np

def mixed(n):
    grid = np.zeros((2, 3))
    big = np.arange(2000.0)
    for k in range(n):
        zero, minus_zero = 0.0, -0.0
        flags = [k % 2 == 0, 1, 1.0, True, None]
        word = "quote \\" and é and\\nnewline"
        huge = 2 ** 60 + k
        ratio = np.float64(-0.0) + k / 3
        odd = complex(float("nan"), k), complex(0.0, -0.0), np.float32(0.1) * k
        grid[0, k % 3] = float("nan") if k == 1 else k
        big[k] = math.inf
        names = np.array(["a", "b"])
        total = sum(range(k)) * 1.0
        signs = np.array([0.0, -0.0 if k % 2 else 0.0])
        zeros_int, zeros_float, zeros_wide = np.zeros(2, int), np.zeros(2), np.zeros((1, 2))
    return grid, zero, minus_zero, -0.0

def stepped(n):
    for k in range(n):
        yield k
"""

CALL = "(mixed(4), list(stepped(3)), 1 / 0)"


def reference(trace: CodeTrace) -> dict[str, Any]:
    """Return the trace JSON built the plain way: every snapshot encoded by itself."""
    recorder = trace._recorder
    assert recorder is not None

    def pairs(snaps: dict[str, object] | None) -> dict[str, Any]:
        return {name: encode(snap) for name, snap in (snaps or {}).items()}

    steps = [
        {
            "index": index,
            "line": step.line,
            "event": step.event,
            "function": step.function,
            "depth": step.depth,
            "changes": pairs(step.changes),
            "return": encode(step.returned) if step.event == "return" else None,
            "values": pairs(step.values),
        }
        for index, step in enumerate(recorder.steps)
    ]
    loops = [
        {
            "line": info.line,
            "header": info.header,
            "parent": info.parent,
            "iterations": [
                {
                    "index": card.index,
                    "vars": pairs(card.variables),
                    "first_step": card.first_step,
                    "last_step": card.last_step,
                    "values": pairs(card.values),
                }
                for card in recorder.cards.iterations[info.index]
            ],
        }
        for info in recorder.source_map.loops
    ]
    return {
        "version": 1,
        "source": trace.source,
        "filename": trace.filename,
        "steps": steps,
        "loops": loops,
        "expressions": {str(line): texts for line, texts in trace.expressions.items()},
        "stdout": trace.stdout,
        "result": None if trace._result is code._NO_RESULT else encode(trace._result),
        "stopped": trace.stopped,
        "error": trace.error,
    }


def compact(payload: object) -> str:
    return json.dumps(payload, separators=(",", ":"), allow_nan=False)


def mixed_trace() -> CodeTrace:
    return trace_source("import math\n" + MIXED, CALL)


def test_mixed_values_encode_as_the_plain_reference_does() -> None:
    trace = mixed_trace()
    expected = reference(trace)
    assert trace.error is not None and trace.error["type"] == "ZeroDivisionError"
    assert trace.to_json() == expected
    assert compact(trace.to_json()) == compact(expected)  # also tells -0.0 from 0.0


def test_text_is_the_compact_dump_of_the_reference() -> None:
    trace = mixed_trace()
    text = trace.to_json_text()
    assert text == compact(reference(trace))
    assert json.loads(text) == trace.to_json()


def test_minus_zero_and_true_keep_their_own_texts_next_to_zero_and_one() -> None:
    steps = mixed_trace().to_json()["steps"]
    texts = {name: value["text"] for step in steps for name, value in step["changes"].items()}
    assert texts["zero"] == "0.0" and texts["minus_zero"] == "-0.0"
    flags = next(step["changes"]["flags"] for step in steps if "flags" in step["changes"])
    assert flags["text"] == "[True, 1, 1.0, True, None]"


def test_complex_with_a_nan_part_is_plain_json() -> None:
    value = encode(snapshot(complex(float("nan"), 2.0)))
    assert value["value"] == [None, 2.0] and value["text"] == "(nan+2j)"
    compact(value)  # raises on NaN


def test_long_run_round_trips_to_the_reference_steps_and_cards() -> None:
    source = "def squares(n):\n    total = 0\n    for k in range(n):\n        total += k * k\n"
    trace = trace_source(source, "squares(5_000)")
    assert len(trace) > 10_000
    expected = reference(trace)
    loaded = json.loads(trace.to_json_text())
    assert loaded["steps"] == expected["steps"] and loaded["loops"] == expected["loops"]
    assert loaded == trace.to_json() == expected
    last_card = loaded["loops"][0]["iterations"][-1]
    assert last_card["values"]["total"]["value"] == sum(k * k for k in range(5_000))


def test_a_trace_without_steps_writes_the_same_text() -> None:
    trace = trace_source("def broken(:\n")
    assert trace.to_json_text() == compact(trace.to_json())
    assert json.loads(trace.to_json_text())["steps"] == []


SCALARS = st.one_of(
    st.integers(min_value=-(2**60), max_value=2**60),
    st.booleans(),
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.complex_numbers(allow_nan=True, allow_infinity=True),
    st.text(max_size=5),
    st.sampled_from([np.float64(-0.0), np.float64(0.0), np.float32(0.5), np.int8(-3)]),
    st.sampled_from([np.bool_(True), np.uint64(2**64 - 1), np.complex64(-0j)]),
)


@settings(max_examples=100, deadline=None)
@example([0.0, -0.0, 1, True, 1.0, 0j, complex(0.0, -0.0), np.float64(0.0), np.float64(-0.0)])
@given(st.lists(SCALARS, max_size=12))
def test_memo_and_writer_give_each_scalar_its_own_encoding(values: list[object]) -> None:
    memo, writer = ValueMemo(), TextWriter()
    for value in values:
        snap = snapshot(value)
        assert compact(memo(snap)) == compact(encode(snap))
        assert writer.value(snap) == compact(encode(snap))


def test_float_texts_in_the_text_match_python_repr() -> None:
    value = json.loads(TextWriter().value(snapshot(0.1 + 0.2)))
    assert value["value"] == 0.1 + 0.2 and value["text"] == repr(0.1 + 0.2)
    assert math.isclose(value["value"], 0.3)


def test_equal_arrays_share_an_encoding_and_minus_zero_arrays_do_not() -> None:
    steps = mixed_trace().to_json()["steps"]
    shown = [step["changes"] for step in steps if "signs" in step["changes"]]
    assert [changes["signs"]["text"] for changes in shown[:2]] == [
        "array([0., 0.])",
        "array([ 0., -0.])",
    ]
    assert shown[0]["signs"] is shown[2]["signs"]  # same content, encoded once
    zeros = next(step["changes"] for step in steps if "zeros_int" in step["changes"])
    assert zeros["zeros_int"]["dtype"] == str(np.zeros(2, int).dtype)
    assert zeros["zeros_float"]["dtype"] == "float64" and zeros["zeros_wide"]["shape"] == [1, 2]
