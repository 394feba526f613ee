"""What every widget provides, and the input types their schemas share.

A widget is three things with one name: a pydantic model of its inputs, a pure function that
turns validated inputs into the widget's whole state (a JSON-ready dict), and the ES module
that renders that state in the browser. Every host — the lesson page, the API, a notebook —
calls the same function, so a number is computed in one place only.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict

from ...tracing.numbers import format_number

Number = int | float
NumberGrid = list[list[Number]]
LIMIT = 1e9  # keeps every sum of products well inside float64's exact range for the grids here


class WidgetInputs(BaseModel):
    """Base of every widget's input schema: strict JSON types, unknown keys refused."""

    model_config = ConfigDict(extra="forbid", strict=True)


@dataclass(frozen=True)
class DirectiveSite:
    """Where a lesson directive is, for widgets whose directive may name the lesson's own files.

    Attributes
    ----------
    filename : str
        The lesson file's name, as error boxes quote it.
    line : int
        The line of the directive's opening fence in that file.
    folder : Path or None
        The lesson file's folder (``None`` for text with no file): files a directive names are
        read from there and never from outside it.
    body : str
        The directive's TOML text, so a mistake inside it can be located to the lesson's line.
    problems : list of str
        Mistakes found while building a widget that still renders (a snippet that raised); the
        lesson boxes each one under the widget and reports it like any other mistake.
    """

    filename: str
    line: int
    folder: Path | None = None
    body: str = ""
    problems: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Widget:
    """One widget: its name, its input schema, its state builder and its browser module.

    Attributes
    ----------
    name : str
        The directive name in a lesson (```` ```{name} ````) and the API path segment.
    inputs : type of WidgetInputs
        The pydantic model that validates what the lesson or the browser sends.
    build : callable
        ``build(inputs) -> dict``: the widget's whole state, computed by the engine.
    module : str
        The ES module under ``web/static/js/`` that renders the state.
    directive : callable or None
        ``directive(raw, site) -> dict``: the state for a lesson directive's TOML, for widgets
        whose directive takes more than the API does (a teacher's snippet or question, which
        the page must not be able to send back). ``None``: the directive is the inputs.
    exported : callable or None
        ``exported(state) -> dict``: the state as a page written by ``convscope export`` shows
        it, for widgets whose numbers depend on when and where they were computed (a timing).
        ``None``: the same state.
    """

    name: str
    inputs: type[WidgetInputs]
    build: Callable[[Any], dict[str, Any]]
    module: str
    directive: Callable[[dict[str, Any], DirectiveSite], dict[str, Any]] | None = None
    exported: Callable[[dict[str, Any]], dict[str, Any]] | None = None

    def state(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Return the state for unvalidated ``raw`` inputs (pydantic errors propagate)."""
        return self.build(self.inputs.model_validate(raw))

    def from_directive(self, raw: dict[str, Any], site: DirectiveSite) -> dict[str, Any]:
        """Return the state for a lesson directive's parsed TOML ``raw`` found at ``site``."""
        if self.directive is not None:
            return self.directive(raw, site)
        return self.state(raw)


def _grid_check(rows: int, cols: int) -> Callable[[NumberGrid], NumberGrid]:
    def check(grid: NumberGrid) -> NumberGrid:
        if not grid or not grid[0]:
            raise ValueError("must hold at least one row and one column of numbers")
        if len({len(row) for row in grid}) != 1:
            lengths = [len(row) for row in grid]
            raise ValueError(f"rows must all have the same length, got lengths {lengths}")
        if len(grid) > rows or len(grid[0]) > cols:
            raise ValueError(
                f"is {len(grid)}×{len(grid[0])}; the largest allowed here is {rows}×{cols}"
            )
        for row in grid:
            for value in row:
                if not math.isfinite(value) or abs(value) > LIMIT:
                    raise ValueError(f"holds {value!r}; use finite numbers within ±{LIMIT:g}")
        return grid

    return check


def grid(rows: int, cols: int) -> Any:
    """Return the annotated type of a rectangular grid of numbers at most ``rows × cols``."""
    return Annotated[NumberGrid, AfterValidator(_grid_check(rows, cols))]


def text_grid(values: Any) -> list[Any]:
    """Return nested lists of numbers as the same nesting of strings: ``−10``, ``1,792``."""
    if isinstance(values, list):
        return [text_grid(value) for value in values]
    return format_number(values)  # type: ignore[return-value]
