"""A teacher's own program in a ``code_trace`` directive: inline, or a file beside the lesson.

The program runs under the code tracer in the sandbox's child process
(:func:`convscope.tracing.sandbox.run_traced_source`) with :data:`SNIPPET_LIMITS`: a teacher's
file is trusted more than a stranger's, but a runaway loop must still end before the page
would seem to hang. Each ``(source, call)`` is run once per process and its trace kept, so
later page loads are instant and a saved edit (new source) runs afresh.

A program that raises, or is stopped by a limit, still shows what it did up to there; this
module says what went wrong in words naming the lesson's line and the program's own line, and
the lesson boxes those words under the widget and prints them in ``convscope serve``.

Examples
--------
>>> site = DirectiveSite("demo.md", 3)
>>> source, name = snippet_source({"source": "x = 1\\n"}, site)
>>> name
'the snippet at demo.md, line 3'
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ...tracing.sandbox import SandboxLimits, run_traced_source
from ..base import DirectiveSite

SNIPPET_LIMITS = SandboxLimits(
    max_steps=5_000, max_seconds=3.0, wall_seconds=6.0, cpu_seconds=5, memory_mb=512, file_mb=8
)
"""The limits a lesson's program runs under: ample for a teaching loop (a 3×3 kernel over a
28×28 picture takes about 2,000 steps), short of a hung page or a page of many megabytes."""
MAX_SNIPPET_CHARS = 20_000
TRACED_NAME = "snippet.py"  # the name every snippet is traced under, so the cache key is its text
_INLINE_START = re.compile(r"^source\s*=\s*(?:'''|\"\"\")(\n?)", re.MULTILINE)


def snippet_source(raw: dict[str, Any], site: DirectiveSite) -> tuple[str, str]:
    """Return the program a directive gives (``source`` or ``file``) and the name to show.

    Raises
    ------
    ValueError
        When the file is outside the lesson's folder, missing, not UTF-8 or too long.
    """
    if isinstance(raw.get("file"), str):
        path = resolve_file(raw["file"], site)
        source = _read(path, raw["file"])
        name = path.name
    else:
        source = str(raw.get("source", ""))
        name = f"the snippet at {site.filename}, line {site.line}"
    if len(source) > MAX_SNIPPET_CHARS:
        raise ValueError(f"the program is {len(source):,} characters; keep it under 20,000")
    return source.replace("\r\n", "\n").replace("\r", "\n"), name


def resolve_file(given: str, site: DirectiveSite) -> Path:
    """Return the file a directive names, resolved from the lesson's folder and inside it.

    Raises
    ------
    ValueError
        When the lesson has no folder, or the path leads outside it (``..``, an absolute
        path, a link pointing elsewhere).
    """
    if site.folder is None:
        raise ValueError(f"file = {given!r} needs a lesson file; use source = '''…''' here")
    folder = site.folder.resolve()
    path = (folder / given).resolve()
    if not path.is_relative_to(folder):
        raise ValueError(
            f"file = {given!r} is outside the lesson's folder {str(folder)!r}; put the "
            "program in that folder (or one below it) and name it from there"
        )
    return path


def _read(path: Path, given: str) -> str:
    if not path.is_file():
        raise ValueError(f"file = {given!r}: there is no such file beside the lesson ({path})")
    if path.stat().st_size > 4 * MAX_SNIPPET_CHARS:
        raise ValueError(f"file = {given!r} is too long for a lesson; keep it under 20,000 chars")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ValueError(f"file = {given!r} could not be read as UTF-8 text ({error})") from error


@lru_cache(maxsize=128)
def traced_snippet(source: str, call: str | None, grid_cells: int) -> dict[str, Any]:
    """Return the trace JSON of ``source`` (then ``call``) run in the sandbox, cached, written
    for a page that draws arrays of up to ``grid_cells`` elements as grids."""
    # The teacher's own program: behind every wall this kernel has, none of them required.
    return run_traced_source(
        source,
        call,
        SNIPPET_LIMITS,
        filename=TRACED_NAME,
        require_walls=False,
        grid_cells=grid_cells,
    )


def snippet_problem(data: dict[str, Any], name: str, site: DirectiveSite) -> str | None:
    """Return what went wrong in a traced snippet, in words naming both lines, or ``None``."""
    error, stopped = data.get("error"), data.get("stopped")
    if error:
        line = error.get("line")
        where = f" on {_where(line, name, site)}" if line else ""
        return f"the program raised {error['type']}{where}: {error['message']}"
    if stopped:
        steps = data.get("steps") or []
        where = f", on {_where(steps[-1]['line'], name, site)}" if steps else ""
        return f"the program did not finish: {stopped}{where}"
    return None


def _where(line: int, name: str, site: DirectiveSite) -> str:
    """Return a program's line in words: of its file, or of the inline snippet and the lesson."""
    found = _INLINE_START.search(site.body)
    if found is None:
        return f"line {line} of {name}"
    opening = site.body.count("\n", 0, found.start()) + 1  # the body's first line is fence + 1
    first = site.line + opening + (1 if found[1] else 0)  # TOML drops a newline after '''
    return f"line {line} of the snippet ({site.filename}, line {first + line - 1})"
