"""Tracing code typed by someone else: in a child process walled in by the kernel.

:func:`run_traced_source` starts ``python -I -m convscope.tracing.sandbox`` with an environment
that holds no secrets, in a fresh temporary folder, in its own process group, and sends it the
source as JSON on stdin. The child imports what traced code needs (NumPy, the tracer), then
raises the operating system's walls (:mod:`convscope.tracing.walls`: namespaces, a size-capped
tmpfs, an unprivileged user, resource limits, Landlock, seccomp-bpf) before it runs a single line
of the code. The parent waits at most ``limits.wall_seconds`` and treats whatever comes back as
untrusted input: the caller always gets trace JSON, with ``stopped`` or ``error`` saying what
ended the run, or that its answer could not be read.

``docs/sandbox.md`` says what each wall stops and what happens on a kernel without it.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import guard, walls
from .code import DEFAULT_MAX_STEPS, CodeTrace, trace_source

_MAX_REQUEST_BYTES = 10_000_000


@dataclass(frozen=True)
class SandboxLimits:
    """The limits one sandboxed trace runs under.

    Attributes
    ----------
    max_steps, max_seconds : int, float
        The tracer's own caps (see :func:`~convscope.tracing.code.trace_source`).
    wall_seconds : float
        The child is killed after this long, whatever it is doing.
    cpu_seconds : int
        CPU time the child may use (``RLIMIT_CPU``).
    memory_mb : int
        Address space the child may add after its imports (``RLIMIT_AS``).
    file_mb : int
        Largest file the child may write, its result included (``RLIMIT_FSIZE``), and all the
        files of its folder together (the size of its tmpfs).
    """

    max_steps: int = DEFAULT_MAX_STEPS
    max_seconds: float = 5.0
    wall_seconds: float = 15.0
    cpu_seconds: int = 10
    memory_mb: int = 1024
    file_mb: int = 64

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"SandboxLimits.{name} must be a positive number, got {value!r}")


def run_traced_source(
    source: str,
    call: str | None = None,
    limits: SandboxLimits | None = None,
    *,
    filename: str = "<lesson>",
    require_walls: bool = True,
    grid_cells: int | None = None,
    array_text: bool = True,
) -> dict[str, Any]:
    """Return the trace JSON of ``source`` (then ``call``) run in a walled-in child process.

    Parameters
    ----------
    source, call, filename : str, str or None, str
        As for :func:`~convscope.tracing.code.trace_source`.
    limits : SandboxLimits, optional
        Defaults to ``SandboxLimits()``: 100,000 steps, 15 s wall clock, 10 s CPU, 1 GB more
        memory, 64 MB of files in all.
    require_walls : bool
        When true (the default) the code runs only if the seccomp filter and the Landlock
        ruleset are both up; otherwise the answer is an error saying which could not be raised.
        When false, it runs behind whatever walls this kernel offers (see :func:`probe_walls`).
    grid_cells : int or None
        As for :meth:`~convscope.tracing.code.CodeTrace.to_json_text`: the page's largest grid,
        when the answer is only for drawing the page (a smaller answer, sooner).
    array_text : bool
        As for :meth:`~convscope.tracing.code.CodeTrace.to_json`: ``False`` when the answer is
        only for the terminal or HTML views, which draw arrays from their data.

    Returns
    -------
    dict
        The JSON of ``CodeTrace.to_json()``. When the child was killed or crashed, or its
        answer could not be read, a trace with no steps whose ``stopped`` (limits) or ``error``
        says what happened.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be Python code as a str, got {type(source).__name__}")
    if call is not None and not isinstance(call, str):
        raise TypeError(f"call must be an expression as a str such as 'f(2)', got {call!r}")
    limits = limits or SandboxLimits()
    job = {
        "source": source,
        "call": call,
        "filename": filename,
        "limits": asdict(limits),
        "require": require_walls,
        "grid_cells": None if grid_cells is None else int(grid_cells),
        "array_text": bool(array_text),
    }
    with tempfile.TemporaryDirectory(prefix="convscope-sandbox-") as folder:
        return _run_child(Path(folder), job, limits)


