"""Building the code-trace JSON of a long run quickly: each distinct value is converted once.

A loop of 100,000 lines records 300,000 values, many of them small integers seen again and
again (a loop counter, a running total), and a loop over an image meets the same window
again and again. :class:`ValueMemo` encodes each distinct value once (arrays and texts by
identity, numeric arrays also by content, scalars by type and value) and hands out the same
``VALUE`` dict every time it appears. :class:`TextWriter` goes one step further for callers
that want the JSON *text*: it writes each distinct value's text once and joins the pieces,
about three times faster than ``json.dumps`` on the dict, and gives exactly the same text as
``json.dumps(trace.to_json(), separators=(",", ":"))``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Iterable, Mapping
from itertools import count
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import numpy as np

from .values import ArraySnapshot, Encoder, TextSnapshot, encode

if TYPE_CHECKING:
    from .loops import Iteration
    from .recorder import Event, Recorder

_EXACT_INT_LIMIT = 2**53  # the same limit as values.encode: beyond it an int is "other"
_KEYED_BY_VALUE = (int, bool, str, type(None), np.integer, np.bool_)
Made = TypeVar("Made")
_compact = json.JSONEncoder(separators=(",", ":"), allow_nan=False).encode


class _Cache(dict[Any, Any]):
    """A dict that fills a missing entry with ``make(key)`` (a hit costs no Python call)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        made = self[key] = self.make(key)
        return made


class _Memo(Generic[Made]):
    """``make(snap)`` for each distinct snapshot, computed once and then looked up.

    Arrays and texts are found by identity (the trace keeps them alive) and numeric arrays
    also by content, since a loop over an image often meets the same window again. Scalars
    are found by ``(type, value)``, except floats equal to zero and complex numbers, since
    ``0.0 == -0.0`` (and ``0j == -0j``) although their texts differ.
    """

    def __init__(self, make: Callable[[object], Made], make_int: Callable[[int], Made]) -> None:
        self.make = make
        self.ints: dict[int, Made] = _Cache(make_int)
        self.by_identity: dict[int, Made] = {}
        self.by_key: dict[Hashable, Made] = {}

    def __call__(self, snap: object) -> Made:
        kind = type(snap)
        if kind is int:
            return self.ints[snap]  # type: ignore[index]
        if kind is ArraySnapshot or kind is TextSnapshot:
            found = self.by_identity.get(id(snap))
            if found is None:
                found = self.by_identity[id(snap)] = self._by_key(_content_key(snap), snap)
            return found
        return self._by_key((kind, snap) if _keyed_by_value(snap) else None, snap)

    def _by_key(self, key: Hashable | None, snap: object) -> Made:
        if key is None:
            return self.make(snap)
        found = self.by_key.get(key)
        if found is None:
            found = self.by_key[key] = self.make(snap)
        return found


class ValueMemo(_Memo[dict[str, Any]]):
    """``values.encode`` (or ``encoder``) that converts each distinct snapshot once and returns
    the same dict."""

    def __init__(self, encoder: Encoder = encode) -> None:
        super().__init__(encoder, encoder)

    def mapping(self, snaps: Mapping[str, object]) -> dict[str, Any]:
        """Return ``{name: VALUE}`` for a step's changes or values, or a card's."""
        ints, encoded = self.ints, {}
        for name, snap in snaps.items():  # a loop, not a comprehension: most have one entry
            encoded[name] = ints[snap] if type(snap) is int else self(snap)
        return encoded


def _keyed_by_value(snap: object) -> bool:
    if isinstance(snap, _KEYED_BY_VALUE):
        return True
    return isinstance(snap, float | np.floating) and snap != 0  # NaN != 0, and is kept apart


def _content_key(snap: object) -> Hashable | None:
    """Return what tells a numeric array snapshot's encoding apart (its bytes tell -0.0 too)."""
    if not isinstance(snap, ArraySnapshot) or snap.data.dtype.kind not in "biufc":
        return None  # texts are few; object arrays may hold mutable items
    return (ArraySnapshot, snap.shape, snap.dtype, snap.data.shape, snap.data.tobytes())


def step_json(index: int, step: Event, memo: ValueMemo) -> dict[str, Any]:
    """Return the STEP dict of ``docs/code-trace-json.md`` for step number ``index``."""
    changes, values = step.changes, step.values
    return {
        "index": index,
        "line": step.line,
        "event": step.event,
        "function": step.function,
        "depth": step.depth,
        "changes": memo.mapping(changes) if changes else {},
        "return": memo(step.returned) if step.event == "return" else None,
        "values": memo.mapping(values) if values else {},
    }


