"""The ``sys.settrace`` machinery behind the code tracer.

Only frames whose code was compiled from the traced source (same ``co_filename``) are followed;
for every other frame (NumPy, the standard library) the global trace function answers ``None``,
so Python does not report their lines at all. For each followed frame a :class:`FrameState`
keeps the previous line's locals; when the next event of that frame arrives, the names bound to
a different object, plus the names the previous line may have changed in place (from the
:class:`~convscope.tracing.source_map.SourceMap`), become that line's ``changes``.

The run is stopped, by raising :class:`Stopped` out of the trace function, when it passes the
step, time or recorded-bytes cap.
"""

from __future__ import annotations

import dis
import sys
import time
from types import CodeType, FrameType
from typing import Any

import numpy as np

from .loops import ActiveLoop, LoopCards
from .source_map import SourceMap
from .values import MAX_ARRAY_CELLS, ArraySnapshot, same_snapshot, snapshot, snapshot_size

_SMALL = 32  # what snapshot_size counts for a number, None or bool
_NUMBERS = frozenset({int, float, bool, type(None)})
_IMMUTABLE = _NUMBERS | {complex, str, bytes}

_MISSING = object()
_SUSPENDABLE = 0x20 | 0x80 | 0x200  # CO_GENERATOR, CO_COROUTINE, CO_ASYNC_GENERATOR
_OPTIMIZED = 0x1  # CO_OPTIMIZED: a function's fast locals, which only its own code rebinds
_YIELD = dis.opmap["YIELD_VALUE"]
_UNTRACED_CODE = frozenset({"<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>"})


class Stopped(BaseException):
    """Raised inside the traced code to end a run that passed a cap (not an ``Exception``, so
    the traced code's ``except Exception`` cannot swallow it)."""


class Event:
    """One event of the run: a line that ran, a return (or yield), or an exception."""

    __slots__ = ("changes", "depth", "event", "function", "line", "returned", "values")

    def __init__(self, line: int, event: str, function: str, depth: int) -> None:
        self.line = line
        self.event = event
        self.function = function
        self.depth = depth
        self.changes: dict[str, object] | None = None
        self.values: dict[str, object] | None = None
        self.returned: object = None


class FrameState:
    """What the recorder remembers about one followed frame between its events."""

    __slots__ = (
        "bound",
        "depth",
        "function",
        "loops",
        "pending",
        "previous",
        "recorded",
        "unwinding",
    )

    def __init__(
        self, function: str, depth: int, bound: dict[int, tuple[str, ...]] | None = None
    ) -> None:
        self.function = function
        self.depth = depth
        self.bound = bound
        self.pending: Event | None = None
        self.previous: dict[str, Any] = {}
        self.recorded: dict[str, object] = {}
        self.loops: list[ActiveLoop] = []
        self.unwinding = False


