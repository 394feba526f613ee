"""What every widget provides, and the input types their schemas share.

A widget is a few things with one name: a pydantic model of its inputs, a pure function that
turns validated inputs into the widget's whole state (a JSON-ready dict), the pictures that
state names by address, and the ES module that renders that state in the browser. Every host —
the lesson page, the API, the static export, a notebook — calls the same functions, so a number
is computed in one place only and a refusal is worded once.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NamedTuple

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic_core import PydanticCustomError

from ..tracing.numbers import format_number
from .assets import asset_url
from .refusals import NUMBER_LIMIT, engine_refusals, refusal, too_large

Number = int | float
NumberGrid = list[list[Number]]
LIMIT = NUMBER_LIMIT  # keeps every sum of products well inside float64's exact range


class Picture(NamedTuple):
    """A picture a widget's state names by address: its media type and its bytes."""

    media_type: str
    data: bytes


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
    esm : Path
        The ES module that renders the state (``render({ model, el })``), in the widget's folder:
        ``Path(__file__).with_name("flip.js")``, as an anywidget class names its ``_esm``.
    directive : callable or None
        ``directive(raw, site) -> dict``: the state for a lesson directive's TOML, for widgets
        whose directive takes more than the API does (a teacher's snippet or question, which
        the page must not be able to send back). ``None``: the directive is the inputs.
    exported : callable or None
        ``exported(state) -> dict``: the state as a page written by ``convscope export`` shows
        it, for widgets whose numbers depend on when and where they were computed (a timing).
        ``None``: the same state.
    picture : callable or None
        ``picture(address) -> Picture | None``: the picture a state names by server address
        (the gallery's ``/api/gallery/camera/sobel_x.jpg?side=480``), computed directly, so a
        host with no server (an export, a notebook) shows it too. ``None`` for an address that
        names no picture (an upload route). ``None``: the widget's states name no pictures.
    css : Path or None
        The widget's own styles, beside its module; ``None`` when the page-wide styles suffice.
    refuses : mapping or None
        The names the engine's argument checks may refuse while ``build`` runs (``kernel`` in
        ``kernel 5×5 does not fit the padded input 4×4``), each mapped to the input field the
        page shows the refusal next to (``None``: no one field). ``None``: the input fields'
        own names. Any other exception from ``build`` is a fault, not a refusal.
    follow_up : callable or None
        ``follow_up(state) -> inputs or None``: what the page asks for next on its own after
        showing ``state`` (a Play button's next request), or ``None`` when it stops there, so
        an export can work the whole run out ahead of time. ``None``: the page only asks when
        the learner changes something.
    """

    name: str
    inputs: type[WidgetInputs]
    build: Callable[[Any], dict[str, Any]]
    esm: Path
    directive: Callable[[dict[str, Any], DirectiveSite], dict[str, Any]] | None = None
    exported: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    picture: Callable[[str], Picture | None] | None = None
    css: Path | None = None
    refuses: Mapping[str, str | None] | None = None
    follow_up: Callable[[dict[str, Any]], dict[str, Any] | None] | None = None

    @property
    def module(self) -> str:
        """The ES module's address (``widgets/flip/flip.js``), the same for every host."""
        return asset_url(self.esm)

    @property
    def stylesheet(self) -> str | None:
        """The stylesheet's address (``widgets/params/params.css``), or ``None``."""
        return None if self.css is None else asset_url(self.css)

    def state(self, raw: dict[str, Any]) -> dict[str, Any]:
        """Return the state for unvalidated ``raw`` inputs (pydantic errors propagate)."""
        return self.compute(self.inputs.model_validate(raw))

    def compute(self, inputs: WidgetInputs) -> dict[str, Any]:
        """Return the state for validated ``inputs``; a refusal is a pydantic error naming
        its field, any other exception a fault of the program."""
        fields = self.refuses
        if fields is None:
            fields = {name: name for name in self.inputs.model_fields}
        with engine_refusals(fields):
            return self.build(inputs)

    def from_directive(self, raw: dict[str, Any], site: DirectiveSite) -> dict[str, Any]:
        """Return the state for a lesson directive's parsed TOML ``raw`` found at ``site``."""
        if self.directive is not None:
            return self.directive(raw, site)
        return self.state(raw)

    def pictures(self, state: dict[str, Any]) -> dict[str, Picture | None]:
        """Return every picture ``state`` names by server address, by that address."""
        if self.picture is None:
            return {}
        return {address: self.picture(address) for address in _addresses(state)}

    @staticmethod
    def refusal(error: Exception) -> dict[str, str | None]:
        """Return why inputs were refused (``detail``, ``field``), in the API's own words."""
        return refusal(error)


SERVER_PREFIX = "/api/"
"""A string in a state starting with this is the address of something the server computes."""


def _addresses(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [found for item in value.values() for found in _addresses(item)]
    if isinstance(value, list):
        return [found for item in value for found in _addresses(item)]
    return [value] if isinstance(value, str) and value.startswith(SERVER_PREFIX) else []


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
        for r, row in enumerate(grid):
            for c, value in enumerate(row):
                if not math.isfinite(value) or abs(value) > LIMIT:
                    shown = "nothing a number can hold" if math.isnan(value) else f"{value:g}"
                    raise PydanticCustomError(
                        "too_large", too_large(shown), {"row": r, "column": c}
                    )
        return grid

    return check


def grid(rows: int, cols: int) -> Any:
    """Return the annotated type of a rectangular grid of numbers at most ``rows × cols``.

    The check words its refusals itself; the limits it enforces are also written into the
    JSON schema (and so into OpenAPI), for a client to read before it sends anything.
    """
    bounded = {"minimum": -LIMIT, "maximum": LIMIT}
    number = Annotated[Number, Field(json_schema_extra=bounded)]
    row = Annotated[list[number], Field(json_schema_extra={"minItems": 1, "maxItems": cols})]
    return Annotated[
        list[row],
        Field(json_schema_extra={"minItems": 1, "maxItems": rows}),
        AfterValidator(_grid_check(rows, cols)),
    ]


def text_grid(values: Any) -> list[Any]:
    """Return nested lists of numbers as the same nesting of strings: ``−10``, ``1,792``."""
    if isinstance(values, list):
        return [text_grid(value) for value in values]
    return format_number(values)  # type: ignore[return-value]
