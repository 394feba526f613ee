"""The ASGI application behind ``convscope serve``: lesson pages, the JSON API, static assets."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from .. import __version__
from ..lessons.sources import LessonLibrary
from .api import api_router
from .code_api import CODE_RUN_PATH, code_router
from .errors import BodyLimit, install_error_handlers
from .gallery import UPLOAD_BODY_LIMIT, UPLOAD_PATH, gallery_router
from .headers import SecurityHeaders
from .hosts import HostCheck
from .limits import REQUEST_SECONDS, TimeLimit
from .pages import LessonReport, page_router

STATIC = Path(__file__).parent / "static"
GZIP_MINIMUM_BYTES = 500


def create_app(
    lessons: LessonLibrary | None = None,
    report: LessonReport | None = None,
    *,
    code_runs: bool | None = None,
    listening_on: str | None = None,
    allowed_hosts: Collection[str] | None = None,
) -> FastAPI:
    """Return a new convscope web application: pages at ``/``, the API at ``/api``.

    ``lessons`` serves a teacher's lesson file or folder instead of the shipped lessons (read
    afresh on every page load, the page reloading itself when a file is saved); ``report`` is
    called with every such lesson rendered, so a command can print its mistakes. ``code_runs``
    says whether ``POST /api/code/run`` runs a learner's edited code in the sandbox: ``None``
    (the default) allows it only on connections from this computer to itself.

    ``listening_on`` is the address the server listens on (the code box says why it is off on
    a network address). ``allowed_hosts`` lists the names a request's ``Host`` may carry
    (:func:`convscope.web.hosts.allowed_hosts`; any other gets ``400``); ``None``, the default,
    checks no ``Host``, for an app driven in-process (tests, the exporter). ``convscope serve``
    always passes both. Every answer carries the headers of :mod:`convscope.page_policy`.

    The OpenAPI document is at ``/openapi.json``; FastAPI's interactive docs pages are off
    because they load their scripts from a CDN, and nothing here may.

    Examples
    --------
    >>> app = create_app()
    >>> sorted(route.path for route in app.routes if route.path.startswith("/api/k"))
    ['/api/kernels']
    """
    app = FastAPI(
        title="convscope",
        version=__version__,
        description="Every number of a 2-D convolution, explained down to its products.",
        docs_url=None,
        redoc_url=None,
    )
    app.state.lessons = lessons
    app.state.report = report
    app.state.code_runs = code_runs
    app.state.listening_on = listening_on
    app.state.allowed_hosts = allowed_hosts
    install_error_handlers(app)
    # Pages, scripts, styles and JSON shrink to about a fifth; pictures are compressed already
    # and below the minimum nothing is gained. Innermost, so the limits and checks above it
    # see the request first, and the security headers land on the compressed answer too.
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MINIMUM_BYTES, compresslevel=6)
    app.add_middleware(BodyLimit, paths={UPLOAD_PATH: UPLOAD_BODY_LIMIT})
    # The code route bounds itself (a queue wait plus the sandbox's own wall clock).
    app.add_middleware(TimeLimit, seconds=REQUEST_SECONDS, paths={CODE_RUN_PATH: 15.0})
    if allowed_hosts is not None:
        app.add_middleware(HostCheck, allowed=allowed_hosts)
    app.add_middleware(SecurityHeaders)  # outermost: refusals above carry the headers too
    app.include_router(api_router())
    app.include_router(gallery_router())
    app.include_router(code_router())
    app.include_router(page_router())
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
