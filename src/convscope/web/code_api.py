"""Running code a learner edited: ``POST /api/code/run``, in the sandbox, off the event loop.

The code goes to :func:`convscope.tracing.sandbox.run_traced_source`, which runs it in a child
process with CPU, memory, file and process limits, an empty environment, a temporary folder
and an audit hook refusing shells, programs, sockets, ``ctypes`` and writes outside that folder
(``docs/sandbox.md``). The route waits for the child in a worker thread, so the server keeps
answering everyone else meanwhile, and at most :data:`MAX_RUNNING` children run at once per
server process; a request that cannot get a turn within :data:`QUEUE_SECONDS` is told the
server is busy.

Whether edited code runs at all is the app's ``code_runs`` setting: ``True`` or ``False`` as
the teacher chose (``convscope serve`` turns it on for a loopback address or with
``--allow-code``, and off otherwise, saying it is off for a network address), or ``None`` to
decide per connection: on only when both ends are this computer. ``GET /api/code/status``
tells the page, which says so when running code is off.
"""

from __future__ import annotations

import asyncio
import ipaddress
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..tracing.sandbox import SandboxLimits, probe_walls, run_traced_source, unreadable_trace
from ..widgets.code_trace import MAX_GRID_CELLS, trace_view
from .errors import error_json
from .schemas import ErrorResponse

CODE_RUN_PATH = "/api/code/run"
MAX_SOURCE_CHARS = 20_000
MAX_CALL_CHARS = 400
MAX_RUNNING = 2
QUEUE_SECONDS = 3.0
CODE_LIMITS = SandboxLimits(
    max_steps=5_000, max_seconds=3.0, wall_seconds=6.0, cpu_seconds=3, memory_mb=512, file_mb=8
)
"""The sandbox limits of one run over HTTP: tighter than the CLI's, since strangers share them."""

FILENAME = "edited.py"
OFF_FOR_NETWORK = (
    "running edited code is off: this server listens on a network address, and code typed "
    "into the page would run on the teacher's computer; start it with --allow-code to allow "
    "it (read docs/sandbox.md first)"
)
OFF_BY_TEACHER = "running edited code is off on this server (the teacher turned it off)"
OFF_FOR_CONNECTION = (
    "running edited code is off for connections from other computers; start the server "
    "with --allow-code to allow it"
)


class CodeRunRequest(BaseModel):
    """Python code to run line by line, and optionally an expression to evaluate after it."""

    model_config = ConfigDict(extra="forbid")

    source: Annotated[str, Field(max_length=MAX_SOURCE_CHARS, description="the program")]
    call: Annotated[
        str | None,
        Field(max_length=MAX_CALL_CHARS, description="an expression run after it, e.g. 'f(2)'"),
    ] = None


class CodeRunStatus(BaseModel):
    """Whether this server runs edited code, and if not, why (in words for the page)."""

    enabled: bool
    detail: str


class CodeRunAnswer(BaseModel):
    """The page's view of the run: the ``code_trace`` widget's state, for the edited code."""

    filename: str
    lines: list[dict[str, Any]]
    stdout: str
    stopped: str | None
    error: dict[str, Any] | None
    expressions: dict[str, list[str]]


def _is_loopback(address: Any) -> bool:
    if not address:
        return False
    try:
        return ipaddress.ip_address(str(address[0]).strip("[]")).is_loopback
    except ValueError:
        return str(address[0]) == "localhost"


WALLED = (
    "Change the program and run it. It runs on the server in a child process walled in by the "
    "operating system: no network, no other programs, no files but Python's and its own "
    "folder, and limits on steps, time, memory and disk."
)
WEAK_WALLS = (
    "Change the program and run it. Careful: this computer cannot wall it in fully ({problems}), "
    "so it runs with limits on steps, time and memory but could reach your files; run only "
    "code you understand."
)
OFF_WITHOUT_WALLS = (
    "running edited code is off for other computers: this server's kernel cannot wall the code "
    "in ({problems}); see docs/sandbox.md"
)


