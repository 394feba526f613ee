"""Where lessons come from: the ones shipped with convscope, or a teacher's file or folder.

A :class:`LessonLibrary` lists lesson files in reading order, renders one by its slug (the file
name without ``.md``) and says, as a short version string, when any of its files changed, so
``convscope serve PATH`` can reload a page when the teacher saves. Nothing here writes a file.

Examples
--------
>>> library = LessonLibrary.builtin()
>>> library.slugs()[:2]
['convolution', 'stride-padding-pooling']
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from . import CONTENT, Lesson, render_lesson_text

COURSE_ORDER = (
    "convolution",
    "stride-padding-pooling",
    "how-a-kernel-learns",
    "a-network-layer-by-layer",
    "beyond-the-image",
)
"""The shipped lessons' reading order; a teacher's lessons are read in file-name order."""
MAX_WATCHED = 200
"""At most this many programs beside a teacher's lessons are watched for saves."""


@dataclass(frozen=True)
class LessonLibrary:
    """A set of lesson files: a folder of ``*.md`` files or one file.

    Attributes
    ----------
    root : Path
        The folder, or the single lesson file, the lessons come from.
    builtin_order : bool
        True for the lessons shipped with convscope, read in the course's order.
    """

    root: Path
    builtin_order: bool = False

    @classmethod
    def builtin(cls) -> LessonLibrary:
        """Return the library of the lessons shipped with convscope."""
        return cls(CONTENT, builtin_order=True)

    @classmethod
    def at(cls, path: Path) -> LessonLibrary:
        """Return the library of a teacher's lesson file or folder.

        Raises
        ------
        ValueError
            When ``path`` is neither a ``.md`` file nor a folder holding at least one.
        """
        path = path.expanduser().resolve()
        if path.is_file() and path.suffix == ".md":
            return cls(path)
        if path.is_dir() and any(path.glob("*.md")):
            return cls(path)
        if path.is_dir():
            raise ValueError(f"the folder {str(path)!r} holds no lesson; put a .md file in it")
        raise ValueError(f"lesson path must be a .md file or a folder of them; got {str(path)!r}")

    def paths(self) -> dict[str, Path]:
        """Return each lesson's file by slug, in reading order."""
        if self.root.is_file():
            return {self.root.stem: self.root}
        found = {path.stem: path for path in sorted(self.root.glob("*.md"))}
        if not self.builtin_order:
            return found
        first = [slug for slug in COURSE_ORDER if slug in found]
        return {slug: found[slug] for slug in first + [s for s in found if s not in first]}

    def slugs(self) -> list[str]:
        """Return the lessons' slugs in reading order."""
        return list(self.paths())

    def render(self, slug: str) -> Lesson:
        """Return lesson ``slug`` rendered from its file as it is now.

        Raises
        ------
        ValueError
            When no lesson has that slug; the message lists the ones that exist.
        """
        path = self.paths().get(slug)
        if path is None:
            raise ValueError(f"no lesson named {slug!r}; the lessons are {', '.join(self.slugs())}")
        return render_lesson_file(path)

    def version(self) -> str:
        """Return a string that changes whenever a lesson file, or a program beside one, is saved.

        Programs are the ``*.py`` files a ``code_trace`` directive may name: in the lessons'
        folder and the folders just below it.
        """
        files = dict(self.paths())
        if not self.builtin_order:
            folder = self.root.parent if self.root.is_file() else self.root
            programs = sorted([*folder.glob("*.py"), *folder.glob("*/*.py")])[:MAX_WATCHED]
            files |= {str(path.relative_to(folder)): path for path in programs}
        parts = []
        for slug, path in files.items():
            try:
                parts.append(f"{slug}:{path.stat().st_mtime_ns}:{path.stat().st_size}")
            except OSError:  # removed between listing and reading: the next poll sees it
                parts.append(f"{slug}:gone")
        return "|".join(parts)


def render_lesson_file(path: Path) -> Lesson:
    """Return the lesson in ``path``; a file that cannot be read becomes a lesson saying why."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        message = f"{path.name}, line 1: the file could not be read as UTF-8 text ({error})"
        box = f'<div class="cs-directive-error" role="alert">{html.escape(message)}</div>'
        return Lesson(
            path.stem, path.stem, f"<h1>{html.escape(path.stem)}</h1>\n{box}", [], [message]
        )
    return render_lesson_text(text, filename=path.name, folder=path.parent)
