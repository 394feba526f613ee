"""The HTML pages: the lesson shell rendered by Jinja2 around the lesson's HTML.

The lessons come from the app's :class:`~convscope.lessons.sources.LessonLibrary`: the shipped
ones (rendered once, then cached) or a teacher's file or folder (rendered afresh on every
request, so a saved change shows on the next load; ``GET /api/lessons/version`` tells the page
when to reload).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..lessons import Lesson, render_lesson
from ..lessons.sources import LessonLibrary
from ..lessons.summary import lesson_summary
from ..widgets.assets import MEDIA_TYPES, asset_file

# The pages extend shell.html, the page shell the static export shares (convscope/templates/).
SHELL = Path(__file__).resolve().parents[1] / "templates"
TEMPLATES = Jinja2Templates(directory=[Path(__file__).parent / "templates", SHELL])
DEFAULT_LESSON = "convolution"
BUILTIN = LessonLibrary.builtin()
LessonReport = Callable[[Lesson], None]


@cache
def _rendered(name: str) -> Lesson:
    # A shipped lesson's initial widget states are pure functions of its file: render it once.
    return render_lesson(name)


def warm_up() -> None:
    """Render the shipped lessons now, so a class's first page loads do not all render them.

    Without it, every learner arriving before the first render finished would render the
    lesson again, at once, in the thread pool (the cache fills only when one is done).
    """
    for name in BUILTIN.slugs():
        _rendered(name)


def library(request: Request) -> LessonLibrary:
    """Return the lessons this app serves: a teacher's, or the shipped ones."""
    chosen = getattr(request.app.state, "lessons", None)
    return chosen if isinstance(chosen, LessonLibrary) else BUILTIN


def _watching(request: Request) -> bool:
    return library(request) is not BUILTIN


def _render(request: Request, name: str) -> Lesson:
    if not _watching(request):
        return _rendered(name)
    lesson = library(request).render(name)
    report: LessonReport | None = getattr(request.app.state, "report", None)
    if report is not None:
        report(lesson)
    return lesson


def _lesson_page(request: Request, name: str) -> HTMLResponse:
    if name not in library(request).slugs():
        return _no_such_lesson(request, name)
    version = library(request).version()  # read before the files, so no save slips between
    previous, following = _neighbours(request, name)
    context = {
        "version": version,
        "lesson": _render(request, name),
        "previous": previous,
        "next": following,
        "watch": _watching(request),
    }
    return TEMPLATES.TemplateResponse(request, "lesson.html", context)


def _no_such_lesson(request: Request, name: str) -> HTMLResponse:
    # A page, not the API's JSON: a learner who mistyped an address gets the lessons to pick.
    lessons = [_title_only(request, slug) for slug in library(request).slugs()]
    context = {"asked": name, "lessons": lessons}
    return TEMPLATES.TemplateResponse(request, "not_found.html", context, status_code=404)


# ---- the lesson index and the links between lessons ----


def _neighbours(request: Request, name: str) -> tuple[Lesson | None, Lesson | None]:
    order = library(request).slugs()
    at = order.index(name)
    previous = _title_only(request, order[at - 1]) if at > 0 else None
    following = _title_only(request, order[at + 1]) if at + 1 < len(order) else None
    return previous, following


def _title_only(request: Request, name: str) -> Lesson:
    # A link needs only the title: a teacher's neighbouring lesson is not rendered for it.
    if not _watching(request):
        return _rendered(name)
    path = library(request).paths()[name]
    text = path.read_text(encoding="utf-8", errors="replace")
    match = re.search(r"^#\s+(.+)$", text, re.MULTILINE)
    return Lesson(slug=name, title=match[1].strip() if match else name, html="")


def lessons_index(request: Request) -> HTMLResponse:
    """Return the list of lessons, in reading order, each with its opening sentences."""
    version = library(request).version()
    rendered = [_render(request, name) for name in library(request).slugs()]
    entries = [(lesson, lesson_summary(lesson)) for lesson in rendered]
    context = {"entries": entries, "watch": _watching(request), "version": version}
    return TEMPLATES.TemplateResponse(request, "index.html", context)


def index(request: Request) -> HTMLResponse:
    """Return the page ``convscope serve`` opens: the first lesson, or a teacher's index."""
    names = library(request).slugs()
    if not _watching(request):
        return _lesson_page(request, DEFAULT_LESSON)
    return _lesson_page(request, names[0]) if len(names) == 1 else lessons_index(request)


def lessons_version(request: Request) -> dict[str, str]:
    """Return the lesson files' version; a page polls it and reloads when it changes."""
    return {"version": library(request).version()}


def lesson(request: Request, name: str) -> HTMLResponse:
    """Return the lesson ``name`` as a page."""
    return _lesson_page(request, name)


def palette() -> Response:
    """Return the role colours, the one table the page and the rendered pictures share."""
    text = (resources.files("convscope") / "data" / "palette.css").read_text(encoding="utf-8")
    return Response(text, media_type="text/css")


def widget_asset(folder: str, name: str) -> FileResponse:
    """Return a widget's script or stylesheet by its address (``/static/widgets/flip/flip.js``).

    The addresses are those of :mod:`convscope.widgets.assets`, the ones the exporter and the
    notebook bundle from; nothing else in a widget's folder (its Python) is served.
    """
    try:
        path = asset_file(f"widgets/{folder}/{name}")
    except ValueError as error:
        raise HTTPException(404, str(error)) from None
    return FileResponse(path, media_type=MEDIA_TYPES[path.suffix])


def page_router() -> APIRouter:
    """Return the router of the HTML pages."""
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/", index, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/palette.css", palette, methods=["GET"])
    router.add_api_route("/static/widgets/{folder}/{name}", widget_asset, methods=["GET"])
    router.add_api_route("/lessons", lessons_index, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/lessons/{name}", lesson, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/api/lessons/version", lessons_version, methods=["GET"])
    return router
