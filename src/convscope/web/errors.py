"""Every failure a client can cause becomes a 4xx JSON answer naming the field, never a 500.

The words come from where the rule lives: the engine's ``ValueError``/``TypeError`` messages
pass through unchanged, and schema errors are turned into one sentence about one field.
"""

from __future__ import annotations

import re

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..widgets.refusals import describe_validation

MAX_BODY_BYTES = 256 * 1024
_FIELD_WORD = re.compile(r"^(\w+)")
_NOT_FIELDS = {"this", "the", "a", "an", "no", "request"}  # words a message may open with


def error_json(status: int, detail: str, field: str | None) -> JSONResponse:
    """Return the API's error answer: ``{"detail": ..., "field": ...}``."""
    return JSONResponse({"detail": detail, "field": field}, status_code=status)


def _engine_field(message: str) -> str | None:
    # The engine's messages start with the argument they are about ("kernel 5×5 does not fit").
    match = _FIELD_WORD.match(message)
    return match[1] if match and match[1].lower() not in _NOT_FIELDS else None


async def _on_request_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError | ValidationError)
    field, sentence = describe_validation(error.errors())
    return error_json(422, sentence, field)


async def _on_value_error(request: Request, error: Exception) -> JSONResponse:
    return error_json(422, str(error), _engine_field(str(error)))


async def _on_type_error(request: Request, error: Exception) -> JSONResponse:
    return error_json(400, str(error), _engine_field(str(error)))


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    # FastAPI's own refusals (a body that is not JSON, an unknown path) get the same shape.
    assert isinstance(error, HTTPException)
    answer = error_json(error.status_code, str(error.detail), None)
    answer.headers.update(error.headers or {})
    return answer


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn schema and engine errors into 4xx JSON."""
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(ValidationError, _on_request_validation)
    app.add_exception_handler(ValueError, _on_value_error)
    app.add_exception_handler(TypeError, _on_type_error)
    app.add_exception_handler(HTTPException, _on_http_error)


class BodyLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes with a 413 JSON answer,
    whether the body declares its length or arrives in chunks."""

    def __init__(
        self, app: ASGIApp, limit: int = MAX_BODY_BYTES, paths: dict[str, int] | None = None
    ) -> None:
        self.app, self.limit = app, limit
        self.paths = paths or {}  # routes that take more, e.g. an image upload

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.paths.get(scope["path"], self.limit)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        await self.app(scope, self._counting(receive, limit), send)

    def _counting(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:  # a chunked body declares no length: counted as it arrives
                raise HTTPException(413, f"request body is over the limit of {limit:,} bytes")
            return message

        return counted

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        detail = f"request body is over the limit of {limit:,} bytes"
        await error_json(413, detail, None)(scope, receive, send)