class Recorder:
    """Follows the frames of one source through ``sys.settrace`` and keeps their steps."""

    def __init__(
        self,
        filename: str,
        source_map: SourceMap,
        *,
        max_steps: int,
        max_seconds: float,
        max_bytes: int,
    ) -> None:
        self.filename = filename
        self.source_map = source_map
        self.cards = LoopCards(source_map)
        self.steps: list[Event] = []
        self.states: dict[FrameType, FrameState] = {}
        self.max_steps = max_steps
        self.max_seconds = max_seconds
        self.max_bytes = max_bytes
        self.recorded_bytes = 0
        self.lines_seen = 0
        self._statement_start = source_map.statement_start
        self._headers = source_map.headers
        self._labels = source_map.labels
        self.deadline = time.perf_counter() + max_seconds
        self.stopped: str | None = None

    # -- the two functions Python calls --------------------------------------------------

    def on_call(self, frame: FrameType, event: str, arg: object) -> Any:
        """The global trace function: follow a frame only when its code is ours."""
        code = frame.f_code
        if code.co_filename != self.filename or code.co_name in _UNTRACED_CODE:
            return None
        if frame not in self.states:  # a resumed generator already has its state
            self._enter(frame, code)
        return self.on_event

    def on_event(self, frame: FrameType, event: str, arg: Any) -> Any:
        """The local trace function of a followed frame."""
        state = self.states.get(frame)
        if state is None:
            return None
        if event == "line":
            self._on_line(state, frame)
        elif event == "return":
            self._on_return(state, frame, arg)
        elif event == "exception":
            self._on_exception(state, frame)
        return self.on_event

    def record_value(self, slot: int, value: object) -> object:
        """Keep the value of chosen sub-expression ``slot`` on its frame's current step.

        This runs inside the traced code, where every call of a Python function is reported
        to the trace function (about 1 µs each), so the common cases call none: a small array
        is kept as a private copy (a call into C), an immutable value as it is, and the frame's
        next event, outside the traced code, turns them into snapshots (:meth:`_held`).
        """
        state = self.states.get(sys._getframe(1))
        if state is None or state.pending is None:
            return value
        kind = type(value)
        if kind is np.ndarray and value.size <= MAX_ARRAY_CELLS:  # type: ignore[attr-defined]
            held: object = value.copy()  # type: ignore[attr-defined]
        elif kind in _NUMBERS or kind is complex or isinstance(value, np.generic):
            held = value
        else:
            held = snapshot(value)  # the rare rest: copied now, before anything changes it
        values = state.pending.values
        if values is None:
            values = state.pending.values = {}
        values[self._labels[slot]] = held
        return value

    def finish(self) -> None:
        """Close every loop still open (the run ended or was stopped) and let go of frames."""
        for state in self.states.values():
            if state.pending is not None and state.pending.values is not None:
                self._held(state.pending)
            self.cards.close_all(state.loops, len(self.steps) - 1)
        self.states.clear()  # frames hold the traced code's locals, which may be large

    # -- events ---------------------------------------------------------------------------

    def _enter(self, frame: FrameType, code: CodeType) -> FrameState:
        caller = frame.f_back
        while caller is not None and caller not in self.states:
            caller = caller.f_back
        is_function = not code.co_name.startswith("<")
        base = self.states[caller].depth if caller is not None else 0
        depth = base if code.co_name == "<module>" else base + 1
        # In a plain function frame only a line's own statement can rebind a local, so the
        # names it can bind are all that need comparing. Module and class bodies (whose names
        # any call may change), closures' shared cells, and generators (rebound by ``send``
        # between lines) have every local compared instead.
        plain = code.co_flags & _OPTIMIZED and not code.co_flags & _SUSPENDABLE
        plain = plain and not code.co_cellvars and not code.co_freevars
        state = FrameState(code.co_qualname, depth, self.source_map.bound if plain else None)
        self.states[frame] = state
        if is_function:  # a step on the ``def`` line shows the arguments it was called with
            step = self._add_step(state, code.co_firstlineno, "line")
            step.changes = self._changes(state, frame.f_locals, -1)[0]
        return state

    def _on_line(self, state: FrameState, frame: FrameType) -> None:
        # The hot path: runs for every executed line, so it avoids calls it can skip.
        line = frame.f_lineno
        line = self._statement_start.get(line, line)
        pending = state.pending
        if pending is not None and pending.line == line:
            return  # a continuation line of the statement already being recorded
        local_values = self._settle(state, frame)
        self.lines_seen += 1
        steps = self.steps
        if len(steps) >= self.max_steps or self.recorded_bytes > self.max_bytes:
            self._stop_at_cap()
        if not self.lines_seen & 255 and time.perf_counter() > self.deadline:
            self._stop_at_cap()
        state.unwinding = False
        step = Event(line, "line", state.function, state.depth)
        steps.append(step)
        state.pending = step
        if state.loops:
            top = state.loops[-1]
            info = top.info
            inside = info.body_start <= line <= info.body_end and line not in self._headers
            if not inside or top.header_step is not None:  # else nothing changes for the loops
                self.cards.on_line(state.loops, line, len(steps) - 1, local_values)
        elif line in self._headers:
            self.cards.on_line(state.loops, line, len(steps) - 1, local_values)

    def _on_return(self, state: FrameState, frame: FrameType, value: object) -> None:
        self._settle(state, frame)
        if not state.unwinding:
            step = self._add_step(state, frame.f_lineno, "return")
            step.returned = snapshot(value)
            self._count(step.returned)
        if _is_suspended(frame):
            return  # a generator that yielded keeps its loops and locals for when it resumes
        self.cards.close_all(state.loops, len(self.steps) - 1)
        del self.states[frame]

    def _on_exception(self, state: FrameState, frame: FrameType) -> None:
        self._settle(state, frame, completed=False)
        self._add_step(state, frame.f_lineno, "exception")
        state.unwinding = True

    # -- bookkeeping ----------------------------------------------------------------------

    def _add_step(self, state: FrameState, line: int, event: str) -> Event:
        step = Event(line, event, state.function, state.depth)
        self.steps.append(step)
        return step

    def _settle(
        self, state: FrameState, frame: FrameType, completed: bool = True
    ) -> dict[str, Any]:
        """Give the frame's pending step the changes its line made; return the locals.

        A line that raised (``completed=False``) bound nothing, so the names it would have
        assigned are not reported again with their old values.
        """
        local_values = frame.f_locals
        step = state.pending
        if step is None:
            return local_values
        state.pending = None
        if step.values is not None:
            self._held(step)
        changes, in_place = self._changes(state, local_values, step.line if completed else -1)
        step.changes = changes
        if state.loops and (changes or step.values):
            self._add_to_iteration(state.loops[-1], step, in_place)
        return local_values

    def _held(self, step: Event) -> None:
        """Turn the private copies :meth:`record_value` kept on ``step`` into snapshots."""
        assert step.values is not None
        for label, held in step.values.items():
            if type(held) is np.ndarray:
                held = step.values[label] = ArraySnapshot(held, copied=True)
            self.recorded_bytes += snapshot_size(held)

    def _add_to_iteration(self, active: ActiveLoop, step: Event, in_place: tuple[str, ...]) -> None:
        if active.iteration is None or self.source_map.owner.get(step.line) != active.info.index:
            return
        if step.line in self._headers:
            return
        variables = active.info.variables
        values = active.iteration.values
        if step.changes:
            for name, snap in step.changes.items():
                if name not in in_place and name not in variables:
                    values[name] = snap
        if step.values:
            values.update(step.values)

    def _changes(
        self, state: FrameState, local_values: dict[str, Any], line: int
    ) -> tuple[dict[str, object], tuple[str, ...]]:
        previous = state.previous
        recorded = state.recorded
        changes: dict[str, object] = {}
        bound = state.bound.get(line) if state.bound is not None and line >= 0 else None
        if bound is None:  # compare every local, and remember them all
            for name, value in local_values.items():
                if previous.get(name, _MISSING) is not value and not name.startswith("__"):
                    snap = changes[name] = recorded[name] = snapshot(value)
                    self.recorded_bytes += snapshot_size(snap)
            state.previous = local_values.copy()
        else:  # only the names this line can bind may differ from the previous line's
            for name in bound:
                value = local_values.get(name, _MISSING)
                if value is not _MISSING and previous.get(name, _MISSING) is not value:
                    if name.startswith("__"):
                        continue
                    snap = changes[name] = recorded[name] = snapshot(value)
                    self.recorded_bytes += _SMALL if type(snap) in _NUMBERS else snapshot_size(snap)
                    previous[name] = value
            if len(changes) > 1:  # in the order of the frame's locals, as compared in full
                changes = {name: changes[name] for name in local_values if name in changes}
        for name in self.source_map.assigned.get(line, ()):
            if name not in changes and name in local_values:  # re-bound to an equal value
                snap = changes[name] = recorded[name] = snapshot(local_values[name])
                self.recorded_bytes += snapshot_size(snap)
        in_place: tuple[str, ...] = ()
        if line in self.source_map.mutated:
            in_place = self._in_place_changes(state, local_values, line, changes)
        return changes, in_place

    def _in_place_changes(
        self,
        state: FrameState,
        local_values: dict[str, Any],
        line: int,
        changes: dict[str, object],
    ) -> tuple[str, ...]:
        found = []
        for name in self.source_map.mutated[line]:
            if name in changes or name not in local_values:
                continue
            value = local_values[name]
            if type(value) in _IMMUTABLE:
                continue  # the same object as before (else it would be in changes): unchanged
            old = state.recorded.get(name, _MISSING)
            if isinstance(value, np.ndarray) and ArraySnapshot.unchanged(old, value):
                continue  # the common case, decided without copying the array
            snap = snapshot(value)
            if not same_snapshot(old, snap):
                changes[name] = state.recorded[name] = snap
                self.recorded_bytes += snapshot_size(snap)
                found.append(name)
        return tuple(found)

    def _count(self, snap: object) -> None:
        self.recorded_bytes += snapshot_size(snap)

    def _stop_at_cap(self) -> None:
        if len(self.steps) >= self.max_steps:
            self._stop(f"stopped after {self.max_steps} steps")
        if self.recorded_bytes > self.max_bytes:
            self._stop(f"stopped after recording {self.max_bytes // 1_000_000} MB of values")
        self._stop(f"stopped after {float(self.max_seconds)} s")

    def _stop(self, reason: str) -> None:
        self.stopped = reason
        sys.settrace(None)
        raise Stopped(reason)


def _is_suspended(frame: FrameType) -> bool:
    if not frame.f_code.co_flags & _SUSPENDABLE or frame.f_lasti < 0:
        return False
    return frame.f_code.co_code[frame.f_lasti] == _YIELD