@functools.cache
def probe_walls() -> walls.Walls:
    """Return which walls this machine raises around a run (asked once per process).

    The server calls this at start-up to say so, and to decide whether the code box may run.
    """
    return check_walls()


def check_walls() -> walls.Walls:
    """Start a child that raises the walls as a real run does, none required; return its report.

    Its ``seconds`` is the time raising them took, the cost they add to every run.
    """
    limits = SandboxLimits(wall_seconds=20.0, cpu_seconds=5, memory_mb=256, file_mb=1)
    job = {"probe": True, "limits": asdict(limits), "require": False}
    with tempfile.TemporaryDirectory(prefix="convscope-sandbox-") as folder:
        code, payload, detail = _spawn(Path(folder), job, limits)
    try:
        data = json.loads(payload)
        found = walls.Walls(**{**data, "namespaces": tuple(data["namespaces"])})
    except (ValueError, TypeError, KeyError):
        found = walls.Walls(problems=[detail or f"the probe ended with code {code}"])
    return found


def _run_child(folder: Path, job: dict[str, Any], limits: SandboxLimits) -> dict[str, Any]:
    try:
        code, payload, detail = _spawn(folder, job, limits)
    except subprocess.TimeoutExpired:
        return _ended(job, stopped=f"stopped after {float(limits.wall_seconds)} s")
    return _read_result(code, payload, detail, job, limits)


def _spawn(folder: Path, job: dict[str, Any], limits: SandboxLimits) -> tuple[int, bytes, str]:
    """Run the child on ``job``; return its exit code, its answer and its last stderr line."""
    work = folder / "work"
    work.mkdir()
    with open(folder / "answer", "w+b") as answer, open(folder / "stderr", "w+b") as err:
        child = subprocess.Popen(
            [sys.executable, "-I", "-m", "convscope.tracing.sandbox"],
            stdin=subprocess.PIPE,
            stdout=answer,
            stderr=err,
            cwd=work,
            env=_CHILD_ENVIRONMENT,
            start_new_session=True,
            close_fds=True,
        )
        try:
            child.communicate(json.dumps(job).encode(), timeout=limits.wall_seconds)
        finally:
            _kill_group(child)  # nothing it started may outlive it
        answer.seek(0)
        payload = answer.read(_MAX_ANSWER_BYTES)
        err.seek(max(0, err.seek(0, os.SEEK_END) - 2000))
        lines = err.read().decode("utf-8", "replace").strip().splitlines()
    return child.returncode, payload, lines[-1] if lines else ""


_CHILD_ENVIRONMENT = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
"""The child's whole environment: one thread for NumPy's libraries, nothing of the server's."""

_MAX_ANSWER_BYTES = 256 * 1024 * 1024


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _read_result(
    code: int, payload: bytes, detail: str, job: dict[str, Any], limits: SandboxLimits
) -> dict[str, Any]:
    """Return the child's answer if it reads as a trace of ``job``'s source, else say why not."""
    signalled = code - 128 if code > 128 else -code if code < 0 else 0
    if signalled == signal.SIGXCPU:
        return _ended(job, stopped=f"stopped after {limits.cpu_seconds} s of CPU time")
    if signalled == signal.SIGKILL:
        return _ended(job, stopped="stopped: the process was killed (out of memory?)")
    if payload:
        try:
            return checked_answer(json.loads(payload), job["source"])
        except (ValueError, TypeError, RecursionError):
            return _ended(job, error=_error(UNREADABLE))
    message = detail or f"the sandbox process ended with code {code}"
    return _ended(job, error=_error(message))


UNREADABLE = "the program's answer could not be read"

_ANSWER_TYPES: dict[str, type | tuple[type, ...]] = {
    "version": int,
    "source": str,
    "filename": str,
    "expressions": dict,
    "stdout": str,
    "result": (dict, type(None)),
    "stopped": (str, type(None)),
    "error": (dict, type(None)),
    "steps": list,
    "loops": list,
}


