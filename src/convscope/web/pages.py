"""The HTML pages: the lesson shell rendered by Jinja2 around the lesson's HTML."""

from __future__ import annotations

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
    return TEMPLATES.TemplateResponse(request, "lesson.html", {"lesson": _rendered(name)})


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
    router.add_api_route("/lessons/{name}", lesson, methods=["GET"], response_class=HTMLResponse)
    return router