def iteration_json(card: Iteration, memo: ValueMemo) -> dict[str, Any]:
    """Return the JSON dict of one iteration card."""
    return {
        "index": card.index,
        "vars": memo.mapping(card.variables) if card.variables else {},
        "first_step": card.first_step,
        "last_step": card.last_step,
        "values": memo.mapping(card.values) if card.values else {},
    }


def loops_json(recorder: Recorder | None, memo: ValueMemo) -> list[dict[str, Any]]:
    """Return the ``loops`` list: one entry per loop written in the source."""
    if recorder is None:
        return []
    return [
        {
            "line": info.line,
            "header": info.header,
            "parent": info.parent,
            "iterations": [
                iteration_json(card, memo) for card in recorder.cards.iterations[info.index]
            ],
        }
        for info in recorder.source_map.loops
    ]


class TextWriter:
    """Writes the compact JSON text of a trace, each distinct value and name only once."""

    def __init__(self, encoder: Encoder = encode) -> None:
        self.value: _Memo[str] = _Memo(lambda snap: _compact(encoder(snap)), _int_text)
        self.ints = self.value.ints
        self.names: dict[str, str] = _Cache(_compact)
        self.keys: dict[str, str] = _Cache(lambda name: _compact(name) + ":")

    def mapping(self, snaps: Mapping[str, object]) -> str:
        """Return the JSON text of ``{name: VALUE}`` for a step's changes or values."""
        keys, ints, value = self.keys, self.ints, self.value
        text = "{"
        for name, snap in snaps.items():  # a loop, not a comprehension: most have one entry
            text += keys[name] + (ints[snap] if type(snap) is int else value(snap)) + ","
        return text[:-1] + "}"

    def step(self, index: int, step: Event) -> str:
        """Return the JSON text of one STEP."""
        event, changes, values = step.event, step.changes, step.values
        returned = self.value(step.returned) if event == "return" else "null"
        return (
            f'{{"index":{index},"line":{step.line},"event":"{event}",'
            f'"function":{self.names[step.function]},"depth":{step.depth},'
            f'"changes":{self.mapping(changes) if changes else "{}"},'
            f'"return":{returned},"values":{self.mapping(values) if values else "{}"}}}'
        )

    def iteration(self, card: Iteration) -> str:
        """Return the JSON text of one iteration card."""
        variables, values = card.variables, card.values
        return (
            f'{{"index":{card.index},"vars":{self.mapping(variables) if variables else "{}"},'
            f'"first_step":{card.first_step},"last_step":{card.last_step},'
            f'"values":{self.mapping(values) if values else "{}"}}}'
        )

    def trace(self, head: dict[str, Any], recorder: Recorder | None) -> str:
        """Return the whole trace: ``head`` holds every key but ``steps`` and ``loops``.

        Every piece goes into one list joined once at the end, so the text of the steps is
        never held twice (as pieces and as one joined string) on its way to the result.
        """
        pieces = [f'{{"version":{head["version"]}']
        pieces += [f',"{key}":{_compact(head[key])}' for key in ("source", "filename")]
        pieces.append(',"steps":[')
        if recorder is not None:
            _separated(pieces, map(self.step, count(), recorder.steps))
        pieces.append('],"loops":[')
        if recorder is not None:
            self._loops(pieces, recorder)
        pieces.append("]")
        pieces += [f',"{key}":{_compact(head[key])}' for key in _TAIL_KEYS]
        pieces.append("}")
        return "".join(pieces)

    def _loops(self, pieces: list[str], recorder: Recorder) -> None:
        for number, info in enumerate(recorder.source_map.loops):
            pieces.append(
                f'{"," if number else ""}{{"line":{info.line},"header":{_compact(info.header)},'
                f'"parent":{_compact(info.parent)},"iterations":['
            )
            _separated(pieces, map(self.iteration, recorder.cards.iterations[info.index]))
            pieces.append("]}")


def _separated(pieces: list[str], texts: Iterable[str]) -> None:
    """Append ``texts`` to ``pieces`` with a comma between each two."""
    append = pieces.append
    for number, text in enumerate(texts):
        if number:
            append(",")
        append(text)


def _int_text(number: int) -> str:
    if -_EXACT_INT_LIMIT < number < _EXACT_INT_LIMIT:
        return f'{{"kind":"scalar","type":"int","value":{number},"text":"{number}"}}'
    return _compact(encode(number))


_TAIL_KEYS = ("expressions", "stdout", "result", "stopped", "error")
