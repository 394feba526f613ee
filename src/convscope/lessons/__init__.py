"""Lessons: Markdown files with live widgets, rendered to HTML for every host.

Examples
--------
>>> lesson = render_lesson_text("# Hi\\n\\nThe sum is $a + b$.", filename="hi.md")
>>> lesson.title
'Hi'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .markdown import lesson_markdown
from .widgets import WIDGETS

CONTENT = Path(str(resources.files(__package__) / "content"))
_TITLE = re.compile(r"^#\s+(.+)$", re.MULTILINE)


@dataclass(frozen=True)
class Lesson:
    """A rendered lesson: its title, its HTML body, the widgets it places and its mistakes.

    ``errors`` holds one ``file, line N: message`` line per directive that became an error box.
    """

    slug: str
    title: str
    html: str
    widgets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


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
    body = lesson_markdown().render(text, env)
    title_match = _TITLE.search(text)
    widgets = env.get("widgets", [])
    errors = env.get("errors", [])
    return Lesson(
        slug=Path(filename).stem,
        title=title_match[1].strip() if title_match else Path(filename).stem,
        html=body,
        widgets=list(widgets) if isinstance(widgets, list) else [],
        errors=list(errors) if isinstance(errors, list) else [],
    )


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


__all__ = ["CONTENT", "WIDGETS", "Lesson", "lesson_names", "render_lesson", "render_lesson_text"]
