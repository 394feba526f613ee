"""``convscope serve`` for a class: workers, a taken port, no browser, Ctrl-C, the time limit,
and a teacher's lesson files left exactly as they were."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from typer.testing import CliRunner

from convscope.cli import _register, app, server_process
from convscope.lessons.sources import LessonLibrary
from convscope.web import create_app
from convscope.web.limits import TimeLimit

CONVSCOPE = Path(sys.executable).with_name("convscope")


def _listening() -> tuple[socket.socket, int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    return listener, listener.getsockname()[1]


def test_a_taken_port_is_named_with_the_next_free_one() -> None:
    listener, port = _listening()
    with listener:
        message = server_process.port_taken_message("127.0.0.1", port)
        suggested = server_process.next_free_port("127.0.0.1", port)
    assert message.startswith(f"port {port} on 127.0.0.1 is already in use")
    assert suggested is not None and f"try --port {suggested}" in message
    assert suggested > port


def test_serve_on_a_taken_port_says_so_instead_of_a_traceback() -> None:
    _register()
    listener, port = _listening()
    with listener:
        result = CliRunner().invoke(app, ["serve", "--no-open", "--port", str(port)])
    assert result.exit_code == 2
    assert "already in use" in result.output and "try --port" in result.output


def test_no_browser_prints_the_address_to_open(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(server_process.webbrowser, "open", lambda url: False)
    server_process.open_browser("http://127.0.0.1:8000/")
    assert "open http://127.0.0.1:8000/ in one yourself" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("host", "allow_code", "runs"),
    [
        ("127.0.0.1", False, True),
        ("localhost", False, True),
        ("::1", False, True),
        ("0.0.0.0", False, False),
        ("192.168.1.5", False, False),
        ("0.0.0.0", True, True),
    ],
)
def test_code_runs_only_on_loopback_unless_allowed(host: str, allow_code: bool, runs: bool) -> None:
    assert server_process.code_runs_for(host, allow_code) is runs


def test_each_worker_builds_the_app_the_command_chose(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "mine.md").write_text("# Mine\n\nHello.\n", encoding="utf-8")
    monkeypatch.setenv(server_process.LESSONS_VARIABLE, str(tmp_path))
    monkeypatch.setenv(server_process.CODE_VARIABLE, "off")
    built = server_process.app_from_environment()
    assert built.state.code_runs is False
    assert built.state.lessons == LessonLibrary.at(tmp_path)


def _slow_app(seconds: float) -> TimeLimit:
    inner = FastAPI()

    @inner.get("/slow")
    def slow() -> dict[str, str]:
        time.sleep(seconds)
        return {"late": "yes"}

    @inner.get("/quick")
    def quick() -> dict[str, str]:
        return {"quick": "yes"}

    return TimeLimit(inner, seconds=0.3)


@pytest.mark.anyio
async def test_a_request_over_the_time_limit_gets_a_503_in_time() -> None:
    transport = httpx.ASGITransport(app=_slow_app(1.5))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        started = time.monotonic()
        slow = await client.get("/slow")
        waited = time.monotonic() - started
        quick = await client.get("/quick")
    assert slow.status_code == 503 and waited < 1.2
    assert slow.json()["detail"].startswith("the server took longer than 0.3 s")
    assert quick.json() == {"quick": "yes"}


def _fingerprint(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
        for path in sorted(folder.iterdir())
    }


@pytest.mark.anyio
async def test_serving_never_writes_the_teacher_s_lesson_files(tmp_path: Path) -> None:
    lesson = "# Mine\n\n```{calculator} Try it\ninput = [[1, 2], [3, 4]]\nkernel = [[1]]\n```\n"
    (tmp_path / "mine.md").write_text(lesson, encoding="utf-8")
    (tmp_path / "broken.md").write_text("# Broken\n\n```{nosuch}\n```\n", encoding="utf-8")
    before = _fingerprint(tmp_path)
    served = create_app(LessonLibrary.at(tmp_path), code_runs=False)
    transport = httpx.ASGITransport(app=served)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for path in ("/", "/lessons", "/lessons/mine", "/lessons/broken", "/api/lessons/version"):
            assert (await client.get(path)).status_code == 200
        calc = {"input": [[1, 2], [3, 4]], "kernel": [[2]]}
        assert (await client.post("/api/widgets/calculator", json=calc)).status_code == 200
    assert _fingerprint(tmp_path) == before


@pytest.mark.skipif(not CONVSCOPE.exists(), reason="the convscope script is not installed")
def test_two_workers_serve_and_ctrl_c_stops_them_quietly() -> None:
    port = server_process.next_free_port("127.0.0.1", 20000 + os.getpid() % 20000) or 0
    command = [str(CONVSCOPE), "serve", "--no-open", "--workers", "2", "--port", str(port)]
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True
    )
    try:
        answers = _wait_and_ask(f"http://127.0.0.1:{port}")
    finally:
        os.killpg(server.pid, signal.SIGINT)  # what Ctrl+C in a terminal sends the group
        out, err = server.communicate(timeout=20)
    assert answers == [200] * 8
    assert b"Traceback" not in err, err.decode()
    assert out.decode().rstrip().endswith("convscope stopped serving.")


def _wait_and_ask(base: str) -> list[int]:
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/api/kernels", timeout=2)
            break
        except httpx.TransportError:
            time.sleep(0.3)
    body = {"input": [[1.0, 2.0], [3.0, 4.0]], "weight": [[1.0]]}
    with httpx.Client(base_url=base, timeout=10) as client:
        return [client.post("/api/trace", json=body).status_code for _ in range(8)]
