"""How long one request may keep a learner waiting, and the limits a class server documents.

Two limits bound every request (``docs/classroom.md`` lists them with their numbers):

- **Size.** :class:`~convscope.web.errors.BodyLimit` refuses a body over
  :data:`~convscope.web.errors.MAX_BODY_BYTES` (uploads get their own cap), and every route
  bounds its inputs (numbers per array, pixels per picture, characters of code), so the work
  behind any accepted request is bounded too.
- **Time.** :class:`TimeLimit` answers ``503`` with the usual error JSON when a route has not
  started its answer after :data:`REQUEST_SECONDS`. Python cannot stop a thread, so the work
  of a sync route (run in the thread pool) finishes in the background, bounded by the size
  limits, and its late answer is dropped; code typed by learners runs in a child process
  that the sandbox kills on its own wall clock (:mod:`convscope.web.code_api`).
"""

from __future__ import annotations

import asyncio
import contextlib

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import error_json

REQUEST_SECONDS = 10.0
"""Longest wait for the start of an answer before the server says it is too slow (503)."""


def _retrieve(task: asyncio.Task[None]) -> None:
    # A request we stopped waiting for may still fail; its error is of no use to anyone now.
    with contextlib.suppress(BaseException):
        task.exception()


class TimeLimit:
    """ASGI middleware answering 503 when a request takes longer than ``seconds`` to answer.

    Parameters
    ----------
    app : ASGI application
        The application whose requests are timed.
    seconds : float
        The limit for every path not in ``paths``.
    paths : dict of str to float, optional
        Paths with a limit of their own.
    """

    def __init__(
        self, app: ASGIApp, seconds: float = REQUEST_SECONDS, paths: dict[str, float] | None = None
    ) -> None:
        if seconds <= 0:
            raise ValueError(f"seconds must be a positive number of seconds, got {seconds!r}")
        self.app, self.seconds, self.paths = app, seconds, paths or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request; answer 503 ourselves if it has not begun answering in time."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seconds = self.paths.get(scope["path"], self.seconds)
        started = answered = False

        async def guarded(message: Message) -> None:
            nonlocal started
            if answered:
                return  # we already told the client it took too long
            started = started or message["type"] == "http.response.start"
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded))
        done, _ = await asyncio.wait({task}, timeout=seconds)
        if task in done or started:
            await task  # finished, or an answer is already streaming: let it end as it will
            return
        answered = True
        task.add_done_callback(_retrieve)
        task.cancel()
        detail = (
            f"the server took longer than {seconds:g} s to answer this request; "
            "try again in a moment or with smaller inputs"
        )
        await error_json(503, detail, None)(scope, receive, send)
