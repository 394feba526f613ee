"""A widget's refusals in one set of words, whichever host refused.

A set of inputs a widget cannot show is refused with ``{"detail": ..., "field": ...}``: the web
API answers it as 4xx JSON, an exported page holds it for the inputs computed ahead of time, a
notebook widget sets it as its ``refusal``. Every refusal is a sentence in a learner's words
that names the control by what the page calls it (``Input channels must be at least 1, got 0``,
``Input row 0, column 1 is too large (1e400); use numbers from −1,000,000,000 to
1,000,000,000``), never pydantic's wording or a field's code name.

Only refusals raised on purpose are refusals: pydantic's errors (from a schema, or from
:func:`~convscope.widgets.field_errors.field_error` in a state builder), and the engine's
argument checks that a builder passes through :func:`engine_refusals`, which names the field
they concern. Anything else is a fault of the program, and a host answers it as one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from pydantic import ValidationError

from ..tracing.numbers import format_number
from .field_errors import field_error

NUMBER_LIMIT = 1e9
"""Largest size of a number typed into a widget's grid: every sum of products stays exact."""

LABELS = {
    "in_channels": "Input channels",
    "out_channels": "Output channels",
    "kernel_rows": "Kernel rows",
    "kernel_cols": "Kernel columns",
    "input_rows": "Image rows",
    "input_cols": "Image columns",
    "padding_mode": "Padding mode",
    "kernel_name": "Kernel preset",
    "signal": "Input a",
    "position": "Output position",
    "c_out": "Kernel (output channel)",
    "answer": "Your answer",
    "photo": "Photograph",
}
"""What the page calls a field, where that is not the field's name with spaces."""

_UNION_TAG = re.compile(
    r"^(int|float|bool|str|list\[.*\]|literal\[.*\]|constrained-\w+|function-\w+.*)$"
)
_SOURCES = {"body", "path", "query", "header", "cookie"}  # where FastAPI read it, not a field
_NAME = re.compile(r"^(\w+)[ =:]")


def label(field: str) -> str:
    """Return what the page calls ``field``: ``in_channels`` → ``Input channels``; a field the
    page shows by its own name keeps it (``stride``, ``kernel``, or a lesson's ``choices``)."""
    return LABELS.get(field) or field.replace("_", " ")


