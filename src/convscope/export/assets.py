"""Pictures a widget state points at on the server, fetched once and saved beside the pages.

Some states name pictures by server address (the gallery's ``/api/gallery/camera/sobel_x.jpg``).
The exporter asks the very app ``convscope serve`` runs for each one, in-process, saves the answer
under ``assets/media/`` with a name made from its bytes, and writes the relative path into the
state. An address the app does not answer with a picture (an upload route) becomes ``None``:
the page has no server to send to.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message

_T = TypeVar("_T")
SERVER_PREFIX = "/api/"
_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass
class MediaFolder:
    """Saves each server picture once and remembers where it went.

    Attributes
    ----------
    app : ASGI app
        The app to ask (``convscope.web.create_app()``).
    write : callable
        ``write(relative_path, data)``: stores a file in the export (atomically).
    prefix : str
        The folder, relative to the pages, the pictures go in.
    inline : bool
        Write each picture into the state as a ``data:`` URL instead (a notebook has no folder).
    """

    app: ASGIApp
    write: Callable[[str, bytes], object]
    prefix: str = "assets/media/"
    inline: bool = False
    saved: dict[str, str | None] = field(default_factory=dict)

    def localize(self, value: Any) -> Any:
        """Return ``value`` with every server address replaced by its saved file (or ``None``)."""
        if isinstance(value, dict):
            return {key: self.localize(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.localize(item) for item in value]
        if isinstance(value, str) and value.startswith(SERVER_PREFIX):
            return self.save(value)
        return value

    def save(self, address: str) -> str | None:
        """Return the relative path of the picture at ``address``, fetching it the first time."""
        if address not in self.saved:
            status, kind, body = _run_apart(get(self.app, address))
            suffix = _SUFFIX.get(kind)
            if status != 200 or suffix is None:
                self.saved[address] = None
            elif self.inline:
                self.saved[address] = f"data:{kind};base64," + base64.b64encode(body).decode()
            else:
                name = self.prefix + hashlib.sha256(body).hexdigest()[:20] + suffix
                self.write(name, body)
                self.saved[address] = name
        return self.saved[address]


def _run_apart(request: Coroutine[Any, Any, _T]) -> _T:
    # In its own thread with its own event loop: the caller may already run one (a notebook,
    # Playwright's sync API), and asyncio.run refuses to nest.
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, request).result()


async def get(app: ASGIApp, address: str) -> tuple[int, str, bytes]:
    """Return ``(status, content type, body)`` of ``GET address`` answered by ``app`` in-process."""
    parts = urlsplit(address)
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": parts.path,
        "raw_path": parts.path.encode(),
        "query_string": parts.query.encode(),
        "root_path": "",
        "headers": [(b"host", b"export.invalid")],
        "client": ("127.0.0.1", 0),
        "server": ("export.invalid", 80),
    }
    answer: dict[str, Any] = {"status": 500, "type": "", "body": b""}

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            headers = dict(message.get("headers", []))
            answer["type"] = headers.get(b"content-type", b"").decode().split(";")[0]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer["status"], answer["type"], answer["body"]
