"""``convscope serve [PATH]``: the interactive lessons in the browser, served from this computer.

With ``PATH`` (a lesson file or a folder of them) it serves a teacher's lessons instead of the
shipped ones: each page is rendered from the file as it is on disk, reloads itself when the file
is saved, and every mistake in a directive is printed here with its file and line (the page shows
it in place). The server only reads the teacher's files.

Starts uvicorn on 127.0.0.1 (only this computer can connect) at a free port unless ``--port``
says otherwise; once the server answers a request (the lessons rendered and the compiled
filters loaded first), prints the address and opens it in the default browser unless
``--no-open``.
The server answers only requests addressed to it by one of its own names (``localhost``,
``127.0.0.1``, ``[::1]``, the address it listens on, and on ``--host 0.0.0.0`` this computer's
names) or a name given with ``--allowed-host``; see :mod:`convscope.web.hosts`.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Annotated

import typer

from ..lessons.sources import LessonLibrary
from . import app
from .lesson_mistakes import MistakeReporter, check_lessons
from .server_process import open_browser as open_in_browser


def free_port(host: str) -> int:
    """Return a TCP port on ``host`` that nothing listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


def lesson_url(host: str, port: int) -> str:
    """Return the address a browser opens for the server at ``host:port``."""
    shown = "127.0.0.1" if host in {"0.0.0.0", ""} else host
    if ":" in shown:
        shown = f"[{shown}]"  # an IPv6 address needs brackets in a URL
    return f"http://{shown}:{port}/"


def _library(path: Path | None) -> LessonLibrary | None:
    if path is None:
        return None
    try:
        return LessonLibrary.at(path)
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="PATH") from error


@app.command()
def serve(
    path: Annotated[
        Path | None,
        typer.Argument(help="A lesson .md file or a folder of them; none: the shipped lessons."),
    ] = None,
    port: Annotated[
        int, typer.Option(help="Port to listen on; 0 picks a free one.", min=0, max=65535)
    ] = 0,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it private.")
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the lesson in a browser.")
    ] = True,
    workers: Annotated[
        int, typer.Option(help="Server processes; 2 or more for a class.", min=1, max=32)
    ] = 1,
    allow_code: Annotated[
        bool,
        typer.Option(
            "--allow-code",
            help="Run code learners edit (sandboxed) even on a network address; see docs.",
        ),
    ] = False,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            metavar="NAME",
            help=(
                "Another name learners use to reach the server (e.g. a DNS name of this "
                "computer); repeat for several. Requests by any other name get 400."
            ),
        ),
    ] = None,
) -> None:
    """Serve the interactive lessons (or your own lesson file or folder) in the browser."""
    from ..web import create_app
    from ..web.hosts import allowed_hosts
    from .server_process import (
        code_runs_for,
        port_is_free,
        port_taken_message,
        run_server,
        when_answering,
    )

    library = _library(path)
    report = MistakeReporter()
    if library is not None:
        count = check_lessons(library, report)
        typer.echo(
            f"{len(library.slugs())} lesson(s) from {library.root}, {count} mistake(s); "
            "saving a file reloads its page"
        )
    if port and not port_is_free(host, port):
        raise typer.BadParameter(port_taken_message(host, port), param_hint="--port")
    chosen = port or free_port(host)
    url = lesson_url(host, chosen)
    code_runs = code_runs_for(host, allow_code)
    if not code_runs:
        typer.echo("running edited code is off on a network address (--allow-code turns it on)")
    else:
        _say_walls(host)
    typer.echo("convscope is starting (loading the lessons and the compiled filters)…")

    def ready() -> None:
        typer.echo(f"convscope is serving the lesson at {url}  (Ctrl+C stops it)")
        if open_browser:
            open_in_browser(url)

    # Said (and the browser opened) once a page request is answered, not when the port opens.
    when_answering(host, chosen, ready)
    hosts = allowed_hosts(host, allowed_host or ())
    application = create_app(
        library, report, code_runs=code_runs, listening_on=host, allowed_hosts=hosts
    )
    run_server(application, host, chosen, workers, library.root if library else None)


def _say_walls(host: str) -> None:
    """Print which walls the sandbox raises here, and what that means for the code box."""
    from ..tracing.sandbox import probe_walls
    from .server_process import is_loopback

    walls = probe_walls()
    typer.echo(f"sandbox for edited code: {walls.summary()}")
    if not walls.complete:
        where = "this computer only" if is_loopback(host) else "no one (off for other computers)"
        problems = "; ".join(walls.problems)
        typer.echo(f"  without seccomp and Landlock ({problems}), edited code runs for {where}")
