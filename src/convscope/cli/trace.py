"""``convscope trace``: run a Python file line by line and show what every line did.

It prints each executed line with the variables it changed, the loop cards (one per iteration)
and how the run ended; ``--html`` writes the same as a self-contained page, ``--json`` the trace
JSON, and ``--sandbox`` runs the file in a limited child process (for code you did not write).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from ..tracing.code import DEFAULT_MAX_SECONDS, DEFAULT_MAX_STEPS, trace_source
from ..tracing.code_render import rich_renderables, trace_page
from ..tracing.sandbox import SandboxLimits, run_traced_source
from . import app


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("trace")
def trace_file(
    file: Annotated[Path, typer.Argument(help="The Python file to run, e.g. loop.py.")],
    call: Annotated[
        str | None,
        typer.Option(help="An expression to evaluate after the file, e.g. 'f(3)'."),
    ] = None,
    html: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML page here.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the trace JSON instead of tables.")
    ] = False,
    sandbox: Annotated[
        bool,
        typer.Option("--sandbox", help="Run in a child process with time, memory and file limits."),
    ] = False,
    max_steps: Annotated[int, typer.Option(help="Stop after this many steps.")] = DEFAULT_MAX_STEPS,
    max_seconds: Annotated[
        float, typer.Option(help="Stop after this many seconds.")
    ] = DEFAULT_MAX_SECONDS,
) -> None:
    """Run FILE (then --call) and show each executed line, what it changed, and the loops.

    Try: convscope trace loop.py --call "cross_correlate(gradient, sobel_x)" --html trace.html
    """
    try:
        source = _read_source(file)
        if html is not None and not html.resolve().parent.is_dir():
            raise ValueError(f"--html: folder {str(html.resolve().parent)!r} does not exist")
        traced = _run(source, file, call, sandbox, max_steps, max_seconds, array_text=as_json)
    except (ValueError, TypeError) as error:
        raise _fail(str(error)) from None
    if html is not None:
        _write_atomically(html, trace_page(traced))
    if as_json:
        typer.echo(json.dumps(traced))
        return
    console = Console(highlight=False)
    for part in rich_renderables(traced):
        console.print(part)
    if html is not None:
        console.print(f"wrote {html}")


def _read_source(file: Path) -> str:
    if not file.is_file():
        raise ValueError(f"FILE {str(file)!r} is not a file; give the path of a .py file")
    try:
        return file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"FILE {str(file)!r} is not UTF-8 text; save it as UTF-8") from None


def _run(
    source: str,
    file: Path,
    call: str | None,
    sandbox: bool,
    max_steps: int,
    max_seconds: float,
    *,
    array_text: bool,
) -> dict[str, Any]:
    """Return the trace JSON; with ``array_text=False`` (only the tables and the page are
    shown, and they draw arrays from their data) without NumPy's repr of every array."""
    if sandbox:
        limits = SandboxLimits(max_steps=max_steps, max_seconds=max_seconds)
        return run_traced_source(source, call, limits, filename=file.name, array_text=array_text)
    traced = trace_source(
        source, call, max_steps=max_steps, max_seconds=max_seconds, filename=file.name
    )
    return traced.to_json(array_text=array_text)


def _write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file, so no half-written page is left."""
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as page:
            page.write(text)
            # mkstemp makes the file private (0600); the page is for sharing, like any new file
            umask = os.umask(0o022)
            os.umask(umask)
            os.fchmod(page.fileno(), 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
