"""Widget directives: fenced blocks like ```` ```{calculator} ```` whose body is TOML.

A directive becomes a :class:`PlacedWidget` — the directive, its element's id and the widget's
initial state, built here by the widget's own state builder — and, in the page, a placeholder
element that names the widget's ES module and carries that state as JSON, so the page paints
its first numbers without a request. A host that needs more in the placeholder (the exporter's
precomputed states) asks the :class:`~convscope.lessons.Lesson` for its placed widgets as data.
A directive that cannot be built becomes an inline error box naming the lesson file's line;
the rest of the lesson still renders.
"""

from __future__ import annotations

import html
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..widgets.refusals import refusal
from ..widgets.registry import WIDGETS, DirectiveSite
from .script_json import script_json

_DIRECTIVE = re.compile(r"^\{(?P<name>[a-z_][a-z0-9_]*)\}\s*(?P<label>.*)$")


@dataclass(frozen=True)
class Directive:
    """A widget directive found in a lesson: the widget's name, its TOML body and where it is.

    ``folder`` is the lesson file's folder, where a directive's own files (``file = …``) live.
    """

    name: str
    label: str
    body: str
    filename: str
    line: int
    folder: Path | None = None


@dataclass(frozen=True)
class PlacedWidget:
    """A widget a lesson places: its directive, the id of its element and its initial state."""

    directive: Directive
    element_id: str
    state: dict[str, Any]

    @property
    def name(self) -> str:
        """The widget's directive name (``calculator``)."""
        return self.directive.name

    @property
    def inputs(self) -> dict[str, Any]:
        """The inputs the initial state was built for."""
        inputs = self.state.get("inputs", {})
        return inputs if isinstance(inputs, dict) else {}


MARK = "\x00widget {}\x00"
"""Where the n-th placed widget goes in a lesson body while it is assembled. Markdown-it turns
every NUL a lesson's text holds into U+FFFD, so no text can write one."""


def state_script(state: dict[str, Any]) -> str:
    """Return the script element carrying ``state`` as JSON inside a placeholder."""
    return f'<script type="application/json" class="cs-state">{script_json(state)}</script>'


def placeholder(placed: PlacedWidget, scripts: str | None = None) -> str:
    """Return the element a page mounts ``placed`` in; ``scripts`` replaces its state script."""
    directive = placed.directive
    return (
        f'<div class="cs-widget" id="{placed.element_id}" data-widget="{directive.name}" '
        f'data-module="{WIDGETS[directive.name].module}" '
        f'aria-label="{html.escape(directive.label)}">'
        f"{state_script(placed.state) if scripts is None else scripts}"
        '<p class="cs-needs-js">This interactive figure needs JavaScript.</p></div>\n'
    )


def parse_info(info: str) -> tuple[str, str] | None:
    """Return ``(name, label)`` when a fence's info string is a directive (``{name} label``)."""
    match = _DIRECTIVE.match(info.strip())
    return (match["name"], match["label"].strip()) if match else None


def describe_error(error: Exception) -> str:
    """Return an error in words: a refusal as the API words it, anything else as it is."""
    if isinstance(error, ValidationError):
        return str(refusal(error)["detail"])
    return str(error)


def render_directive(
    directive: Directive,
    index: int,
    errors: list[str] | None = None,
    placed: list[PlacedWidget] | None = None,
) -> str:
    """Return the placeholder element of ``directive``, or an error box if it cannot be built.

    With ``placed``, the widget is appended to it and its place is marked (:data:`MARK`)
    instead, for the lesson to assemble. Each error box's words are also appended to
    ``errors`` as ``file, line N: message``, so a command serving a teacher's lesson can print
    them in the terminal. A widget that renders
    despite a mistake (a teacher's snippet that raised) gets its box right under it.
    """
    widget = WIDGETS.get(directive.name)
    site = DirectiveSite(directive.filename, directive.line, directive.folder, directive.body)
    try:
        if widget is None:
            known = ", ".join(sorted(WIDGETS))
            raise ValueError(f"unknown widget {directive.name!r}; the widgets are {known}")
        state = widget.from_directive(tomllib.loads(directive.body), site)
    except Exception as error:  # any failure stays in its box: the rest of the lesson renders
        message = describe_error(error)
        _report(directive, message, errors)
        return _error_box(directive, "could not be built", message)
    found = PlacedWidget(directive, f"widget-{directive.name}-{index}", state)
    boxes = "".join(_error_box(directive, "ran into a mistake", p) for p in site.problems)
    for problem in site.problems:
        _report(directive, problem, errors)
    if placed is None:
        return placeholder(found) + boxes
    placed.append(found)
    return MARK.format(len(placed) - 1) + boxes


def _report(directive: Directive, message: str, errors: list[str] | None) -> None:
    if errors is not None:
        errors.append(f"{directive.filename}, line {directive.line}: {message}")


def _error_box(directive: Directive, what: str, message: str) -> str:
    where = html.escape(f"{directive.filename}, line {directive.line}")
    return (
        f'<div class="cs-directive-error" role="alert"><strong>Widget '
        f"{html.escape(directive.name)} {what}</strong> ({where}): "
        f"{html.escape(message)}</div>\n"
    )
