"""Open a served page once the server answers it: a cold server on a busy machine renders a
lesson's first page slowly enough for its time limit to answer 503, which is no test's subject."""

from __future__ import annotations

from typing import Any


def goto_when_ready(page: Any, url: str, tries: int = 3) -> None:
    """Ask for `url` outside the page until it is not 503 (at most `tries` times), then open it."""
    for _ in range(tries if url.startswith("http") else 0):
        if page.context.request.get(url, timeout=60_000).status != 503:
            break
    page.goto(url)
