"""``POST /api/code/run``: code typed by strangers runs in the sandbox and comes back as a result.

Each attack is sent over HTTP the way a learner's edited code box would send it; the answer
must say clearly that it was refused or stopped, nothing may change outside the sandbox, and
the server must keep answering other requests meanwhile.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from convscope.web import code_api, create_app

pytestmark = [
    pytest.mark.anyio,
    pytest.mark.skipif(sys.platform == "win32", reason="the sandbox needs POSIX limits"),
]
MARKER = Path("/tmp/convscope-code-api-escape")


def _client(code_runs: bool | None) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(code_runs=code_runs))
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=30)


@pytest.fixture
async def runner() -> AsyncIterator[httpx.AsyncClient]:
    async with _client(True) as client:
        yield client


async def run(client: httpx.AsyncClient, source: str) -> dict[str, Any]:
    response = await client.post("/api/code/run", json={"source": source})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def refusal(answer: dict[str, Any]) -> str:
    assert answer["error"] is not None, answer["stopped"]
    return f"{answer['error']['type']}: {answer['error']['message']}"


async def test_edited_code_comes_back_as_the_widget_s_lines(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "total = 0\nfor k in range(3):\n    total += k\n")
    assert answer["error"] is None and answer["stopped"] is None
    assert answer["lines"][0]["text"] == "total = 0"
    assert len(answer["lines"][1]["loop"]["cards"]) == 3  # one card per pass, as in the lesson
    last_total = answer["lines"][2]["runs"][-1]["changes"][0]["value"]["text"]
    assert last_total == "3"  # 0 + 1 + 2


async def test_an_infinite_loop_is_stopped(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "while True:\n    pass\n")
    assert answer["stopped"] == f"stopped after {code_api.CODE_LIMITS.max_steps} steps"


async def test_a_memory_bomb_is_stopped(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "blocks = [bytearray(50_000_000) for _ in range(100)]\n")
    limit = code_api.CODE_LIMITS.memory_mb
    assert answer["stopped"] == f"stopped: the code used more than {limit} MB of memory"


async def test_a_fork_bomb_is_not_allowed(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "import os\nwhile True:\n    os.fork()\n")
    assert refusal(answer).startswith("PermissionError: starting processes (os.fork) is not")


async def test_writing_a_file_outside_is_not_allowed(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, f"open({str(MARKER)!r}, 'w').write('x')\n")
    assert "writing files outside the sandbox folder is not allowed" in refusal(answer)
    assert not MARKER.exists()


async def test_os_system_is_not_allowed(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, f"import os\nos.system('touch {MARKER}')\n")
    assert refusal(answer).startswith("PermissionError: running shell commands (os.system)")
    assert not MARKER.exists()


async def test_opening_a_socket_is_not_allowed(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "import socket\nsocket.socket().connect(('127.0.0.1', 80))\n")
    assert "opening network sockets" in refusal(answer)


async def test_deep_recursion_is_stopped(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "def down(n):\n    return down(n + 1)\n\ndown(0)\n")
    stopped_or_error = answer["stopped"] or refusal(answer)
    assert stopped_or_error.startswith(("stopped after", "RecursionError"))


async def test_printing_a_hundred_megabytes_keeps_only_the_start(
    runner: httpx.AsyncClient,
) -> None:
    response = await runner.post("/api/code/run", json={"source": "print('x' * 100_000_000)\n"})
    assert response.status_code == 200
    assert "more characters not kept" in response.json()["stdout"]
    assert len(response.content) < 1_000_000


async def test_a_ctypes_call_is_not_allowed(runner: httpx.AsyncClient) -> None:
    answer = await run(runner, "import ctypes\nctypes.CDLL(None).abort()\n")
    assert refusal(answer).startswith("PermissionError: loading native code (ctypes.dlopen)")


async def test_the_server_answers_others_while_code_runs(runner: httpx.AsyncClient) -> None:
    # max() over an endless iterator is one line that never yields to the tracer: only the
    # sandbox's CPU limit ends it, seconds later.
    endless = {"source": "import itertools\nmax(itertools.count())\n"}
    spin = runner.post("/api/code/run", json=endless)
    running = asyncio.ensure_future(spin)
    await asyncio.sleep(0.3)
    started = time.monotonic()
    kernels = await runner.get("/api/kernels")
    waited = time.monotonic() - started
    answer = (await running).json()
    assert kernels.status_code == 200 and waited < 1.5
    assert answer["stopped"].startswith("stopped")


async def test_running_code_is_off_when_the_teacher_says_so() -> None:
    async with _client(False) as client:
        response = await client.post("/api/code/run", json={"source": "x = 1\n"})
        status = (await client.get("/api/code/status")).json()
    assert response.status_code == 403
    assert response.json()["detail"] == code_api.OFF_BY_TEACHER
    assert status == {"enabled": False, "detail": code_api.OFF_BY_TEACHER}


async def test_by_default_only_connections_from_this_computer_run_code() -> None:
    transport = httpx.ASGITransport(app=create_app(), client=("192.168.1.20", 5000))
    async with httpx.AsyncClient(transport=transport, base_url="http://192.168.1.5") as client:
        response = await client.post("/api/code/run", json={"source": "x = 1\n"})
    assert response.status_code == 403
    assert "--allow-code" in response.json()["detail"]


async def test_code_over_the_size_limit_is_refused_naming_the_field(
    runner: httpx.AsyncClient,
) -> None:
    source = "x = 1\n" * (code_api.MAX_SOURCE_CHARS // 6 + 1)
    response = await runner.post("/api/code/run", json={"source": source})
    assert response.status_code == 422
    assert response.json()["field"] == "source"
    assert "at most 20000 characters" in response.json()["detail"]


async def test_a_full_queue_answers_busy_instead_of_waiting_forever(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(code_api, "QUEUE_SECONDS", 0.1)
    app = create_app(code_runs=True)
    app.state.code_turns = asyncio.Semaphore(0)  # every turn taken
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
        response = await client.post("/api/code/run", json={"source": "x = 1\n"})
    assert response.status_code == 503
    assert "busy" in response.json()["detail"]
