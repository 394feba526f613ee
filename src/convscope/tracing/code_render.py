"""How a code trace looks: in a terminal (Rich) and as a self-contained HTML page.

Both start from the trace JSON (``CodeTrace.to_json()``), the same data the web page gets; they
draw every array from its ``data`` and never read its ``text``, so their callers may leave
NumPy's repr out (``to_json(array_text=False)``). They show the same three things: each executed
line with what it changed, the loop cards, and how the run ended. Long runs are shown up to
:data:`MAX_ROWS` steps and :data:`MAX_CARDS` cards per loop, with a note saying how many more
there are.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any

import jinja2
from rich import box
from rich.console import RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

MAX_ROWS = 300
"""Steps shown in a terminal or a page before a "… more" note."""

MAX_CARDS = 60
"""Iteration cards shown per loop before a "… more" note."""

MAX_STEPS_PER_LINE = 40
"""Steps listed under one source line of the HTML page."""

_GRID_CELLS = 100  # arrays up to this size are drawn as a grid of numbers


def short_text(value: dict[str, Any] | None) -> str:
    """Return a one-line text for a JSON ``VALUE``: numbers as written, arrays as rows."""
    if value is None:
        return ""
    if value["kind"] != "ndarray":
        return str(value["text"])
    if _cells(value["shape"]) > _GRID_CELLS or value["truncated"]:
        shape = "×".join(str(size) for size in value["shape"])
        return f"{value['dtype']} array {shape}"
    return _nested_text(value["data"])


def grid(value: dict[str, Any]) -> list[list[str]] | None:
    """Return a 2-D array value as rows of number texts, or ``None`` when it is not one."""
    if value["kind"] != "ndarray" or len(value["shape"]) != 2 or value["truncated"]:
        return None
    if _cells(value["shape"]) > _GRID_CELLS:
        return None
    return [[_number(cell) for cell in row] for row in value["data"]]


def rich_renderables(trace: dict[str, Any]) -> Iterator[RenderableType]:
    """Yield what a Rich console prints for a trace: steps, loop cards, output, ending."""
    yield _steps_table(trace)
    for loop in trace["loops"]:
        if loop["iterations"]:
            yield _loop_table(loop)
    if trace["stdout"]:
        yield Panel(Text(trace["stdout"].rstrip("\n")), title="printed", title_align="left")
    yield _ending(trace)


def trace_page(trace: dict[str, Any]) -> str:
    """Return a whole, self-contained HTML page for a trace (no scripts, no external files)."""
    return _environment().get_template("code_trace.html").render(page=True, **_view(trace))


def trace_fragment(trace: dict[str, Any]) -> str:
    """Return the same view as :func:`trace_page` as a fragment, for a notebook cell."""
    return _environment().get_template("code_trace.html").render(page=False, **_view(trace))


def ending_text(trace: dict[str, Any]) -> str:
    """Return one sentence on how the run ended (finished, stopped by a cap, or raised)."""
    count = len(trace["steps"])
    if trace["stopped"]:
        return f"{trace['stopped']}."
    if trace["error"]:
        error = trace["error"]
        where = f" on line {error['line']}" if error.get("line") else ""
        return f"{error['type']}{where}: {error['message']} (after {count} steps)."
    result = f"; result {short_text(trace['result'])}" if trace["result"] else ""
    return f"finished after {count} steps{result}."


def _steps_table(trace: dict[str, Any]) -> Table:
    lines = trace["source"].splitlines()
    table = Table(box=box.SIMPLE_HEAD, title=trace["filename"], title_justify="left")
    for header in ("step", "line", "code", "what changed"):
        table.add_column(header, overflow="fold")
    for step in trace["steps"][:MAX_ROWS]:
        code = lines[step["line"] - 1].strip() if 0 < step["line"] <= len(lines) else ""
        indent = "  " * step["depth"]
        table.add_row(str(step["index"]), str(step["line"]), indent + code, _what_changed(step))
    hidden = len(trace["steps"]) - MAX_ROWS
    if hidden > 0:
        table.caption = f"… {hidden} more steps (write them all with --html)"
    return table


def _what_changed(step: dict[str, Any]) -> Text:
    parts = [f"{name} = {short_text(value)}" for name, value in step["changes"].items()]
    parts += [f"{label} → {short_text(value)}" for label, value in step["values"].items()]
    if step["event"] == "return":
        parts.append(f"returns {short_text(step['return'])}")
    if step["event"] == "exception":
        return Text("raised an exception", style="red")
    return Text("; ".join(parts))


def _loop_table(loop: dict[str, Any]) -> Table:
    iterations = loop["iterations"]
    table = Table(
        box=box.ROUNDED, title=f"line {loop['line']}: {loop['header']}", title_justify="left"
    )
    table.add_column("#")
    table.add_column("variables")
    table.add_column("values", overflow="fold")
    for iteration in iterations[:MAX_CARDS]:
        table.add_row(
            str(iteration["index"]),
            _pairs(iteration["vars"], " = "),
            _pairs(iteration["values"], " = ", separator="\n"),
        )
    if len(iterations) > MAX_CARDS:
        table.caption = f"… {len(iterations) - MAX_CARDS} more iterations"
    return table


def _pairs(values: dict[str, Any], joiner: str, separator: str = ", ") -> str:
    return separator.join(f"{name}{joiner}{short_text(value)}" for name, value in values.items())


def _ending(trace: dict[str, Any]) -> Text:
    style = "bold red" if trace["error"] else "bold yellow" if trace["stopped"] else "bold green"
    return Text(ending_text(trace), style=style)


def _view(trace: dict[str, Any]) -> dict[str, Any]:
    """Return what the template needs: the source lines with their steps and loop cards."""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for step in trace["steps"]:
        by_line.setdefault(step["line"], []).append(step)
    loops = {loop["line"]: loop for loop in trace["loops"]}
    source_lines = [
        {
            "number": number,
            "code": code,
            "steps": by_line.get(number, [])[:MAX_STEPS_PER_LINE],
            "hidden": max(0, len(by_line.get(number, [])) - MAX_STEPS_PER_LINE),
            "loop": loops.get(number),
        }
        for number, code in enumerate(trace["source"].splitlines(), start=1)
    ]
    return {
        "trace": trace,
        "source_lines": source_lines,
        "max_cards": MAX_CARDS,
        "ending": ending_text(trace),
    }


@cache
def _environment() -> jinja2.Environment:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("convscope.tracing", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["short"] = short_text
    environment.filters["grid"] = grid
    return environment


def _nested_text(data: Any) -> str:
    if isinstance(data, list):
        return "[" + ", ".join(_nested_text(item) for item in data) + "]"
    return _number(data)


def _number(value: Any) -> str:
    """Return a number as a person writes it: ``10`` for 10.0, a real minus sign."""
    if value is None:
        return "nan"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return "−" + text[1:] if text.startswith("-") else text


def _cells(shape: list[int]) -> int:
    count = 1
    for size in shape:
        count *= size
    return count
