"""Security headers on every answer: the page policy, no sniffing, no referrer, no framing.

The words of the policy live in :mod:`convscope.page_policy`, which the exporter reads too.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..page_policy import served_headers


class SecurityHeaders:
    """ASGI middleware adding :func:`~convscope.page_policy.served_headers` to every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app, self.headers = app, served_headers()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the request, adding the headers to its answer as it starts."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, with_headers)
