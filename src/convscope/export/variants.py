"""The states an exported page can show without a server: the lesson's example and its neighbours.

A static page cannot run the engine, so the exporter runs it ahead of time. For each widget it
builds the state of the lesson's own inputs and of every input one control away from them: each
choice of a field with a fixed list of values (``Literal``, ``bool``, small integer ranges and
pairs of them, such as a cell position), and each answer a quick check offers as a choice (for
a typed answer, the right number). The page looks a learner's inputs up in that table by their
canonical JSON; anything else (typed numbers, uploads) needs ``convscope serve``.
"""

from __future__ import annotations

import itertools
import json
import types
import typing
from collections.abc import Iterator
from typing import Any

import annotated_types
from pydantic import ValidationError
from pydantic.fields import FieldInfo

from ..widgets.base import Widget
from ..widgets.refusals import refusal

MAX_RANGE = 12
"""An integer field is enumerated when it allows at most this many values."""
MAX_STATES = 160
"""At most this many states per widget: a page stays a few hundred kilobytes."""


def canonical(inputs: Any) -> str:
    """Return the key of ``inputs``: JSON with sorted keys, as the page's host writes it.

    Whole floats are written as integers, because JavaScript prints ``2.0`` as ``2``.

    Examples
    --------
    >>> canonical({"stride": 2.0, "kernel": [[1, 0.5]]})
    '{"kernel":[[1,0.5]],"stride":2}'
    """
    return json.dumps(_plain(inputs), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def state_table(widget: Widget, state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the states a page may need, keyed by :func:`canonical` inputs, ``state`` first.

    Inputs the widget refuses map to ``{"refused": {"detail": ..., "field": ...}}``, the words
    the server would answer with.
    """
    inputs = state["inputs"]
    table = {canonical(inputs): state}
    for changed in nearby_inputs(widget, inputs, state):
        key = canonical(changed)
        if key in table:
            continue
        try:
            table[key] = widget.state(changed)
        except (ValueError, TypeError, ValidationError) as error:
            table[key] = {"refused": refusal(error)}  # the page shows the server's words
        if len(table) >= MAX_STATES:
            break
    return table


def nearby_inputs(widget: Widget, inputs: dict[str, Any], state: dict[str, Any]) -> Iterator[Any]:
    """Yield copies of ``inputs`` with one field set to each other value it can take."""
    for name, info in widget.inputs.model_fields.items():
        for value in field_values(info):
            if value != inputs.get(name):
                yield {**inputs, name: value}
    if "answer" in inputs:
        yield from _answers(widget, inputs, state)


def _answers(widget: Widget, inputs: dict[str, Any], state: dict[str, Any]) -> Iterator[Any]:
    # A quick check: each offered choice; for a typed number, the right one, read from the
    # verdict of a probe answer (other numbers need the server to be marked).
    for choice in state.get("choices") or []:
        if isinstance(choice, dict) and "id" in choice:
            yield {**inputs, "answer": choice["id"]}
    if state.get("choices"):
        return
    try:
        verdict = widget.state({**inputs, "answer": 0}).get("result") or {}
        right = float(str(verdict.get("answer", "")).replace(",", "").replace("−", "-"))
    except (ValueError, TypeError, ValidationError):
        return
    yield {**inputs, "answer": int(right) if right.is_integer() else right}


def field_values(info: FieldInfo) -> list[Any]:
    """Return every value a field allows when that is a short list, else ``[]``."""
    return _values(info.annotation, list(info.metadata))


def _values(annotation: Any, metadata: list[Any]) -> list[Any]:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        base, *extra = typing.get_args(annotation)
        return _values(base, metadata + _flatten(extra))
    if origin is typing.Literal:
        return list(typing.get_args(annotation))
    if origin in (typing.Union, types.UnionType):
        choices = [_values(arm, metadata) for arm in typing.get_args(annotation)]
        return [value for arm in choices for value in arm]
    if annotation is bool:
        return [False, True]
    if annotation is int:
        return _int_range(metadata)
    if origin is list:
        return _pairs(typing.get_args(annotation)[0], metadata)
    return []


def _flatten(extra: list[Any]) -> list[Any]:
    # ``Annotated[int, Field(ge=0)]`` carries a FieldInfo whose metadata holds the bounds.
    found: list[Any] = []
    for item in extra:
        found.extend(item.metadata if isinstance(item, FieldInfo) else [item])
    return found


def _int_range(metadata: list[Any]) -> list[Any]:
    low = _bound(metadata, annotated_types.Ge, "ge")
    high = _bound(metadata, annotated_types.Le, "le")
    if low is None or high is None or high - low + 1 > MAX_RANGE:
        return []
    return list(range(low, high + 1))


def _bound(metadata: list[Any], kind: type, name: str) -> int | None:
    found = next((getattr(m, name) for m in metadata if isinstance(m, kind)), None)
    return found if isinstance(found, int) else None


def _from_lower_bound(item: Any) -> list[Any]:
    # Cells of a map whose size the schema cannot know: the first MAX_RANGE from the bound; the
    # widget itself refuses those outside its map.
    if typing.get_origin(item) is not typing.Annotated:
        return []
    base, *extra = typing.get_args(item)
    low = _bound(_flatten(extra), annotated_types.Ge, "ge")
    return list(range(low, low + MAX_RANGE)) if base is int and low is not None else []


def _pairs(item: Any, metadata: list[Any]) -> list[Any]:
    # A fixed-length pair of small integers (a cell position): every pair, row-major.
    lengths = {m.min_length for m in metadata if isinstance(m, annotated_types.MinLen)}
    lengths |= {m.max_length for m in metadata if isinstance(m, annotated_types.MaxLen)}
    if lengths != {2}:
        return []
    values = _values(item, []) or _from_lower_bound(item)
    if not values or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return []
    return [list(pair) for pair in itertools.product(values, repeat=2)]


SHARED_MIN_CHARS = 512
"""A part of the states repeated at least twice and at least this long is written once."""


def pack(table: dict[str, Any]) -> dict[str, Any]:
    """Return ``table`` as ``{"shared": [...], "states": {...}}`` with repeated parts written once.

    Many states of one widget repeat the same large parts (the kernel catalog, photographs); each
    such part becomes ``{"$shared": index}`` in the states, and :func:`unpack` (or the page's
    host) puts it back.

    Examples
    --------
    >>> table = {"a": {"big": ["x" * 600], "n": 1}, "b": {"big": ["x" * 600], "n": 2}}
    >>> packed = pack(table)
    >>> packed["states"]["b"]
    {'big': {'$shared': 0}, 'n': 2}
    >>> unpack(packed) == table
    True
    """
    counts: dict[str, int] = {}
    _count(table, counts)
    repeated = {text for text, count in counts.items() if count > 1}
    shared: dict[str, int] = {}
    states = {key: _share(state, repeated, shared) for key, state in table.items()}
    return {"shared": [json.loads(text) for text in shared], "states": states}


def unpack(packed: dict[str, Any]) -> dict[str, Any]:
    """Return the table :func:`pack` was given."""
    return {key: _expand(state, packed["shared"]) for key, state in packed["states"].items()}


def _count(value: Any, counts: dict[str, int]) -> str:
    # Serialise bottom-up, counting each large part's text once per place it appears.
    if isinstance(value, dict):
        text = (
            "{" + ",".join(f"{json.dumps(k)}:{_count(v, counts)}" for k, v in value.items()) + "}"
        )
    elif isinstance(value, list):
        text = "[" + ",".join(_count(item, counts) for item in value) + "]"
    else:
        return json.dumps(value, ensure_ascii=False)
    if len(text) >= SHARED_MIN_CHARS:
        counts[text] = counts.get(text, 0) + 1
    return text


def _share(value: Any, repeated: set[str], shared: dict[str, int]) -> Any:
    if not isinstance(value, dict | list):
        return value
    text = _count(value, {})
    if text in repeated:
        return {"$shared": shared.setdefault(text, len(shared))}
    if isinstance(value, dict):
        return {key: _share(item, repeated, shared) for key, item in value.items()}
    return [_share(item, repeated, shared) for item in value]


def _expand(value: Any, shared: list[Any]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$shared"}:
            return shared[value["$shared"]]
        return {key: _expand(item, shared) for key, item in value.items()}
    if isinstance(value, list):
        return [_expand(item, shared) for item in value]
    return value
