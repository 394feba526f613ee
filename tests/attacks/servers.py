"""A real ``convscope serve`` in its own process, for attacks that must reach it over TCP."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """Return a TCP port that was free on the loopback address a moment ago."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(
    *options: str,
    environment: dict[str, str] | None = None,
    preexec: Callable[[], None] | None = None,
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Run ``convscope serve --no-open`` on a free loopback port; yield it and its address.

    ``environment`` is added to this process's for the server (a ``TMPDIR`` of its own, say);
    ``preexec`` runs in the server's process before it starts (dropping capabilities, say).
    """
    port = free_port()
    command = [sys.executable, "-c", "from convscope.cli import main; main()", "serve"]
    command += ["--no-open", "--host", LOOPBACK, "--port", str(port), *options]
    server = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        env={**os.environ, **(environment or {})},
        preexec_fn=preexec,
    )
    base = f"http://{LOOPBACK}:{port}"
    try:
        _wait_until_answering(server, base)
        yield server, base
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _wait_until_answering(server: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/api/kernels", timeout=5).status_code == 200:
                return
        assert server.poll() is None, server.stderr.read().decode()  # type: ignore[union-attr]
        time.sleep(0.2)
    raise AssertionError("the server did not answer within 60 s")
