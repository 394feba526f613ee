"""Lessons: Markdown files with live widgets, rendered to HTML for every host.

Examples
--------
>>> lesson = render_lesson_text("# Hi\\n\\nThe sum is $a + b$.", filename="hi.md")
>>> lesson.title
'Hi'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from ..widgets.registry import WIDGETS
from .directives import MARK, PlacedWidget, placeholder
from .markdown import lesson_markdown

CONTENT = Path(str(resources.files(__package__) / "content"))
_TITLE = re.compile(r"^#\s+(.+)$", re.MULTILINE)
_MARKS = re.compile(MARK.format(r"\d+"))


@dataclass(frozen=True)
class Lesson:
    """A rendered lesson: its title, its HTML body, the widgets it places and its mistakes.

    ``widgets`` names the widgets placed, in order; ``placed`` holds each one as data (its
    directive, element id, inputs and state), and ``pieces`` the HTML around them, so a host
    can write the placeholders its own way (:meth:`html_with`) without reading HTML back.
    ``errors`` holds one ``file, line N: message`` line per directive that became an error box.
    """

    slug: str
    title: str
    html: str
    widgets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    placed: tuple[PlacedWidget, ...] = ()
    pieces: tuple[str, ...] = ()

    @property
    def stylesheets(self) -> list[str]:
        """The addresses of the styles its placed widgets bring (``widgets/params/params.css``).

        In the registry's order, each once, so a page links them the same way whatever order
        the lesson places its widgets in.
        """
        placed = {placed.name for placed in self.placed}
        sheets = [widget.stylesheet for name, widget in WIDGETS.items() if name in placed]
        return list(dict.fromkeys(sheet for sheet in sheets if sheet is not None))

    def html_with(self, scripts: Callable[[PlacedWidget], str]) -> str:
        """Return the body with each placed widget's state script replaced by ``scripts(it)``."""
        if not self.pieces:
            return self.html
        parts = [self.pieces[0]]
        for placed, after in zip(self.placed, self.pieces[1:], strict=True):
            parts += [placeholder(placed, scripts(placed)), after]
        return "".join(parts)


def lesson_names() -> list[str]:
    """Return the slugs of the lessons shipped with convscope (file names without ``.md``)."""
    return sorted(path.stem for path in CONTENT.glob("*.md"))


def render_lesson_text(
    text: str, *, filename: str = "<lesson>", folder: Path | None = None
) -> Lesson:
    """Return the :class:`Lesson` for Markdown ``text``; ``filename`` appears in error boxes.

    ``folder`` is where the lesson file lives: a directive may read a file from there (a
    ``code_trace`` program), never from outside it. ``None``: directives name no files.
    """
    env: dict[str, object] = {"filename": filename, "folder": folder}
    pieces = tuple(_MARKS.split(lesson_markdown().render(text, env)))
    title_match = _TITLE.search(text)
    widgets = env.get("widgets", [])
    errors = env.get("errors", [])
    placed = env.get("placed", [])
    placed = tuple(placed) if isinstance(placed, list) else ()
    html = "".join(part for at, piece in enumerate(pieces) for part in _joined(at, piece, placed))
    return Lesson(
        slug=Path(filename).stem,
        title=title_match[1].strip() if title_match else Path(filename).stem,
        html=html,
        widgets=list(widgets) if isinstance(widgets, list) else [],
        errors=list(errors) if isinstance(errors, list) else [],
        placed=placed,
        pieces=pieces,
    )


def _joined(at: int, piece: str, placed: tuple[PlacedWidget, ...]) -> tuple[str, ...]:
    return (piece,) if at == 0 else (placeholder(placed[at - 1]), piece)


def render_lesson(name: str) -> Lesson:
    """Return the shipped lesson ``name`` (e.g. ``"convolution"``) rendered to HTML.

    Raises
    ------
    ValueError
        When no lesson has that name; the message lists the ones that exist.
    """
    if name not in lesson_names():
        raise ValueError(f"no lesson named {name!r}; the lessons are {', '.join(lesson_names())}")
    path = CONTENT / f"{name}.md"
    return render_lesson_text(path.read_text(encoding="utf-8"), filename=path.name, folder=CONTENT)


__all__ = [
    "CONTENT",
    "WIDGETS",
    "Lesson",
    "PlacedWidget",
    "lesson_names",
    "render_lesson",
    "render_lesson_text",
]
