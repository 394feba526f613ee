"""One in-process client for every API test: httpx over ASGI, no server, no network.

Tests run on anyio's pytest plugin (installed with httpx); mark modules ``pytest.mark.anyio``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from convscope.web import create_app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://convscope.test") as client:
        yield client
