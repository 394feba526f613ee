"""Errors about one input field, raised by a state builder after the schema has passed.

Some rules can only be checked by computing (a window that does not fit the map, a cell outside
the last layer). A builder raises them as :func:`field_error`, a pydantic ``ValidationError``
located at the field, so the API answers 422 naming that field in the same shape as a schema
error, and a lesson directive shows the same words in its error box.
"""

from __future__ import annotations

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError


def field_error(field: str | None, message: str) -> ValidationError:
    """Return a ``ValidationError`` saying ``message`` about input ``field`` (``None``: all).

    Examples
    --------
    >>> field_error("cell", "is outside the map").errors()[0]["loc"]
    ('cell',)
    """
    detail = InitErrorDetails(
        type=PydanticCustomError("value_error", "{message}", {"message": message}),
        loc=() if field is None else (field,),
        input=None,
    )
    return ValidationError.from_exception_data("inputs", [detail])
