"""``convscope serve``: its options, its address and the free port it picks."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from convscope.cli import _register, app, server_process
from convscope.cli.serve import free_port, lesson_url

CONVSCOPE = Path(sys.executable).with_name("convscope")


def test_free_port_can_be_bound_right_away() -> None:
    port = free_port("127.0.0.1")
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", port))
    assert 1024 <= port <= 65535


def test_lesson_url_is_local_and_brackets_ipv6() -> None:
    assert lesson_url("127.0.0.1", 8000) == "http://127.0.0.1:8000/"
    assert lesson_url("0.0.0.0", 8000) == "http://127.0.0.1:8000/"
    assert lesson_url("::1", 8000) == "http://[::1]:8000/"


def test_serve_help_lists_port_host_and_no_open() -> None:
    _register()
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--host", "--no-open"):
        assert option in result.output


def test_a_port_that_accepts_but_does_not_answer_is_not_ready() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        assert not server_process.answers("127.0.0.1", silent.getsockname()[1], timeout=0.3)
    assert not server_process.answers("127.0.0.1", free_port("127.0.0.1"), timeout=0.3)


def test_the_ready_step_waits_until_a_page_request_is_answered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replies = iter([False, False, True])
    asked: list[str] = []
    monkeypatch.setattr(server_process, "answers", lambda host, port: next(replies))
    server_process.when_answering("0.0.0.0", 8000, lambda: asked.append("ready")).join(timeout=5)
    assert asked == ["ready"]
    assert server_process.probe_address("0.0.0.0") == "127.0.0.1"
    assert server_process.probe_address("::") == "::1"


@pytest.mark.skipif(not CONVSCOPE.exists(), reason="the convscope script is not installed")
def test_serve_prints_its_address_only_once_the_page_answers() -> None:
    port = server_process.next_free_port("127.0.0.1", 30000 + os.getpid() % 20000) or 0
    command = [str(CONVSCOPE), "serve", "--no-open", "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert server.stdout is not None
        said = ""
        for line in server.stdout:
            said += line
            if "serving the lesson at" in line:
                break
        url = re.search(r"http://\S+", said)
        assert url is not None, said
        started = time.perf_counter()
        page = httpx.get(url.group(0), timeout=10)  # straight away, as the browser does
        took = time.perf_counter() - started
    finally:
        os.killpg(server.pid, signal.SIGINT)
        server.communicate(timeout=20)
    assert "convscope is starting" in said
    assert page.status_code == 200 and "<h1" in page.text
    assert took < 2  # the lessons and the compiled filters were ready before the address
