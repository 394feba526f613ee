"""Process-wide settings a trace changes while it runs, made safe for several threads.

``sys.settrace`` is per thread, but ``sys.stdout`` and the garbage collector's thresholds are
shared by the whole process: a web server tracing two requests at once must not mix their
printed output, nor leave the collector tuned for tracing when both are done. So the first
trace to start installs a stdout that sends each thread's writes to that thread's capture (or
to the real stdout), and the last one to finish puts everything back.
"""

from __future__ import annotations

import gc
import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

_TRACING_GC_THRESHOLD = 50_000  # the default, 700, runs the collector every few lines


class CappedText(io.StringIO):
    """Printed text that keeps its first ``limit`` characters and counts the rest."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0

    def write(self, text: str) -> int:
        """Keep what fits under the limit; count the rest; say all of it was written."""
        room = self.limit - self.tell()
        if room > 0:
            super().write(text[:room])
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def text(self) -> str:
        """Return the kept text, with a note of how much was not kept."""
        kept = self.getvalue()
        return kept + (f"\n… ({self.dropped} more characters not kept)" if self.dropped else "")


class _ThreadRoutedStdout(io.TextIOBase):
    """``sys.stdout`` while traces run: each tracing thread writes to its own capture."""

    def __init__(self, real: TextIO) -> None:
        self.real = real
        self.captures: dict[int, CappedText] = {}

    def write(self, text: str) -> int:
        target: Any = self.captures.get(threading.get_ident(), self.real)
        return int(target.write(text))

    def flush(self) -> None:
        if threading.get_ident() not in self.captures:
            self.real.flush()


_lock = threading.Lock()
_active = 0
_saved_threshold: tuple[int, int, int] = gc.get_threshold()
_router: _ThreadRoutedStdout | None = None


@contextmanager
def tracing_session(stdout_limit: int) -> Iterator[CappedText]:
    """Capture this thread's printed text and tune the collector while a trace runs."""
    capture = CappedText(stdout_limit)
    thread = threading.get_ident()
    router = _enter()
    outer = router.captures.get(thread)  # a trace started from traced code
    router.captures[thread] = capture
    try:
        yield capture
    finally:
        if outer is None:
            router.captures.pop(thread, None)
        else:
            router.captures[thread] = outer
        _leave()


def _enter() -> _ThreadRoutedStdout:
    global _active, _saved_threshold, _router
    with _lock:
        if _active == 0:
            _saved_threshold = gc.get_threshold()
            gc.set_threshold(max(_saved_threshold[0], _TRACING_GC_THRESHOLD), *_saved_threshold[1:])
            _router = _ThreadRoutedStdout(sys.stdout)
            sys.stdout = _router
        _active += 1
        assert _router is not None
        return _router


def _leave() -> None:
    global _active, _router
    with _lock:
        _active -= 1
        if _active == 0:
            gc.set_threshold(*_saved_threshold)
            if _router is not None:
                sys.stdout = _router.real  # even if the traced code replaced sys.stdout
            _router = None
