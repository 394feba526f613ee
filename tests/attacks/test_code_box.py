"""The code box over HTTP: learner code aimed at the server that runs it, judged by the server.

A real ``convscope serve`` runs each attack through ``POST /api/code/run``; afterwards the
server must still be alive and answering, its temporary folders gone, and nothing the attack
aimed at changed. The fail-closed rules (a kernel without the walls) are checked in process.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from convscope.tracing.walls import Walls
from convscope.web import code_api, create_app

from .servers import serving

pytestmark = [
    pytest.mark.attack,
    pytest.mark.skipif(sys.platform != "linux", reason="the walls are Linux's"),
]
GUARD_OFF = "import sys\nsys.modules['convscope.tracing.guard'].REFUSED_EVENTS.clear()\n"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str, Path]]:
    """A real server with a temporary folder of its own: its pid, address and that folder."""
    temporary = tmp_path_factory.mktemp("server-tmp")
    with serving(environment={"TMPDIR": str(temporary)}) as (process, base):
        yield process.pid, base, temporary


def run(base: str, source: str) -> httpx.Response:
    return httpx.post(f"{base}/api/code/run", json={"source": GUARD_OFF + source}, timeout=30)


def still_answering(base: str) -> bool:
    return httpx.get(f"{base}/api/kernels", timeout=5).status_code == 200


@pytest.mark.parametrize(
    "attack",
    [
        "signal.pidfd_send_signal(os.pidfd_open(os.getppid()), signal.SIGKILL)",
        "os.kill(os.getppid(), signal.SIGKILL)",
        "os.kill({server}, signal.SIGKILL)",
        "signal.pidfd_send_signal(os.pidfd_open({server}), signal.SIGKILL)",
        "os.killpg(os.getpgid({server}), signal.SIGKILL)",
    ],
)
def test_code_cannot_kill_the_server(server: tuple[int, str, Path], attack: str) -> None:
    pid, base, temporary = server
    source = (
        f"import os, signal\ntry:\n    {attack.format(server=pid)}\nexcept OSError:\n    pass\n"
    )
    assert run(base, source).status_code == 200
    assert still_answering(base)
    assert not list(temporary.glob("convscope-sandbox-*"))  # its run folder was cleaned up


def test_writing_to_the_answer_channel_is_a_clear_result_not_a_500(
    server: tuple[int, str, Path],
) -> None:
    _, base, _ = server
    response = run(base, "import os\nos.write(3, b'{}')\nos._exit(0)\n")
    assert response.status_code == 200
    assert response.json()["error"]["message"] == "the program's answer could not be read"
    assert still_answering(base)


def test_a_socket_to_the_server_s_own_port_gets_nowhere(server: tuple[int, str, Path]) -> None:
    _, base, _ = server
    port = int(base.rsplit(":", 1)[1])
    source = (
        "import socket\n"
        "try:\n"
        f"    s = socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
        "    s.sendall(b'GET /api/code/status HTTP/1.0\\r\\n\\r\\n')\n"
        "    print(s.recv(1000))\n"
        "except OSError as error:\n"
        "    print('refused', error.errno)\n"
    )
    answer = run(base, source).json()
    assert "HTTP/1" not in answer["stdout"]  # no byte of the server's answer came back
    assert still_answering(base)


def _weak_walls() -> Walls:
    return Walls(landlock_abi=0, seccomp=False, problems=["Landlock: not in this kernel"])


def _client(client: tuple[str, int]) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(code_runs=True), client=client)
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", timeout=30)


@pytest.mark.anyio
async def test_without_walls_other_computers_get_no_code_box(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(code_api, "probe_walls", _weak_walls)
    async with _client(("192.168.1.20", 5000)) as client:
        response = await client.post("/api/code/run", json={"source": "x = 1\n"})
        status = (await client.get("/api/code/status")).json()
    assert response.status_code == 403
    assert status["enabled"] is False and "Landlock: not in this kernel" in status["detail"]


@pytest.mark.anyio
async def test_without_walls_this_computer_is_told_before_it_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(code_api, "probe_walls", _weak_walls)
    seen: dict[str, Any] = {}

    def run_traced_source(*args: Any, require_walls: bool, **options: Any) -> dict[str, Any]:
        seen["require_walls"] = require_walls
        return code_api.unreadable_trace(args[0], code_api.FILENAME)

    monkeypatch.setattr(code_api, "run_traced_source", run_traced_source)
    async with _client(("127.0.0.1", 5000)) as client:
        status = (await client.get("/api/code/status")).json()
        response = await client.post("/api/code/run", json={"source": "x = 1\n"})
    assert status["enabled"] is True and "could reach your files" in status["detail"]
    assert response.status_code == 200 and seen == {"require_walls": False}


def test_with_every_wall_up_runs_require_them() -> None:
    assert code_api.probe_walls().complete  # so the server runs with require_walls=True
