"""Tracing code typed by someone else: in a child process with limits, never in ours.

:func:`run_traced_source` starts ``python -I -m convscope.tracing.sandbox`` with an empty
environment, a fresh temporary working folder and its own process group, sends it the source
as JSON on stdin, and waits at most ``limits.wall_seconds``. The child imports what traced code
needs (NumPy), then lowers its own limits (CPU seconds, address space, file size, processes, no
core dumps), installs an audit hook that refuses sockets, subprocesses, ``os.system``, forks,
``ctypes`` and writing outside its folder, and only then runs :func:`trace_source`. Whatever
happens (an endless loop, a memory bomb, an exception, a crash) the caller gets the trace JSON
back, with ``stopped`` or ``error`` saying what ended it.

This is a seat belt, not a container: see ``docs/sandbox.md`` for what it does not stop.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import guard
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
        Largest file the child may write, its result included (``RLIMIT_FSIZE``).
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
) -> dict[str, Any]:
    """Return the trace JSON of ``source`` (then ``call``) run in a limited child process.

    Parameters
    ----------
    source, call, filename : str, str or None, str
        As for :func:`~convscope.tracing.code.trace_source`.
    limits : SandboxLimits, optional
        Defaults to ``SandboxLimits()``: 100,000 steps, 15 s wall clock, 10 s CPU, 1 GB more
        memory, 64 MB files.

    Returns
    -------
    dict
        The JSON of ``CodeTrace.to_json()``. When the child was killed or crashed, a trace with
        no steps whose ``stopped`` (limits) or ``error`` (crash) says what happened.
    """
    if not isinstance(source, str):
        raise TypeError(f"source must be Python code as a str, got {type(source).__name__}")
    if call is not None and not isinstance(call, str):
        raise TypeError(f"call must be an expression as a str such as 'f(2)', got {call!r}")
    if os.name != "posix":
        raise RuntimeError("the sandbox needs POSIX resource limits (Linux or macOS)")
    limits = limits or SandboxLimits()
    job = {"source": source, "call": call, "filename": filename, "limits": asdict(limits)}
    with tempfile.TemporaryDirectory(prefix="convscope-sandbox-") as folder:
        return _run_child(Path(folder), job, limits)


def _run_child(folder: Path, job: dict[str, Any], limits: SandboxLimits) -> dict[str, Any]:
    work = folder / "work"
    work.mkdir()
    with open(folder / "result.json", "w+b") as result, open(folder / "stderr.txt", "w+b") as err:
        child = subprocess.Popen(
            [sys.executable, "-I", "-m", "convscope.tracing.sandbox"],
            stdin=subprocess.PIPE,
            stdout=result,
            stderr=err,
            cwd=work,
            env={},
            start_new_session=True,
            close_fds=True,
        )
        try:
            child.communicate(json.dumps(job).encode(), timeout=limits.wall_seconds)
        except subprocess.TimeoutExpired:
            _kill_group(child)
            return _ended(job, stopped=f"stopped after {float(limits.wall_seconds)} s")
        finally:
            _kill_group(child)  # nothing it started may outlive it
        return _read_result(child.returncode, result, err, job, limits)


def _kill_group(child: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, signal.SIGKILL)
    child.wait()


def _read_result(
    code: int, result: Any, err: Any, job: dict[str, Any], limits: SandboxLimits
) -> dict[str, Any]:
    result.seek(0)
    payload = result.read()
    if code == 0 and payload:
        try:
            answer: dict[str, Any] = json.loads(payload)
            return answer
        except ValueError:
            pass
    if code == -signal.SIGXCPU:
        return _ended(job, stopped=f"stopped after {limits.cpu_seconds} s of CPU time")
    if code == -signal.SIGKILL:
        return _ended(job, stopped="stopped: the process was killed (out of memory?)")
    err.seek(0)
    detail = err.read()[-2000:].decode("utf-8", "replace").strip().splitlines()
    message = detail[-1] if detail else f"the sandbox process ended with code {code}"
    return _ended(job, error={"type": "SandboxError", "message": message, "line": None})


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
    answer = os.fdopen(os.dup(1), "w", encoding="utf-8")
    _silence_standard_streams()
    limits = SandboxLimits(**job["limits"])
    # NumPy and the tracer are imported by now, before the limits and the hook go up.
    guard.limit_resources(limits.cpu_seconds, limits.memory_mb, limits.file_mb)
    guard.install_audit_hook(Path.cwd())
    answer.write(_trace_in_child(job, limits))
    answer.close()


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
        return trace.to_json_text()
    except MemoryError:
        return json.dumps(_ended(job, stopped=memory))


def _silence_standard_streams() -> None:
    """Point fds 0 and 1 at /dev/null: only our copy of stdout carries the answer."""
    quiet = os.open(os.devnull, os.O_RDWR)
    os.dup2(quiet, 0)
    os.dup2(quiet, 1)
    os.close(quiet)


if __name__ == "__main__":
    _child_main()
