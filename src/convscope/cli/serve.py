"""``convscope serve``: the interactive lesson in the browser, served from this computer.

Starts uvicorn on 127.0.0.1 (only this computer can connect) at a free port unless ``--port``
says otherwise, prints the address and opens it in the default browser unless ``--no-open``.
"""

from __future__ import annotations

import socket
import threading
import webbrowser
from typing import Annotated

import typer

from . import app


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


@app.command()
def serve(
    port: Annotated[
        int, typer.Option(help="Port to listen on; 0 picks a free one.", min=0, max=65535)
    ] = 0,
    host: Annotated[
        str, typer.Option(help="Address to listen on; 127.0.0.1 keeps it private.")
    ] = "127.0.0.1",
    open_browser: Annotated[
        bool, typer.Option("--open/--no-open", help="Open the lesson in a browser.")
    ] = True,
) -> None:
    """Serve the interactive convolution lesson and open it in the browser."""
    import uvicorn

    from ..web import create_app

    chosen = port or free_port(host)
    url = lesson_url(host, chosen)
    typer.echo(f"convscope is serving the lesson at {url}  (Ctrl+C stops it)")
    if open_browser:
        # Opened once the server has had a moment to bind, so the first request is answered.
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(create_app(), host=host, port=chosen, log_level="warning")
