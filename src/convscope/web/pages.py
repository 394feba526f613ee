"""The HTML pages: the lesson shell rendered by Jinja2 around the lesson's HTML."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from ..lessons import Lesson, lesson_names, render_lesson

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
DEFAULT_LESSON = "convolution"


@cache
def _rendered(name: str) -> Lesson:
    # A lesson's initial widget states are pure functions of its file, so render it once.
    return render_lesson(name)


def _lesson_page(request: Request, name: str) -> HTMLResponse:
    if name not in lesson_names():
        raise HTTPException(404, f"no lesson named {name!r}; the lessons are {lesson_names()}")
    previous, following = _neighbours(name)
    context = {"lesson": _rendered(name), "previous": previous, "next": following}
    return TEMPLATES.TemplateResponse(request, "lesson.html", context)


# ---- the lesson index and the links between lessons ----

LESSON_ORDER = ("convolution", "stride-padding-pooling")
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def ordered_lessons() -> list[str]:
    """Return the lesson slugs in reading order: the course's order, then any others by name."""
    names = lesson_names()
    return [n for n in LESSON_ORDER if n in names] + [n for n in names if n not in LESSON_ORDER]


def _summary(lesson: Lesson) -> str:
    match = _FIRST_PARAGRAPH.search(lesson.html)
    text = " ".join(_TAG.sub("", match[1]).split()) if match else ""
    return text if len(text) <= 240 else text[:240].rsplit(" ", 1)[0] + " …"


def _neighbours(name: str) -> tuple[Lesson | None, Lesson | None]:
    order = ordered_lessons()
    at = order.index(name)
    previous = _rendered(order[at - 1]) if at > 0 else None
    following = _rendered(order[at + 1]) if at + 1 < len(order) else None
    return previous, following


def lessons_index(request: Request) -> HTMLResponse:
    """Return the list of lessons, in reading order, each with its opening sentences."""
    entries = [(_rendered(name), _summary(_rendered(name))) for name in ordered_lessons()]
    return TEMPLATES.TemplateResponse(request, "index.html", {"entries": entries})


def index(request: Request) -> HTMLResponse:
    """Return the convolution lesson, the page ``convscope serve`` opens."""
    return _lesson_page(request, DEFAULT_LESSON)


def lesson(request: Request, name: str) -> HTMLResponse:
    """Return the lesson ``name`` as a page."""
    return _lesson_page(request, name)


def palette() -> Response:
    """Return the role colours, the one table the page and the rendered pictures share."""
    text = (resources.files("convscope") / "data" / "palette.css").read_text(encoding="utf-8")
    return Response(text, media_type="text/css")


def page_router() -> APIRouter:
    """Return the router of the HTML pages."""
    router = APIRouter(include_in_schema=False)
    router.add_api_route("/", index, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/palette.css", palette, methods=["GET"])
    router.add_api_route("/lessons", lessons_index, methods=["GET"], response_class=HTMLResponse)
    router.add_api_route("/lessons/{name}", lesson, methods=["GET"], response_class=HTMLResponse)
    return router
