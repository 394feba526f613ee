"""The ``code_trace`` widget: a program run and recorded line by line, with the lesson's notes.

The program is one shipped in ``lessons/examples/`` (``example``), or the teacher's own:
inline (``source``) or a file beside the lesson (``file``), optionally followed by a ``call``.
The code tracer (:func:`convscope.tracing.code.trace_source`) records what every executed line
changed and, for each loop, one card per pass with the sub-expressions computed inside it.
Shipped examples are traced in this process, once; a teacher's program runs in the sandbox
(:mod:`.snippet`). The lesson adds a note per line in the directive's ``[notes]`` table.

Only a lesson directive can give a program: the API's inputs (:class:`CodeTraceInputs`) name a
shipped example, so nothing a page sends runs here (edited code goes to ``POST /api/code/run``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field, field_validator, model_validator
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

from ...tracing.code import trace_source
from ...tracing.numbers import format_number
from ..base import DirectiveSite, Widget, WidgetInputs, text_grid
from .snippet import MAX_SNIPPET_CHARS, snippet_problem, snippet_source, traced_snippet

EXAMPLES = Path(__file__).resolve().parents[2] / "lessons" / "examples"
_EXAMPLE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")
MAX_GRID_CELLS = 144  # arrays up to 12×12 are drawn as grids; larger ones as NumPy's text


def example_names() -> list[str]:
    """Return the names of the example programs a ``code_trace`` directive can show."""
    return sorted(path.stem for path in EXAMPLES.glob("*.py") if not path.stem.startswith("_"))


Notes = Annotated[
    dict[Annotated[str, Field(pattern=r"^\d{1,4}$")], Annotated[str, Field(max_length=800)]],
    Field(default_factory=dict),
]


class CodeTraceInputs(WidgetInputs):
    """Inputs of the ``code_trace`` widget.

    Attributes
    ----------
    example : str
        The file name (without ``.py``) of a program in ``lessons/examples/``.
    notes : dict of str to str
        The lesson's note for each line, keyed by line number (``"27"``).
    line : int
        The line opened when the page loads (0: none).
    """

    example: str
    notes: Notes
    line: Annotated[int, Field(ge=0, le=9999)] = 0

    @field_validator("example")
    @classmethod
    def _known(cls, name: str) -> str:
        if not _EXAMPLE_NAME.match(name) or name not in example_names():
            raise ValueError(f"example must be one of {', '.join(example_names())}; got {name!r}")
        return name


class CodeTraceDirective(WidgetInputs):
    """What a lesson's ``code_trace`` directive may say: one program, its call, notes, a line.

    Attributes
    ----------
    example, source, file : str or None
        Exactly one: a shipped example's name, the program's text, or a file beside the lesson
        (resolved from the lesson's folder and refused outside it).
    call : str or None
        An expression run after the program, e.g. ``"blur(image)"`` (not with ``example``).
    notes, line : dict of str to str, int
        As for :class:`CodeTraceInputs`.
    """

    example: str | None = None
    source: Annotated[str, Field(max_length=MAX_SNIPPET_CHARS)] | None = None
    file: Annotated[str, Field(min_length=1, max_length=300)] | None = None
    call: Annotated[str, Field(min_length=1, max_length=400)] | None = None
    notes: Notes
    line: Annotated[int, Field(ge=0, le=9999)] = 0

    @model_validator(mode="after")
    def _one_program(self) -> CodeTraceDirective:
        given = [key for key in ("example", "source", "file") if getattr(self, key) is not None]
        if len(given) != 1:
            found = f"; got {' and '.join(given)}" if given else ""
            raise ValueError(
                "give the program one way: example = \"conv2d_loop\", source = '''…''' or "
                f'file = "my_loop.py"{found}'
            )
        if self.example is not None and self.call is not None:
            raise ValueError("call goes with your own source or file, not a shipped example")
        return self


def value_view(value: dict[str, Any] | None, *, products: bool = False) -> dict[str, Any] | None:
    """Return a recorded value as the page shows it: a grid of written-out numbers, or text.

    ``products`` marks each cell's sign, so positive and negative products are told apart.
    """
    if value is None:
        return None
    if value["kind"] == "ndarray":
        shape = value["shape"]
        size = "×".join(str(side) for side in shape) or "scalar"
        if 1 <= len(shape) <= 2 and not value["truncated"] and _cells(shape) <= MAX_GRID_CELLS:
            rows = value["data"] if len(shape) == 2 else [value["data"]]
            return {
                "kind": "grid",
                "grid": text_grid(rows),
                "shape": size,
                "dtype": value["dtype"],
                "signs": _signs(rows),
            }
        return {"kind": "text", "text": value["text"], "shape": size}
    number = value.get("value")
    if (
        value["kind"] == "scalar"
        and isinstance(number, int | float)
        and not isinstance(number, bool)
    ):
        return {"kind": "text", "text": format_number(number)}
    if value["kind"] == "other" and value["type"] in ("module", "function", "type"):
        return {"kind": "text", "text": f"a {value['type']}"}
    return {"kind": "text", "text": value["text"]}


def _signs(rows: list[list[Any]]) -> list[list[str]] | None:
    """Return ``pos``/``neg``/``zero`` per cell when the grid mixes signs (products do)."""
    try:
        values = np.asarray(rows, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if not (values < 0).any():
        return None  # all one sign, like a window of pixels: colour would only add noise
    return np.where(values > 0, "pos", np.where(values < 0, "neg", "zero")).tolist()  # type: ignore[no-any-return]


def _cells(shape: list[int]) -> int:
    count = 1
    for side in shape:
        count *= side
    return count


def _highlighted_lines(source: str) -> list[str]:
    # Pygments closes and reopens its spans at every line end, so the lines split cleanly.
    body = str(highlight(source, PythonLexer(), HtmlFormatter(nowrap=True)))
    lines = body.split("\n")
    return lines[: len(source.splitlines())]


def _changes(step: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"name": name, "value": value_view(value)} for name, value in step["changes"].items()]


def _runs(steps: list[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Return, per line, every time it ran: what it changed and any value it returned."""
    runs: dict[int, list[dict[str, Any]]] = {}
    for step in steps:
        entry = runs.setdefault(step["line"], [])
        if step["event"] == "return":
            if entry:
                entry[-1]["returned"] = value_view(step["return"])
            continue
        entry.append(
            {
                "step": step["index"],
                "function": step["function"],
                "changes": _changes(step),
                "returned": None,
            }
        )
    return runs


def _enclosing_vars(loops: list[dict[str, Any]], loop: dict[str, Any], step: int) -> list[Any]:
    """Return the loop variables of the parent loops' passes that contain ``step``."""
    if loop["parent"] is None:
        return []
    parent = loops[loop["parent"]]
    for iteration in parent["iterations"]:
        if iteration["first_step"] <= step <= iteration["last_step"]:
            return [*_enclosing_vars(loops, parent, step), *iteration["vars"].items()]
    return []


def _card(
    loops: list[dict[str, Any]],
    loop: dict[str, Any],
    iteration: dict[str, Any],
    steps: list[dict[str, Any]],
) -> dict[str, Any]:
    names = [*_enclosing_vars(loops, loop, iteration["first_step"]), *iteration["vars"].items()]
    shown = [
        {"name": name, "value": value_view(value, products="*" in name)}
        for name, value in iteration["values"].items()
    ]
    if not shown:  # an outer pass: show what it left in the variables set before the loop
        start = loop["iterations"][0]["first_step"]
        earlier = {name for step in steps[:start] for name in step["changes"]}
        last: dict[str, Any] = {}
        for step in steps[iteration["first_step"] : iteration["last_step"] + 1]:
            last.update({k: v for k, v in step["changes"].items() if k in earlier})
        shown = [{"name": name, "value": value_view(value)} for name, value in last.items()]
    return {
        "title": ", ".join(f"{name} = {value['text']}" for name, value in names),
        "pass": iteration["index"] + 1,
        "values": shown,
    }


@cache
def traced_example(name: str) -> dict[str, Any]:
    """Return the page's view of example ``name`` run under the code tracer (cached)."""
    source = (EXAMPLES / f"{name}.py").read_text(encoding="utf-8")
    data = trace_source(source, filename=f"{name}.py").to_json()
    return trace_view(source, data, f"{name}.py")


def _mark_the_pass_that_ended(
    cards: dict[int, dict[str, Any]], loops: list[dict[str, Any]], data: dict[str, Any]
) -> None:
    """Give the loop passes a run ended in (an exception, a limit) the words saying how."""
    ending = data["error"] and f"{data['error']['type']}: {data['error']['message']}"
    ending = ending or data["stopped"]
    last = len(data["steps"]) - 1
    if not ending or last < 0:
        return
    for loop in loops:
        for iteration, card in zip(loop["iterations"], cards[loop["line"]]["cards"], strict=True):
            if iteration["first_step"] <= last <= iteration["last_step"]:
                card["ended"] = f"The run ended in this pass: {ending}"


def trace_view(source: str, data: dict[str, Any], filename: str) -> dict[str, Any]:
    """Return the page's view of ``source`` from its trace JSON: lines, runs and loop cards.

    ``data`` is ``CodeTrace.to_json()``, made here or by the sandbox for code a learner edited.
    """
    runs = _runs(data["steps"])
    loops = data["loops"]
    cards = {
        loop["line"]: {
            "header": loop["header"],
            "cards": [_card(loops, loop, it, data["steps"]) for it in loop["iterations"]],
        }
        for loop in loops
    }
    _mark_the_pass_that_ended(cards, loops, data)
    texts = source.splitlines()
    lines = [
        {
            "number": number,
            "text": texts[number - 1],
            "html": html,
            "runs": runs.get(number, []),
            "loop": cards.get(number),
        }
        for number, html in enumerate(_highlighted_lines(source), start=1)
    ]
    return {
        "filename": filename,
        "lines": lines,
        "stdout": data["stdout"],
        "stopped": data["stopped"],
        "error": data["error"],
        "expressions": data["expressions"],
    }


def build_state(inputs: CodeTraceInputs) -> dict[str, Any]:
    """Return the example's coloured lines, each with its note, its runs and its loop cards.

    Examples
    --------
    >>> state = build_state(CodeTraceInputs(example="conv2d_loop"))
    >>> len(state["lines"][27]["loop"]["cards"])
    9
    """
    traced = traced_example(inputs.example)
    lines = [{**line, "note": inputs.notes.get(str(line["number"]))} for line in traced["lines"]]
    return {"inputs": inputs.model_dump(), **traced, "lines": lines}


def directive_state(raw: dict[str, Any], site: DirectiveSite) -> dict[str, Any]:
    """Return the state for a lesson directive: a shipped example, or the teacher's program.

    A program that raised or was stopped still gives its trace up to there; what went wrong
    is added to ``site.problems`` naming the lesson's line and the program's own line.
    """
    given = CodeTraceDirective.model_validate(raw)
    if given.example is not None:
        return build_state(
            CodeTraceInputs(example=given.example, notes=given.notes, line=given.line)
        )
    source, name = snippet_source(raw, site)
    data = traced_snippet(source, given.call, MAX_GRID_CELLS)
    site.problems.extend(_problems(data, name, site, given.notes, source))
    view = trace_view(source, data, name)
    lines = [{**line, "note": given.notes.get(str(line["number"]))} for line in view["lines"]]
    inputs = {"program": name, "call": given.call, "notes": given.notes, "line": given.line}
    return {"inputs": inputs, **view, "lines": lines}


def _problems(
    data: dict[str, Any], name: str, site: DirectiveSite, notes: dict[str, str], source: str
) -> list[str]:
    found = [snippet_problem(data, name, site)]
    count = len(source.splitlines())
    found += [
        f"notes: line {key} is past the end of the program, which has {count} "
        + ("line" if count == 1 else "lines")
        for key in notes
        if int(key) > count
    ]
    return [problem for problem in found if problem]


WIDGET = Widget(
    name="code_trace",
    inputs=CodeTraceInputs,
    build=build_state,
    esm=Path(__file__).with_name("code_trace.js"),
    css=Path(__file__).with_name("code_trace.css"),
    directive=directive_state,
)
