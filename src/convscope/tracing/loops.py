"""Cutting a traced run into loop iterations: one card each time control comes back to a header.

A loop header (``for i in range(n):``) gets a line event every time Python goes back to it to
take the next item, and once more when the loop ends. So an iteration *starts* when the
header's line is followed by a line of its body, and *ends* at the next return to the header,
at a line outside the loop (``break``, or the loop ran out) or when the frame returns. Loops are
tracked per frame, so recursion and generators keep their own iterations apart.
"""

from __future__ import annotations

from typing import Any

from .source_map import LoopInfo, SourceMap
from .values import snapshot


class Iteration:
    """One pass through a loop body: the loop variables and what the body's lines produced."""

    __slots__ = ("first_step", "index", "last_step", "values", "variables")

    def __init__(self, index: int, first_step: int, variables: dict[str, object]) -> None:
        self.index = index
        self.first_step = first_step
        self.last_step = first_step
        self.variables = variables
        self.values: dict[str, object] = {}


class ActiveLoop:
    """A loop that one frame is currently inside, with its open iteration if any."""

    __slots__ = ("header_step", "info", "iteration")

    def __init__(self, info: LoopInfo, header_step: int) -> None:
        self.info = info
        self.header_step: int | None = header_step
        self.iteration: Iteration | None = None


class LoopCards:
    """All iterations of all loops of one source, filled in as line events arrive."""

    def __init__(self, source_map: SourceMap) -> None:
        self.source_map = source_map
        self.iterations: list[list[Iteration]] = [[] for _ in source_map.loops]

    def on_line(
        self, stack: list[ActiveLoop], line: int, step: int, local_values: dict[str, Any]
    ) -> None:
        """Update one frame's loop ``stack`` for a line event at ``line`` (step ``step``)."""
        while stack:
            info = stack[-1].info
            if line == info.line or info.body_start <= line <= info.body_end:
                break
            self._close_iteration(stack.pop(), step - 1)
        if stack and stack[-1].header_step is not None and line != stack[-1].info.line:
            self._open(stack[-1], local_values)
        header = self.source_map.headers.get(line)
        if header is None:
            return
        if stack and stack[-1].info is header:
            self._close_iteration(stack[-1], step - 1)
            stack[-1].header_step = step
        else:
            stack.append(ActiveLoop(header, step))

    def close_all(self, stack: list[ActiveLoop], last_step: int) -> None:
        """Close every loop of a frame that returned (or of a run that stopped)."""
        while stack:
            self._close_iteration(stack.pop(), last_step)

    def _open(self, active: ActiveLoop, local_values: dict[str, Any]) -> None:
        assert active.header_step is not None
        found = self.iterations[active.info.index]
        variables = {}
        for name in active.info.variables:  # a loop, not a comprehension: one name, most often
            if name in local_values:
                variables[name] = snapshot(local_values[name])
        active.iteration = Iteration(len(found), active.header_step, variables)
        found.append(active.iteration)
        active.header_step = None

    @staticmethod
    def _close_iteration(active: ActiveLoop, last_step: int) -> None:
        if active.iteration is not None:
            active.iteration.last_step = last_step
            active.iteration = None
