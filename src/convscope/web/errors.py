"""Every refusal becomes a 4xx JSON answer naming its field; every fault, a logged 500.

A refusal is raised on purpose: a schema's error, or a state builder's
:func:`~convscope.widgets.field_errors.field_error` (the engine's own argument checks reach the
API that way, through :func:`~convscope.widgets.refusals.engine_refusals`). Its words come from
:mod:`convscope.widgets.refusals`, the one place a refusal is worded. Any other exception is a
fault of the program, not of the request: it is answered ``500`` and logged with its traceback,
never dressed up as a learner's mistake.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..engine._words import byte_size
from ..widgets.refusals import describe_validation

MAX_BODY_BYTES = 256 * 1024
LOG = logging.getLogger("convscope.web")
FAULT = (
    "the server met a problem of its own (not a mistake in what you typed); it is logged, "
    "and trying other values may work"
)


def error_json(status: int, detail: str, field: str | None) -> JSONResponse:
    """Return the API's error answer: ``{"detail": ..., "field": ...}``."""
    return JSONResponse({"detail": detail, "field": field}, status_code=status)


def fault_json(request_path: str) -> JSONResponse:
    """Log the exception being handled as a fault at ``request_path`` and answer 500."""
    LOG.exception("unexpected error answering %s", request_path)
    return error_json(500, FAULT, None)


def too_large(limit: int, sent: int | None = None) -> str:
    """Return the refusal of a request body over ``limit`` bytes, in sizes a person reads.

    Examples
    --------
    >>> too_large(8_454_144, 9_000_000)
    'what was sent (8.6 MB) is more than the 8.1 MB this address accepts'
    """
    size = "" if sent is None else f" ({byte_size(sent)})"
    return f"what was sent{size} is more than the {byte_size(limit)} this address accepts"


async def _on_request_validation(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError | ValidationError)
    field, sentence = describe_validation(error.errors())
    return error_json(422, sentence, field)


async def _on_fault(request: Request, error: Exception) -> JSONResponse:
    return fault_json(request.url.path)


async def _on_http_error(request: Request, error: Exception) -> JSONResponse:
    # FastAPI's own refusals (a body that is not JSON, an unknown path) get the same shape.
    assert isinstance(error, HTTPException)
    answer = error_json(error.status_code, str(error.detail), None)
    answer.headers.update(error.headers or {})
    return answer


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers: refusals become 4xx JSON, any other exception a logged 500."""
    app.add_exception_handler(RequestValidationError, _on_request_validation)
    app.add_exception_handler(ValidationError, _on_request_validation)
    app.add_exception_handler(HTTPException, _on_http_error)
    app.add_exception_handler(Exception, _on_fault)


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
            await error_json(413, too_large(limit, int(declared)), None)(scope, receive, send)
            return
        await self.app(scope, self._counting(receive, limit), send)

    def _counting(self, receive: Receive, limit: int) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:  # a chunked body declares no length: counted as it arrives
                raise HTTPException(413, too_large(limit))
            return message

        return counted