def checked_answer(data: Any, source: str) -> dict[str, Any]:
    """Return ``data`` if it has the shape of a trace of ``source``; raise ``ValueError`` if not.

    The child's answer is written by a process that ran a stranger's code, so it is read as
    untrusted input: the keys and their types, the source it claims to trace, the error's
    fields and every step's and loop's kind are checked before anything else reads it.
    """
    if not isinstance(data, dict) or set(data) != set(_ANSWER_TYPES):
        raise ValueError("not a trace")
    for key, kind in _ANSWER_TYPES.items():
        if not isinstance(data[key], kind):
            raise ValueError(f"{key} is not a {kind}")
    if data["source"] != source:
        raise ValueError("the answer traces another program")
    error = data["error"]
    if error is not None and not (
        isinstance(error.get("type"), str)
        and isinstance(error.get("message"), str)
        and (error.get("line") is None or type(error["line"]) is int)
    ):
        raise ValueError("a malformed error")
    if not all(isinstance(item, dict) for item in (*data["steps"], *data["loops"])):
        raise ValueError("a malformed step or loop")
    return data


def unreadable_trace(source: str, filename: str) -> dict[str, Any]:
    """Return the trace JSON of a run whose answer could not be read."""
    return _ended({"source": source, "filename": filename}, error=_error(UNREADABLE))


def _error(message: str) -> dict[str, Any]:
    return {"type": "SandboxError", "message": message, "line": None}


def _ended(
    job: dict[str, Any], *, stopped: str | None = None, error: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Return the JSON of a run that left no steps, saying why it ended."""
    trace = CodeTrace(
        source=job["source"],
        filename=job["filename"],
        recorder=None,
        stopped=stopped,
        error=error,
    )
    return trace.to_json()


# -- the child ----------------------------------------------------------------------------------


def _child_main() -> None:
    job = json.loads(sys.stdin.buffer.read(_MAX_REQUEST_BYTES))
    answer_fd = os.dup(1)
    _silence_standard_streams()
    limits = SandboxLimits(**job["limits"])
    allowance = walls.Allowance(limits.cpu_seconds, limits.memory_mb, limits.file_mb)
    # NumPy and the tracer are imported by now, before any wall goes up.
    try:
        raised = walls.enter(Path.cwd(), allowance, require=job["require"])
    except walls.WallsDown as down:
        if job.get("probe"):
            raise
        _close_all_but(answer_fd)
        _answer(answer_fd, json.dumps(_ended(job, error=_error(str(down)))))
        return
    _close_all_but(answer_fd)
    if job.get("probe"):
        _answer(answer_fd, json.dumps(raised.to_json()))
        return
    guard.install_audit_hook(Path.cwd())  # a second line, for clearer messages
    _answer(answer_fd, _trace_in_child(job, limits))


def _answer(fd: int, text: str) -> None:
    with os.fdopen(fd, "w", encoding="utf-8") as answer:
        answer.write(text)


def _close_all_but(answer_fd: int) -> None:
    """Close every descriptor the child holds but 0-2 and the answer's."""
    os.closerange(3, answer_fd)
    os.closerange(answer_fd + 1, 1 << 16)


def _trace_in_child(job: dict[str, Any], limits: SandboxLimits) -> str:
    """Return the JSON text of the run (a long run's text is built without its dicts)."""
    memory = f"stopped: the code used more than {limits.memory_mb} MB of memory"
    try:
        trace = trace_source(
            job["source"],
            job["call"],
            max_steps=limits.max_steps,
            max_seconds=limits.max_seconds,
            filename=job["filename"],
        )
        if trace.error is not None and trace.error["type"] == "MemoryError":
            trace.stopped, trace.error = memory, None
        text = trace.to_json_text(
            grid_cells=job.get("grid_cells"), array_text=job.get("array_text", True)
        )
    except MemoryError:
        return json.dumps(_ended(job, stopped=memory))
    if len(text.encode()) > limits.file_mb * 1024 * 1024:  # RLIMIT_FSIZE would cut it short
        too_large = (
            f"stopped: this run recorded more than the {limits.file_mb} MB the sandbox may send"
            " back; run fewer lines or keep smaller values"
        )
        return json.dumps(_ended(job, stopped=too_large))
    return text


def _silence_standard_streams() -> None:
    """Point fds 0 and 1 at /dev/null: only our copy of stdout carries the answer."""
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)
    os.close(quiet)


if __name__ == "__main__":
    _child_main()