def code_run_status(request: Request) -> CodeRunStatus:
    """Return whether edited code runs for this request, with the reason when it does not.

    When the kernel cannot raise the sandbox's walls (no seccomp or no Landlock), code runs only
    for a connection from this computer to itself, and the words say so.
    """
    status = _chosen_status(request)
    if not status.enabled:
        return status
    walls = probe_walls()
    if walls.complete:
        return CodeRunStatus(enabled=True, detail=WALLED)
    problems = "; ".join(walls.problems) or "no seccomp or no Landlock"
    if _from_this_computer(request):
        return CodeRunStatus(enabled=True, detail=WEAK_WALLS.format(problems=problems))
    return CodeRunStatus(enabled=False, detail=OFF_WITHOUT_WALLS.format(problems=problems))


def _from_this_computer(request: Request) -> bool:
    return _is_loopback(request.scope.get("server")) and _is_loopback(request.scope.get("client"))


def _chosen_status(request: Request) -> CodeRunStatus:
    chosen = getattr(request.app.state, "code_runs", None)
    if chosen is False:
        listening_on = getattr(request.app.state, "listening_on", None)
        on_network = listening_on is not None and not _is_loopback((listening_on,))
        return CodeRunStatus(
            enabled=False, detail=OFF_FOR_NETWORK if on_network else OFF_BY_TEACHER
        )
    if chosen is None and not _from_this_computer(request):
        return CodeRunStatus(enabled=False, detail=OFF_FOR_CONNECTION)
    return CodeRunStatus(enabled=True, detail=WALLED)


def _turns(request: Request) -> asyncio.Semaphore:
    # One semaphore per app, made on first use so that it belongs to the server's event loop.
    turns: asyncio.Semaphore | None = getattr(request.app.state, "code_turns", None)
    if turns is None:
        turns = request.app.state.code_turns = asyncio.Semaphore(MAX_RUNNING)
    return turns


def _sandboxed_view(source: str, call: str | None) -> dict[str, Any]:
    """Run the code (behind every wall when this kernel has them) and return the page's view."""
    complete = probe_walls().complete
    data = run_traced_source(
        source,
        call,
        CODE_LIMITS,
        filename=FILENAME,
        require_walls=complete,
        grid_cells=MAX_GRID_CELLS,  # the answer only draws the page
    )
    try:
        return trace_view(source, data, FILENAME)
    except (KeyError, TypeError, ValueError, IndexError, AttributeError):
        # The answer passed the sandbox's checks but not the view's: it is still a stranger's.
        return trace_view(source, unreadable_trace(source, FILENAME), FILENAME)


async def run_code(request: Request, body: CodeRunRequest) -> Any:
    """Return the edited code's run, line by line, from the sandbox (403 when running is off)."""
    status = await anyio.to_thread.run_sync(code_run_status, request)  # the first asks the kernel
    if not status.enabled:
        return error_json(403, status.detail, None)
    source = body.source.replace("\r\n", "\n").replace("\r", "\n")
    turns = _turns(request)
    try:
        await asyncio.wait_for(turns.acquire(), QUEUE_SECONDS)
    except TimeoutError:
        busy = "the server is busy running other learners' code; try again in a few seconds"
        return error_json(503, busy, None)
    try:
        return await anyio.to_thread.run_sync(_sandboxed_view, source, body.call)
    finally:
        turns.release()


def code_router() -> APIRouter:
    """Return the router of ``/api/code``: the status and the run."""
    router = APIRouter(prefix="/api/code", tags=["code"])
    router.add_api_route("/status", code_run_status, methods=["GET"])
    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse} for status in (400, 403, 413, 422, 503)
    }
    router.add_api_route(
        "/run",
        run_code,
        methods=["POST"],
        response_model=CodeRunAnswer,
        response_class=JSONResponse,
        responses=errors,
    )
    return router
