"""In a plain function frame the tracer compares only the names a line can bind.

These are the ways a variable changes without its line's text binding it (a closure's
``nonlocal``, a generator's ``send``, a decorator, a walrus inside a comprehension, a name set
by ``global`` from a called function, an ``except ... as``): each is still reported. And every
source here traces to the same JSON as when every local is compared on every line.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from convscope.tracing import source_map
from convscope.tracing.code import trace_source

SOURCES = {
    "closure": (
        "def outer():\n    count = 0\n    def bump():\n        nonlocal count\n"
        "        count += 1\n    bump(); bump()\n    total = count\n    return total\n",
        "outer()",
    ),
    "send": (
        "def echo():\n    got = yield 'ready'\n    doubled = got * 2\n    yield doubled\n"
        "def drive():\n    g = echo()\n    first = next(g)\n    second = g.send(21)\n"
        "    return first, second\n",
        "drive()",
    ),
    "decorator": (
        "def tag(f):\n    return f\ndef top():\n    @tag\n    def g():\n        return 1\n"
        "    r = g()\n    return r\n",
        "top()",
    ),
    "walrus": (
        "def last_positive(data):\n    found = [v for v in data if (last := v) > 0]\n"
        "    return last, found\n",
        "last_positive([3, -1, 4])",
    ),
    "global": (
        "LEVEL = 1\ndef raise_level():\n    global LEVEL\n    LEVEL = 5\n"
        "def run():\n    before = LEVEL\n    raise_level()\n    after = LEVEL\n"
        "    return before, after\noutcome = run()\n",
        None,
    ),
    "except": (
        "def safe(x):\n    try:\n        y = 1 / x\n    except ZeroDivisionError as problem:\n"
        "        y = str(problem)\n    return y\n",
        "safe(0)",
    ),
    "unpack": (
        "def swap(pairs):\n    a = b = 0\n    for b, a in pairs:\n        a, b = b, a\n"
        "    import math as m, os.path\n"
        "    with open('/dev/null') as fh:\n        text = fh.read()\n"
        "    return a, b, m.pi, text\n",
        "swap([(1, 2), (3, 4)])",
    ),
    "several on a line": (
        "def f():\n    x = 1; y = x + 1; x = y * 3\n    for i in range(2): x += i\n    return x\n",
        "f()",
    ),
}


def traced(name: str) -> dict[str, Any]:
    source, call = SOURCES[name]
    return (trace_source(source, call) if call else trace_source(source)).to_json()


def changes_in(trace: dict[str, Any], function: str) -> list[dict[str, Any]]:
    return [step["changes"] for step in trace["steps"] if step["function"] == function]


def values(changes: list[dict[str, Any]], name: str) -> list[Any]:
    return [change[name].get("value", change[name]["text"]) for change in changes if name in change]


def test_a_closure_changing_a_local_is_seen_in_the_enclosing_frame() -> None:
    assert values(changes_in(traced("closure"), "outer"), "count") == [0, 2]


def test_a_value_sent_into_a_generator_is_seen() -> None:
    assert values(changes_in(traced("send"), "echo"), "got") == [21]


def test_a_decorated_inner_function_is_seen() -> None:
    assert any("g" in change for change in changes_in(traced("decorator"), "top"))


def test_a_walrus_inside_a_comprehension_is_seen() -> None:
    assert values(changes_in(traced("walrus"), "last_positive"), "last") == [4]


def test_a_global_set_by_a_called_function_is_seen_at_module_level_and_after() -> None:
    trace = traced("global")
    assert values(changes_in(trace, "run"), "after") == [5]
    assert values(changes_in(trace, "raise_level"), "LEVEL") == []  # not a local there
    assert values(changes_in(trace, "<module>"), "LEVEL") == [1, 5]


def test_an_exception_bound_by_except_as_is_seen() -> None:
    changes = changes_in(traced("except"), "safe")
    assert values(changes, "problem") == ["ZeroDivisionError('division by zero')"]
    assert values(changes, "y") == ["division by zero"]


def test_unpacking_imports_and_with_targets_are_seen_in_the_frames_order() -> None:
    changes = changes_in(traced("unpack"), "swap")
    assert values(changes, "a") == [0, 2, 1, 4, 3]
    assert [list(change) for change in changes if "a" in change][1] == ["a", "b"]
    assert any("m" in change and "os" in change for change in changes)
    assert values(changes, "text") == [""]


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_comparing_only_bound_names_gives_the_same_trace_as_comparing_all(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def without_addresses(text: str) -> str:
        return re.sub(r"0x[0-9a-f]+", "0x", text)

    fast = without_addresses(json.dumps(traced(name)))
    monkeypatch.setattr(source_map, "_bound_names", lambda tree: {})  # every line unvouched
    full = without_addresses(json.dumps(traced(name)))
    assert fast == full
