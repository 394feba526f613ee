"""``convscope export [PATH] --out DIR``: lessons as a static site for a course page or a stick.

Without ``PATH`` it exports the lessons shipped with convscope; with it, a teacher's lesson file
or folder. The site works opened straight from disk and from any static host: no server, no
request outside the folder. Clicking through the lesson's own examples works there; typing new
numbers says that it needs ``convscope serve``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from . import app


@app.command()
def export(
    path: Annotated[
        Path | None,
        typer.Argument(help="A lesson .md file or a folder of them; none: the shipped lessons."),
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", "-o", help="The folder to write; new or empty.")
    ] = Path("convscope-site"),
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into a folder that already holds files (never through a link in it).",
        ),
    ] = False,
) -> None:
    """Write lessons as a static site (index plus one page per lesson) that needs no server."""
    from ..export import export_site

    try:
        summary = export_site(path, out, force=force)
    except ValueError as error:
        typer.secho(f"convscope export: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(2) from error
    for line in summary.mistakes:
        typer.secho(f"lesson mistake: {line}", fg=typer.colors.RED, err=True)
    typer.echo(
        f"wrote {len(summary.pages)} pages, {summary.states} widget states and "
        f"{summary.pictures} pictures to {summary.out}"
    )
    typer.echo(f"open {(summary.out / 'index.html').as_uri()}")
