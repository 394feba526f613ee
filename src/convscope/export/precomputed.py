"""The states an exported page can show without a server: the lesson's example and its neighbours.

A static page cannot run the engine, so the exporter runs it ahead of time. For each widget it
builds the state of the lesson's own inputs and of every input one control away from them: each
choice of a field with a fixed list of values (``Literal``, ``bool``, small integer ranges and
pairs of them, such as a cell position), the same for every field of each item of a list of
items (a layer of a stack), an item removed or a default one added, and each answer a quick
check offers as a choice (for a typed answer, the right number). Each preset button the widget's
module shows (its ``PRESETS``) is applied too, with the changes one control away from it, and
a widget that asks on its own (a Play button) has its run followed from the lesson's state. The
page looks a learner's inputs up in that table by their canonical JSON; anything else (typed
numbers, uploads) needs ``convscope serve``, and :func:`engine_fields` names those controls.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

import annotated_types
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from ..widgets.base import Widget
from ..widgets.refusals import refusal

MAX_RANGE = 24
"""An integer field is enumerated when it allows at most this many values (a menu's length)."""
MAX_CELLS = 12
"""A cell position with no upper bound in its schema is enumerated over this many rows/columns."""
MAX_STATES = 160
"""At most this many states per widget (refusals, a line each, not counted): a page stays a
few hundred kilobytes."""
MAX_FOLLOW_UPS = 60
"""At most this many requests a widget makes on its own (a Play button's) are worked out from
the lesson's state, on top of :data:`MAX_STATES`."""
_PRESETS = re.compile(r"^const PRESETS = (\[.*?^\]);", re.MULTILINE | re.DOTALL)


def canonical(inputs: Any) -> str:
    """Return the key of ``inputs``: JSON with sorted keys, written as the page's host writes it.

    The page (``host.js``'s ``canonical``) writes a learner's inputs with JavaScript's
    ``JSON.stringify`` for each number and string, so this writes numbers as JavaScript prints
    them: ``2.0`` as ``2``, ``1e-07`` as ``1e-7``, ``1e+16`` as ``10000000000000000``, and a
    NaN or infinity as ``null``. A browser test runs both over the same values.

    Examples
    --------
    >>> canonical({"stride": 2.0, "kernel": [[1, 0.5, 1e-7]]})
    '{"kernel":[[1,0.5,1e-7]],"stride":2}'
    """
    if isinstance(inputs, dict):
        items = sorted(inputs.items())
        return "{" + ",".join(f"{_string(key)}:{canonical(item)}" for key, item in items) + "}"
    if isinstance(inputs, list | tuple):
        return "[" + ",".join(canonical(item) for item in inputs) + "]"
    if inputs is None or isinstance(inputs, bool):
        return json.dumps(inputs)
    if isinstance(inputs, int):
        return js_number(float(inputs)) if abs(inputs) >= 2**53 else str(inputs)
    if isinstance(inputs, float):
        return js_number(inputs)
    return _string(str(inputs))


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def js_number(value: float) -> str:
    """Return ``value`` as JavaScript's ``JSON.stringify`` writes it.

    Both languages print the shortest digits that read back as the same double; they differ
    only in where the exponent starts (JavaScript: at ``1e21`` and below ``1e-6``) and in how
    it is written (``1e-7``, ``1e+21``).

    Examples
    --------
    >>> js_number(1e16), js_number(1e21), js_number(1.5e-7), js_number(-0.0), js_number(0.000001)
    ('10000000000000000', '1e+21', '1.5e-7', '0', '0.000001')
    """
    if not math.isfinite(value):
        return "null"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    mantissa, _, exponent = repr(abs(value)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction.rstrip("0")).lstrip("0") if whole == "0" else whole + fraction
    digits = digits.rstrip("0") or "0"
    # The decimal point sits after ``point`` digits: value = 0.<digits> × 10**point.
    point = len(whole) + int(exponent or 0) if whole != "0" else _zeros_point(fraction)
    count = len(digits)
    if count <= point <= 21:
        text = digits + "0" * (point - count)
    elif 0 < point <= 21:
        text = digits[:point] + "." + digits[point:]
    elif -6 < point <= 0:
        text = "0." + "0" * -point + digits
    else:
        power = point - 1
        tail = "." + digits[1:] if count > 1 else ""
        text = f"{digits[0]}{tail}e{'+' if power >= 0 else '-'}{abs(power)}"
    return sign + text


def _zeros_point(fraction: str) -> int:
    # repr wrote 0.000ddd: the point sits before the leading zeros, so it is minus their count.
    return -(len(fraction) - len(fraction.lstrip("0")))


def state_table(widget: Widget, state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the states a page may need, keyed by :func:`canonical` inputs, ``state`` first.

    Inputs the widget refuses map to ``{"refused": {"detail": ..., "field": ...}}``, the words
    the server would answer with.
    """
    inputs = state["inputs"]
    table = {canonical(inputs): state}
    computed = 1
    for changed in _wanted(widget, inputs, state):
        key = canonical(changed)
        if key in table:
            continue
        try:
            table[key] = widget.state(changed)
            computed += 1
        except (ValueError, TypeError, ValidationError) as error:
            table[key] = {"refused": refusal(error)}  # the page shows the server's words
        if computed >= MAX_STATES:
            break
    table.update(_follow_ups(widget, state, table))
    return table


def _follow_ups(
    widget: Widget, state: dict[str, Any], known: dict[str, dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Return the states the page reaches on its own from ``state`` (Play's run), in order,
    until the widget stops asking, a request is refused, or :data:`MAX_FOLLOW_UPS`."""
    found: dict[str, dict[str, Any]] = {}
    if widget.follow_up is None:
        return found
    for _ in range(MAX_FOLLOW_UPS):
        following = widget.follow_up(state)
        if following is None:
            break
        key = canonical(following)
        if key not in known and key not in found:
            try:
                found[key] = widget.state(following)
            except (ValueError, TypeError, ValidationError) as error:
                found[key] = {"refused": refusal(error)}
                break
        state = known.get(key) or found[key]
    return found


def _wanted(widget: Widget, inputs: dict[str, Any], state: dict[str, Any]) -> Iterator[Any]:
    # The presets (buttons a learner sees first), one step from the lesson, one from a preset.
    presets = [{**inputs, **preset} for preset in preset_changes(widget)]
    yield from presets
    yield from nearby_inputs(widget, inputs, state)
    for applied in presets:
        try:
            applied_state = widget.state(applied)
        except (ValueError, TypeError, ValidationError):
            continue
        yield from nearby_inputs(widget, applied_state["inputs"], applied_state)


def preset_changes(widget: Widget) -> list[dict[str, Any]]:
    """Return the changes of each preset button the widget's module shows, in its order.

    A module may list its presets as ``const PRESETS = [[label, {field: value, ...}], ...];``
    (the ``params`` widget does); its buttons merge those values into the current inputs.

    Examples
    --------
    >>> from convscope.widgets.registry import WIDGETS
    >>> preset_changes(WIDGETS["params"])[1]["out_channels"]
    128
    """
    match = _PRESETS.search(widget.esm.read_text(encoding="utf-8"))
    if match is None:
        return []
    # The list is a JavaScript literal: quote its keys and drop trailing commas to read it.
    literal = re.sub(r"([{,]\s*)([A-Za-z_]\w*)\s*:", r'\1"\2":', match[1])
    literal = re.sub(r",(\s*[\]}])", r"\1", literal)
    try:
        entries = json.loads(literal)
    except json.JSONDecodeError:
        return []
    return [entry[1] for entry in entries if isinstance(entry, list) and len(entry) == 2]


def nearby_inputs(widget: Widget, inputs: dict[str, Any], state: dict[str, Any]) -> Iterator[Any]:
    """Yield copies of ``inputs`` with one field set to each other value it can take.

    A field holding a list of items (the layers of a stack) yields each item with one of its
    own fields changed, each item removed, and a default item added, as far as the list's
    length allows.
    """
    fields = widget.inputs.model_fields
    # Fields with the fewest values first (a tick box before a long menu), should the table
    # fill up before the end.
    for name in sorted(fields, key=lambda name: len(field_values(fields[name]))):
        for value in field_values(fields[name]):
            if value != inputs.get(name):
                yield {**inputs, name: value}
    for name, info in fields.items():
        items = inputs.get(name)
        model = _item_model(info.annotation)
        if model is not None and isinstance(items, list):
            for changed in _item_changes(model, items, list(info.metadata)):
                yield {**inputs, name: changed}
    if "answer" in inputs:
        yield from _answers(widget, inputs, state)


def engine_fields(widget: Widget) -> list[str]:
    """Return the input fields whose new values an exported page cannot know (typed numbers).

    Examples
    --------
    >>> from convscope.widgets.registry import WIDGETS
    >>> engine_fields(WIDGETS["params"])[:2]
    ['in_channels', 'out_channels']
    """
    return [
        name
        for name, info in widget.inputs.model_fields.items()
        if not field_values(info) and _item_model(info.annotation) is None and name != "answer"
    ]


def _item_model(annotation: Any) -> type[BaseModel] | None:
    # list[Model], possibly inside Annotated[...]: the model of its items.
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) is not list:
        return None
    item = typing.get_args(annotation)[0]
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def _item_changes(
    model: type[BaseModel], items: list[Any], metadata: list[Any]
) -> Iterator[list[Any]]:
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            continue
        for name, info in model.model_fields.items():
            for value in field_values(info):
                if value != item.get(name):
                    yield [*items[:index], {**item, name: value}, *items[index + 1 :]]
    shortest = _bound(_flatten(metadata), annotated_types.MinLen, "min_length") or 0
    longest = _bound(_flatten(metadata), annotated_types.MaxLen, "max_length")
    if len(items) > shortest:
        for index in range(len(items)):
            yield [*items[:index], *items[index + 1 :]]
    if longest is None or len(items) < longest:
        try:
            yield [*items, model().model_dump()]
        except ValidationError:
            return


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
    return list(range(low, low + MAX_CELLS)) if base is int and low is not None else []


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
