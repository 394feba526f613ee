"""A teacher's lesson mistakes, printed in the terminal of ``convscope serve``.

Each server process (one, or every worker of a class) reports a lesson's directive mistakes
when they change and says when they are fixed; :func:`check_lessons` renders every lesson once
at start-up so the first mistakes are printed before anyone opens a page.
"""

from __future__ import annotations

import typer

from ..lessons import Lesson
from ..lessons.sources import LessonLibrary


class MistakeReporter:
    """Prints a lesson's directive mistakes when they change, and says when they are fixed."""

    def __init__(self) -> None:
        self._last: dict[str, list[str]] = {}

    def __call__(self, lesson: Lesson) -> None:
        """Print ``lesson``'s mistakes unless they are the ones printed last time."""
        before = self._last.get(lesson.slug, [])
        if lesson.errors == before:
            return
        self._last[lesson.slug] = list(lesson.errors)
        for line in lesson.errors:
            typer.secho(f"lesson mistake: {line}", fg=typer.colors.RED, err=True)
        if not lesson.errors:
            typer.secho(f"{lesson.slug}: no mistakes left", fg=typer.colors.GREEN, err=True)


def check_lessons(library: LessonLibrary, report: MistakeReporter) -> int:
    """Render every lesson in ``library`` once, report its mistakes, and return how many."""
    lessons = [library.render(slug) for slug in library.slugs()]
    for lesson in lessons:
        report(lesson)
    return sum(len(lesson.errors) for lesson in lessons)
