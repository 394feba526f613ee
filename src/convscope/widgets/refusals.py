"""A widget's refusals in one set of words, whichever host refused.

A set of inputs a widget cannot show is refused with ``{"detail": ..., "field": ...}``: the web
API answers it as 4xx JSON, an exported page holds it for the inputs computed ahead of time, a
notebook widget sets it as its ``refusal``. Schema errors become one sentence about one field
(``input row 2, column 2: must be a number, got 'x'``); the engine's own messages pass unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

_UNION_TAG = re.compile(
    r"^(int|float|bool|str|list\[.*\]|literal\[.*\]|constrained-\w+|function-\w+.*)$"
)
_SOURCES = {"body", "path", "query", "header", "cookie"}  # where FastAPI read it, not a field


def _where(loc: Sequence[Any]) -> tuple[str | None, str]:
    parts = [part for part in loc if part not in _SOURCES and not _UNION_TAG.match(str(part))]
    names = [str(part) for part in parts if isinstance(part, str)]
    numbers = [part for part in parts if isinstance(part, int)]
    field = names[0] if names else None
    place = field or "request body"
    if len(numbers) == 2:
        place += f" row {numbers[0] + 1}, column {numbers[1] + 1}"
    elif len(numbers) == 1:
        place += f" item {numbers[0] + 1}"
    return field, place


def describe_validation(errors: Sequence[Any]) -> tuple[str | None, str]:
    """Return ``(field, sentence)`` for the first of pydantic's errors."""
    first = errors[0]
    field, place = _where(first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    if first["type"] in {"int_type", "float_type", "int_from_float"}:
        message = f"must be a number, got {first.get('input')!r}"
    if first["type"] == "missing":
        message = "is required"
    if first["type"] == "json_invalid":  # its "location" is a character offset, not a field
        where = f" near character {first['loc'][-1]}" if len(first["loc"]) > 1 else ""
        return None, f"the request body is not valid JSON{where}; send a JSON object"
    if field and message.startswith(f"{field} "):
        return field, message  # the rule already names its field, as the engine's rules do
    return field, f"{place}: {message}"


def refusal(error: Exception) -> dict[str, str | None]:
    """Return the refusal (``detail`` and ``field``) for an error a widget's inputs caused."""
    if isinstance(error, ValidationError):
        field, detail = describe_validation(error.errors())
        return {"detail": detail, "field": field}
    return {"detail": str(error), "field": None}
