"""Tracing changes nothing about what code computes, and traces in threads stay apart."""

from __future__ import annotations

import gc
import sys
import threading
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.tracing.code import trace_source

RUNNING = """
def running(values):
    totals = []
    total = 0
    for value in values:
        total = total + value * 2
        totals.append(total)
    return totals
"""


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(10**6), 10**6), max_size=12))
def test_a_traced_run_computes_what_the_plain_run_computes(values: list[int]) -> None:
    namespace: dict[str, Any] = {}
    exec(RUNNING, namespace)
    expected = namespace["running"](values)
    trace = trace_source(RUNNING, f"running({values!r})").to_json()
    assert trace["result"]["text"] == repr(expected)
    cards = trace["loops"][0]["iterations"]
    assert [card["values"]["total"]["value"] for card in cards] == expected
    assert [card["values"]["value * 2"]["value"] for card in cards] == [2 * v for v in values]


def test_traces_in_two_threads_keep_their_printed_output_apart() -> None:
    answers: dict[str, str] = {}

    def trace_printing(word: str) -> None:
        source = f"for _ in range(200):\n    print({word!r})\n"
        answers[word] = trace_source(source).stdout

    threads = [threading.Thread(target=trace_printing, args=(word,)) for word in ("ping", "pong")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers["ping"] == "ping\n" * 200
    assert answers["pong"] == "pong\n" * 200


def test_stdout_tracer_and_collector_are_restored_afterwards() -> None:
    stdout, threshold, tracer = sys.stdout, gc.get_threshold(), sys.gettrace()
    trace_source("import sys, io\nsys.stdout = io.StringIO()\nprint('hidden')\n")
    assert sys.stdout is stdout
    assert gc.get_threshold() == threshold
    assert sys.gettrace() is tracer
