"""Running ``convscope serve`` for a class: worker processes, a taken port, no browser, Ctrl-C.

With ``--workers N`` uvicorn starts N processes, each building its own app through
:func:`app_from_environment` (uvicorn needs an import string for that, not an app object); the
choices of the command reach them as environment variables; the one secret, the key sealing a
teacher's own questions, reaches them through a private file instead
(:func:`~convscope.widgets.question_key.share_with_workers`), and every server process
marks itself non-dumpable (:func:`forbid_inspection`). Nothing a learner does is kept in
a process's memory: every request carries its widget's whole inputs, uploads are answered and
forgotten, and the caches hold pure functions of the shipped files, so any worker can answer
any request.
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import ipaddress
import os
import socket
import threading
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from fastapi import FastAPI

LESSONS_VARIABLE = "CONVSCOPE_SERVE_LESSONS"
CODE_VARIABLE = "CONVSCOPE_SERVE_CODE"
HOST_VARIABLE = "CONVSCOPE_SERVE_HOST"
NAMES_VARIABLE = "CONVSCOPE_SERVE_NAMES"
FACTORY = "convscope.cli.server_process:app_from_environment"
_SEARCHED_PORTS = 50
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
_PR_SET_DUMPABLE = 4  # prctl's option (linux/prctl.h)


def is_loopback(host: str) -> bool:
    """Return whether ``host`` is an address only this computer can reach (127.x, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def port_is_free(host: str, port: int) -> bool:
    """Return whether a server could listen on ``host:port`` right now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # uvicorn sets SO_REUSEADDR too: a port left in TIME_WAIT is not "taken" for it.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def next_free_port(host: str, port: int) -> int | None:
    """Return the first free port after ``port`` on ``host`` (of the next 50), or None."""
    for candidate in range(port + 1, min(port + 1 + _SEARCHED_PORTS, 65536)):
        if port_is_free(host, candidate):
            return candidate
    return None


def port_taken_message(host: str, port: int) -> str:
    """Return what to tell a teacher whose port is taken, suggesting the next free one."""
    free = next_free_port(host, port)
    hint = f"try --port {free} (free right now)" if free else "try --port 0 to let convscope pick"
    return f"port {port} on {host} is already in use (another server?); {hint}"


def open_browser(url: str) -> None:
    """Open ``url`` in a browser; when none can be opened, print the address to open by hand."""
    try:
        opened = webbrowser.open(url)
    except Exception:  # a broken browser setting must not stop the server
        opened = False
    if not opened:
        typer.echo(f"no browser could be opened here; open {url} in one yourself")


def probe_address(host: str) -> str:
    """Return the address to reach a server listening on ``host`` from this computer."""
    if host in {"0.0.0.0", ""}:
        return "127.0.0.1"
    return "::1" if host == "::" else host


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Return whether the server at ``host:port`` answers a page request (``200``) right now.

    A socket that accepts is not yet a server that answers (with ``--workers`` the port is
    bound before any worker has loaded the lessons), so this asks for the lesson version.
    """
    connection = http.client.HTTPConnection(probe_address(host), port, timeout=timeout)
    try:
        connection.request("GET", "/api/lessons/version")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def when_answering(
    host: str, port: int, then: Callable[[], None], give_up_after: float = 300.0
) -> threading.Thread:
    """Run ``then`` in a background thread as soon as the server at ``host:port`` answers.

    ``convscope serve`` prints its address and opens the browser this way, so neither a
    teacher nor the browser meets a port that does not answer yet.
    """

    def wait() -> None:
        deadline = time.monotonic() + give_up_after
        while time.monotonic() < deadline:
            if answers(host, port):
                then()
                return
            time.sleep(0.05)

    thread = threading.Thread(target=wait, name="convscope-ready", daemon=True)
    thread.start()
    return thread


def code_runs_for(host: str, allow_code: bool) -> bool:
    """Return whether edited code runs: on a loopback address, or when the teacher allowed it."""
    return allow_code or is_loopback(host)


def forbid_inspection() -> None:
    """Mark this process non-dumpable (Linux): no other process without ``CAP_SYS_PTRACE``, even
    one of the same user such as learner code, may read its ``/proc/<pid>/environ`` or ``mem``,
    attach a debugger or get a core dump of it. Elsewhere: no effect."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)


def prepare_process() -> None:
    """Make a server process ready for pictures: compiled filters loaded, freed memory kept,
    and closed to inspection by other processes (:func:`forbid_inspection`).

    The gallery allocates and frees arrays of a few MB per filter. glibc hands such blocks
    back to the kernel and the next one faults its pages in again, one by one: a photo
    uploaded against every kernel spent half its time in those faults. Raising glibc's mmap
    and trim thresholds keeps freed blocks in the process for reuse (elsewhere: no effect).
    """
    from ..engine.algorithms import warm_up as warm_engine

    forbid_inspection()
    warm_engine()  # numba's compiled filters, when installed, load before the first request
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 256 * 2**20)
        libc.mallopt(_M_TRIM_THRESHOLD, 512 * 2**20)


def app_from_environment() -> FastAPI:
    """Return the app one worker process serves, built from the command's choices."""
    from ..lessons.sources import LessonLibrary
    from ..web import create_app
    from ..web.pages import warm_up
    from .lesson_mistakes import MistakeReporter

    path = os.environ.get(LESSONS_VARIABLE, "")
    library = LessonLibrary.at(Path(path)) if path else None
    code_runs = os.environ.get(CODE_VARIABLE, "off") == "on"
    names = os.environ.get(NAMES_VARIABLE, "").split()
    prepare_process()
    if library is None:
        warm_up()
    return create_app(
        library,
        MistakeReporter() if library else None,
        code_runs=code_runs,
        listening_on=os.environ.get(HOST_VARIABLE) or None,
        allowed_hosts=names or None,
    )


def run_server(app: FastAPI, host: str, port: int, workers: int, library_root: Path | None) -> None:
    """Serve ``app`` (one process) or ``workers`` processes like it; Ctrl-C stops it quietly."""
    import uvicorn

    from ..web.pages import warm_up
    from ..widgets.question_key import share_with_workers

    try:
        if workers == 1:
            prepare_process()
            if library_root is None:
                warm_up()
            uvicorn.run(app, host=host, port=port, log_level="warning")
            return
        os.environ[LESSONS_VARIABLE] = str(library_root or "")
        os.environ[CODE_VARIABLE] = "on" if app.state.code_runs else "off"
        os.environ[HOST_VARIABLE] = app.state.listening_on or ""
        os.environ[NAMES_VARIABLE] = " ".join(sorted(app.state.allowed_hosts or ()))
        forbid_inspection()
        with share_with_workers():
            uvicorn.run(
                FACTORY, factory=True, host=host, port=port, workers=workers, log_level="warning"
            )
    except KeyboardInterrupt:
        pass
    finally:
        with contextlib.suppress(Exception):
            typer.echo("convscope stopped serving.")