def _shown(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "ticked" if value else "unticked"
    if isinstance(value, int | float):
        return format_number(value)
    return repr(value)


def _too_large(value: Any) -> bool:
    try:
        number = float(str(value).replace("\u2212", "-"))
    except ValueError:
        return False
    return not math.isfinite(number) or abs(number) > NUMBER_LIMIT


def too_large(value: Any) -> str:
    """Return the words for a number beyond :data:`NUMBER_LIMIT` (or beyond any float)."""
    limit = format_number(int(NUMBER_LIMIT))
    return f"is too large ({value}); use numbers from −{limit} to {limit}"


def _requirement(error: Mapping[str, Any]) -> str | None:
    """Return what one alternative asked for (``a whole number``), or None for other kinds."""
    kind, ctx = error["type"], error.get("ctx") or {}
    words = {
        "int_type": "a whole number",
        "int_from_float": "a whole number",
        "int_parsing": "a whole number",
        "float_type": "a number",
        "float_parsing": "a number",
        "bool_type": "ticked or unticked (true or false)",
        "string_type": "text",
        "list_type": "a list",
        "dict_type": "an object of named inputs",
    }
    if kind in words:
        return words[kind]
    bounds = {
        "greater_than_equal": ("at least", "ge"),
        "less_than_equal": ("at most", "le"),
        "greater_than": ("more than", "gt"),
        "less_than": ("less than", "lt"),
    }
    if kind in bounds:
        words_for, key = bounds[kind]
        return f"{words_for} {_shown(ctx.get(key))}"
    if kind == "literal_error":
        return str(ctx.get("expected", "one of the choices offered"))
    if kind == "string_too_long":
        return f"at most {ctx.get('max_length')} characters"
    if kind == "string_too_short":
        return f"at least {ctx.get('min_length')} characters"
    return None


def _wrong_type(error: Mapping[str, Any]) -> bool:
    kind = str(error["type"])
    return kind.endswith(("_type", "_parsing")) or kind in {"int_from_float", "literal_error"}


def _place(loc: Sequence[Any]) -> tuple[str | None, str, bool]:
    """Return the field, its name with the cell or item, and whether a number was typed there."""
    parts = [part for part in loc if part not in _SOURCES and not _UNION_TAG.match(str(part))]
    names = [str(part) for part in parts if isinstance(part, str)]
    numbers = [part for part in parts if isinstance(part, int)]
    field = names[0] if names else None
    place = label(field) if field else "The inputs"
    if len(numbers) >= 2:  # counted from 0, as output[0, 0] is
        place += f" row {numbers[-2]}, column {numbers[-1]}"
    elif len(numbers) == 1:
        place += f" item {numbers[0]}"
    return field, place, bool(numbers)


def _message(first: Mapping[str, Any], errors: Sequence[Any]) -> str:
    kind, given = first["type"], first.get("input")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not an input this widget takes"
    if kind in {"too_short", "too_long"}:
        ctx = first.get("ctx") or {}
        low, high = ctx.get("min_length"), ctx.get("max_length")
        if high is None:
            return f"must hold at least {low} items"
        if low is None:
            return f"must hold at most {high} items"
        return (
            f"must hold exactly {low} items" if low == high else f"must hold {low} to {high} items"
        )
    if kind not in {"value_error", "assertion_error"} and _too_large(given):
        return too_large(given)
    same_place = [e for e in errors if _strip(e["loc"]) == _strip(first["loc"])]
    # of a union's alternatives, one whose type fit but whose limit did not says it best
    fitted = [e for e in same_place if not _wrong_type(e)]
    same_place = fitted or same_place
    wanted = [words for e in same_place if (words := _requirement(e)) is not None]
    if wanted:
        unique = list(dict.fromkeys(wanted))
        if "a number" in unique and "a whole number" in unique:
            unique.remove("a whole number")  # int | float: any number will do
        return f"must be {' or '.join(unique)}, got {_shown(given)}"
    return str(first["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")


def _strip(loc: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(part for part in loc if not _UNION_TAG.match(str(part)))


def describe_validation(errors: Sequence[Any]) -> tuple[str | None, str]:
    """Return ``(field, sentence)`` for the first of pydantic's errors, in a learner's words.

    Examples
    --------
    >>> describe_validation([{"type": "greater_than_equal", "loc": ("body", "in_channels"),
    ...     "msg": "Input should be greater than or equal to 1", "input": 0, "ctx": {"ge": 1}}])
    ('in_channels', 'Input channels must be at least 1, got 0')
    """
    first = errors[0]
    if first["type"] == "json_invalid":  # its "location" is a character offset, not a field
        where = f" near character {first['loc'][-1]}" if len(first["loc"]) > 1 else ""
        return None, f"the request body is not valid JSON{where}; send a JSON object"
    field, place, in_cell = _place(first["loc"])
    ctx = first.get("ctx") or {}
    if "row" in ctx and "column" in ctx:  # a grid's own check names the cell it refused
        place += f" row {ctx['row']}, column {ctx['column']}"
    message = _message(first, errors)
    if first["type"] == "extra_forbidden":
        return field, f"{field!r} {message}"
    if field is None and not in_cell:
        return None, message
    named = _NAME.match(message)
    if field and named and named[1] == field and not in_cell:
        return field, label(field) + message[len(field) :]  # the rule already names its field
    return field, f"{place} {message}" if _reads_on(message) else f"{place}: {message}"


def _reads_on(message: str) -> bool:
    return message.startswith(("must ", "is ", "holds ", "has "))


def refusal(error: Exception) -> dict[str, str | None]:
    """Return the refusal (``detail`` and ``field``) for an error a widget's inputs caused."""
    if isinstance(error, ValidationError):
        field, detail = describe_validation(error.errors())
        return {"detail": detail, "field": field}
    return {"detail": str(error), "field": None}


@contextmanager
def engine_refusals(fields: Mapping[str, str | None]) -> Iterator[None]:
    """Turn the engine's argument refusals inside the block into refusals about input fields.

    The engine refuses an argument with a ``ValueError`` or ``TypeError`` whose message opens
    with the argument's name (``kernel 5×5 does not fit the padded input 4×4``). ``fields``
    maps each argument the block passes to the widget's field it came from (``None``: no one
    field). A message about an argument not in ``fields`` is not a refusal of these inputs
    but a fault, and propagates unchanged.
    """
    try:
        yield
    except (ValueError, TypeError) as error:
        if isinstance(error, ValidationError):
            raise
        named = _NAME.match(str(error))
        if named is None or named[1] not in fields:
            raise
        raise field_error(fields[named[1]], str(error)) from error
