"""``convscope apply``: filter your own pictures with one kernel, as the gallery draws them.

A picture or every file of a folder is convolved (``convscope.conv2d``, each colour channel on
its own, or the grey picture with ``--grey``) and written to ``--out`` as a PNG by the gallery's
display rule. Files that cannot be read are listed at the end (exit 1); a bad option exits 2.
The logic is :mod:`convscope.render.apply`; this module reads options and reports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from ..render.apply import Outcome, Settings, filter_files, find_pictures, read_kernel, targets
from . import app
from .explain import parse_ints, parse_padding

MODES = ("zeros", "reflect", "replicate", "circular")


class _Rate(ProgressColumn):
    """Pictures per second, Rich's own estimate of the task's speed."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("… pictures/s" if speed is None else f"{speed:.1f} pictures/s")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command()
def apply(
    source: Annotated[Path, typer.Argument(help="A picture, or a folder of pictures.")],
    kernel: Annotated[
        str, typer.Option(help="A catalogue name (sobel_x), a .npy file or '[[1,0],[0,-1]]'.")
    ],
    out: Annotated[Path, typer.Option(help="Folder for the filtered PNGs (made if missing).")],
    stride: Annotated[str, typer.Option(help="Stride: S or rows,cols.")] = "1",
    padding: Annotated[str, typer.Option(help="P, rows,cols, same or valid.")] = "0",
    mode: Annotated[str, typer.Option(help="Padding mode: " + ", ".join(MODES) + ".")] = "zeros",
    flip: Annotated[bool, typer.Option(help="Flip the kernel (true convolution).")] = False,
    grey: Annotated[bool, typer.Option(help="Filter the grey picture, not each channel.")] = False,
    jobs: Annotated[int, typer.Option(min=1, help="Worker processes (1: this one).")] = 1,
    force: Annotated[bool, typer.Option(help="Overwrite existing output files.")] = False,
) -> None:
    """Filter a picture, or every picture in a folder, and write what the gallery would show."""
    settings, work = _prepare(source, kernel, out, stride, padding, mode, flip, grey, force)
    failed = [o for o in _run(work, settings, jobs, force) if o.problem is not None]
    written = len(work) - len(failed)
    typer.echo(f"wrote {written} picture{'s' * (written != 1)} into {out}")
    if failed:
        typer.echo(f"{len(failed)} file{'s' * (len(failed) != 1)} could not be filtered:", err=True)
        for outcome in sorted(failed, key=lambda o: o.source):
            typer.echo(f"  {outcome.source}: {outcome.problem}", err=True)
        raise typer.Exit(code=1)


def _prepare(
    source: Path,
    kernel: str,
    out: Path,
    stride: str,
    padding: str,
    mode: str,
    flip: bool,
    grey: bool,
    force: bool,
) -> tuple[Settings, list[tuple[Path, Path]]]:
    try:
        settings = Settings(
            kernel=read_kernel(kernel),
            stride=parse_ints(stride, "--stride", (1, 2)),
            padding=parse_padding(padding),
            padding_mode=_mode(mode),
            flip=flip,
            grey=grey,
        )
    except ValueError as error:
        raise _fail(str(error)) from None
    sources = _sources(source)
    work = list(zip(sources, targets(sources, out), strict=True))
    for picture, target in work:
        if target.resolve() == picture.resolve():
            raise _fail(f"{target} would overwrite the picture it is made from; use another --out")
    existing = [target for _, target in work if target.exists()]
    if existing and not force:
        raise _fail(f"{existing[0]} exists; pass --force to overwrite it" + _more(existing))
    if out.exists() and not out.is_dir():
        raise _fail(f"--out: {out} is a file; give a folder")
    out.mkdir(parents=True, exist_ok=True)
    return settings, work


def _mode(mode: str) -> str:
    if mode not in MODES:
        raise ValueError(f"--mode must be one of {', '.join(MODES)}; got {mode!r}")
    return mode


def _more(existing: list[Path]) -> str:
    return f" (and {len(existing) - 1} more)" if len(existing) > 1 else ""


def _sources(source: Path) -> list[Path]:
    if source.is_dir():
        found = find_pictures(source)
        if not found:
            raise _fail(f"{source} holds no files to filter")
        return found
    if not source.is_file():
        raise _fail(f"{source} is not a file or a folder")
    return [source]


def _run(
    work: list[tuple[Path, Path]], settings: Settings, jobs: int, force: bool
) -> list[Outcome]:
    columns = (
        TextColumn("filtering"),
        BarColumn(),
        MofNCompleteColumn(),
        _Rate(),
        TimeElapsedColumn(),
    )
    outcomes = []
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task = progress.add_task("filtering", total=len(work))
        for outcome in filter_files(work, settings, jobs, force):
            outcomes.append(outcome)
            progress.advance(task)
    return outcomes
