"""Frozen copies of the values a traced line produced, and their JSON form.

The code tracer sees a value at one moment (an array is then mutated in place, a list grows),
so it keeps a *snapshot*: immutable scalars as they are, small arrays as a copy, large arrays as
a copy of their leading corner, everything else as its (cut) ``repr``. Turning a snapshot into
JSON is deferred to :func:`encode`, so tracing stays cheap and only what is shown is converted.

The JSON of one value (``VALUE`` in ``docs/code-trace-json.md``) is one of::

    {"kind": "ndarray", "shape": [3, 3], "dtype": "float64", "data": [[...]],
     "truncated": false, "text": "array([[...]])"}
    {"kind": "scalar", "type": "int", "value": 5, "text": "5"}
    {"kind": "other", "type": "list", "text": "[1, 2, 3]"}
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Callable
from typing import Any

import numpy as np

MAX_ARRAY_CELLS = 1024
"""Arrays with more elements are recorded as their leading corner (``truncated: true``)."""

MAX_REPR_CELLS = 100
"""Arrays up to this size get NumPy's ``repr`` as their ``text``; larger ones a summary."""

MAX_TEXT_CHARS = 300
"""A ``repr`` longer than this is cut and ends in ``…``."""

Encoder = Callable[[object], dict[str, Any]]
"""A function turning a snapshot into its JSON ``VALUE`` (:func:`encode` or a memo of it)."""

_SCALAR_TYPES = (bool, int, float, complex, type(None))
_EXACT_SCALARS = frozenset(_SCALAR_TYPES)  # the common case, decided by one set lookup
_EXACT_INT_LIMIT = 2**53  # beyond this, JavaScript's numbers would round the integer


class _ShortRepr(reprlib.Repr):
    """``reprlib`` that also cuts bytes before building their repr (a 1 GB buffer's full repr
    would take seconds)."""

    def repr_bytes(self, value: bytes, level: int) -> str:
        return self._cut_bytes(value)

    def repr_bytearray(self, value: bytearray, level: int) -> str:
        return f"bytearray({self._cut_bytes(bytes(value[: self.maxstring]))}{self._more(value)})"

    def _cut_bytes(self, value: bytes) -> str:
        return repr(value[: self.maxstring]) + self._more(value)

    def _more(self, value: bytes | bytearray) -> str:
        return f"… ({len(value)} bytes)" if len(value) > self.maxstring else ""


_short_repr = _ShortRepr()
_short_repr.maxlist = _short_repr.maxtuple = _short_repr.maxset = _short_repr.maxdict = 12
_short_repr.maxstring = _short_repr.maxother = MAX_TEXT_CHARS


class ArraySnapshot:
    """A copy of (the leading corner of) an ndarray, with the shape it really had."""

    __slots__ = ("_bytes", "data", "shape", "truncated")

    def __init__(self, array: np.ndarray[Any, Any], *, copied: bool = False) -> None:
        """Copy ``array``, or keep it when ``copied`` says it is a private whole copy already."""
        # runs for every array a traced line produces: no calls it can skip
        self._bytes: bytes | None = None
        self.shape = array.shape
        if array.size > MAX_ARRAY_CELLS:
            self.truncated = True
            self.data = _leading_corner(array).copy()
        else:
            self.truncated = False
            self.data = array if copied else array.copy()

    @property
    def dtype(self) -> str:
        """The array's dtype name, e.g. ``"float64"`` (the copy keeps the dtype)."""
        return dtype_name(self.data.dtype)

    @property
    def size(self) -> int:
        """Roughly how many bytes this snapshot holds, for the recorded-bytes cap."""
        return 64 + int(self.data.nbytes)

    def same_as(self, other: object) -> bool:
        """Return whether ``other`` is a snapshot of an equal array (shape, dtype, values)."""
        return isinstance(other, ArraySnapshot) and other.shows(self.data, self.shape)

    def shows(self, data: np.ndarray[Any, Any], shape: tuple[int, ...]) -> bool:
        """Return whether this snapshot holds exactly ``data`` (its recorded part) and ``shape``.

        Compared byte for byte: a NaN equals the same NaN, and ``-0.0`` differs from ``0.0``
        (a change the learner can see printed). Cheaper than ``np.array_equal`` on the hot path.
        """
        dtype = data.dtype
        if shape != self.shape or (dtype is not self.data.dtype and dtype != self.data.dtype):
            return False
        if self._bytes is None:
            self._bytes = self.data.tobytes()
        return data.tobytes() == self._bytes

    @staticmethod
    def unchanged(old: object, array: np.ndarray[Any, Any]) -> bool:
        """Return whether ``old`` is a snapshot of ``array`` as it is now, without copying it."""
        if not isinstance(old, ArraySnapshot):
            return False
        live = _leading_corner(array) if array.size > MAX_ARRAY_CELLS else array
        return old.shows(live, array.shape)


_DTYPE_NAMES: dict[np.dtype[Any], str] = {}


def dtype_name(dtype: np.dtype[Any]) -> str:
    """Return ``str(dtype)``, remembered: NumPy builds the name in Python (~5 µs each time)."""
    name = _DTYPE_NAMES.get(dtype)
    if name is None:
        name = _DTYPE_NAMES[dtype] = str(dtype)
    return name


class TextSnapshot:
    """The cut ``repr`` of a value that is neither a scalar nor an array."""

    __slots__ = ("text", "type_name")

    def __init__(self, value: object) -> None:
        self.type_name = type(value).__name__
        self.text = safe_repr(value)

    def same_as(self, other: object) -> bool:
        """Return whether ``other`` has the same type name and text."""
        return (
            isinstance(other, TextSnapshot)
            and other.text == self.text
            and other.type_name == self.type_name
        )


def snapshot(value: object) -> object:
    """Return a frozen stand-in for ``value``: the value itself when it cannot change."""
    kind = type(value)
    if kind in _EXACT_SCALARS:
        return value
    if kind is np.ndarray:
        return ArraySnapshot(value)  # type: ignore[arg-type]
    if isinstance(value, _SCALAR_TYPES):
        return value
    if isinstance(value, str) and len(value) <= MAX_TEXT_CHARS:
        return value
    if isinstance(value, np.ndarray):
        return ArraySnapshot(value)
    if isinstance(value, np.generic):
        return value  # NumPy scalars are immutable
    return TextSnapshot(value)


def snapshot_size(snap: object) -> int:
    """Return roughly how many bytes ``snap`` holds, for the recorded-bytes cap."""
    if type(snap) in _EXACT_SCALARS:
        return 32
    if isinstance(snap, ArraySnapshot):
        return snap.size
    if isinstance(snap, TextSnapshot):
        return 64 + len(snap.text)
    if isinstance(snap, str):
        return 64 + len(snap)
    return 32


def same_snapshot(old: object, new: object) -> bool:
    """Return whether two snapshots show the same value (used to spot in-place changes)."""
    if isinstance(new, ArraySnapshot | TextSnapshot):
        return new.same_as(old)
    return type(old) is type(new) and bool(old == new)


def encode(snap: object) -> dict[str, Any]:
    """Return the JSON ``VALUE`` of a snapshot made by :func:`snapshot`."""
    return _encode(snap, None, True)


def json_encoder(*, grid_cells: int | None = None, array_text: bool = True) -> Encoder:
    """Return :func:`encode`, or a variant writing only what a reader of the JSON shows.

    Parameters
    ----------
    grid_cells : int or None
        For a reader that draws small arrays as grids and shows every other array by its text,
        as the page's code box does. An array of one or two axes, recorded whole, with at most
        ``grid_cells`` elements keeps its ``data`` and gets its one-line summary as ``text``;
        any other array keeps its ``text`` and has ``"data": null`` (a 1,024-cell corner
        copied after every write is most of such a JSON).
    array_text : bool
        ``False`` for a reader that draws every array from its ``data``, as the terminal and
        HTML views do: each array's ``text`` is its one-line summary instead of NumPy's
        ``repr`` (9–50 µs an array, most of a long run's JSON time).
    """
    if grid_cells is None and array_text:
        return encode
    return lambda snap: _encode(snap, grid_cells, array_text)


def _encode(snap: object, grid_cells: int | None, array_text: bool) -> dict[str, Any]:
    kind = type(snap)
    if kind is int and -_EXACT_INT_LIMIT < snap < _EXACT_INT_LIMIT:  # type: ignore[operator]
        return {"kind": "scalar", "type": "int", "value": snap, "text": repr(snap)}
    if kind is float and math.isfinite(snap):  # type: ignore[arg-type]
        return {"kind": "scalar", "type": "float", "value": snap, "text": repr(snap)}
    if isinstance(snap, ArraySnapshot):
        return _encode_array(snap, grid_cells, array_text)
    if isinstance(snap, TextSnapshot):
        return {"kind": "other", "type": snap.type_name, "text": snap.text}
    if isinstance(snap, np.generic):
        return _encode_scalar(snap.item(), type(snap).__name__, repr(snap.item()))
    return _encode_scalar(snap, type(snap).__name__, safe_repr(snap))


def safe_repr(value: object) -> str:
    """Return a ``repr`` of at most :data:`MAX_TEXT_CHARS` characters that never raises."""
    try:
        text = _short_repr.repr(value)
    except Exception as error:  # a user's __repr__ may fail; say so instead of crashing
        text = f"<{type(value).__name__} whose repr failed: {type(error).__name__}>"
    return text if len(text) <= MAX_TEXT_CHARS else text[: MAX_TEXT_CHARS - 1] + "…"


def _encode_scalar(value: object, type_name: str, text: str) -> dict[str, Any]:
    if isinstance(value, float) and not math.isfinite(value):
        value = None  # JSON has no NaN or infinity; the text still says which it was
    elif isinstance(value, complex):  # each part as a float would be: null when not finite
        value = [part if math.isfinite(part) else None for part in (value.real, value.imag)]
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _EXACT_INT_LIMIT:
        return {"kind": "other", "type": type_name, "text": text}
    return {"kind": "scalar", "type": type_name, "value": value, "text": text}


def _encode_array(snap: ArraySnapshot, grid_cells: int | None, array_text: bool) -> dict[str, Any]:
    data = snap.data
    with_repr, with_data = array_text, True
    if grid_cells is not None:  # for the page: the numbers of a grid, or else the text
        drawn = 1 <= data.ndim <= 2 and not snap.truncated and data.size <= grid_cells
        with_repr, with_data = with_repr and not drawn, drawn
    if not with_data:
        listed: Any = None
    elif data.dtype.kind in "fc":
        listed = _finite_list(data)
    elif data.dtype.kind in "biu":
        listed = data.tolist()
    else:
        listed = np.vectorize(safe_repr, otypes=[object])(data).tolist()
    if with_repr and data.size <= MAX_REPR_CELLS:
        text = whole_number_repr(data) or _numpy_repr(data)
    else:  # NumPy's repr costs ~0.1 ms per array; the grid in "data" shows the values anyway
        text = f"array of shape {snap.shape}, dtype {snap.dtype}"
    return {
        "kind": "ndarray",
        "shape": list(snap.shape),
        "dtype": snap.dtype,
        "data": listed,
        "truncated": snap.truncated,
        "text": text,
    }


def _numpy_repr(data: np.ndarray[Any, Any]) -> str:
    with np.printoptions(threshold=MAX_REPR_CELLS, edgeitems=3):
        return repr(data)


_PLAIN_DTYPES = frozenset({np.dtype(np.float64), np.dtype(np.int64)})  # repr names no dtype
_DEFAULT_PRINTING = {
    "floatmode": "maxprec",
    "precision": 8,
    "suppress": False,
    "linewidth": 75,
    "sign": "-",
    "formatter": None,
    "legacy": False,
    "override_repr": None,
}
_SAFE_LINE = 70  # NumPy wraps at 75 characters; a longer line is left to NumPy


def whole_number_repr(data: np.ndarray[Any, Any]) -> str | None:
    """Return NumPy's ``repr`` of a small array of whole numbers, written directly, or ``None``.

    NumPy's formatter costs about 50 µs an array, most of the JSON time of a long run over an
    image, whose windows and products are whole numbers. For a float64 or int64 array of one or
    two axes whose values NumPy would print as integers (finite whole numbers, no ``-0.0``,
    none needing exponents: the largest below 1e8 and at most 1,000 times the smallest
    non-zero), with NumPy's default print options and lines short enough not to wrap, the text
    is NumPy's own (a property test compares the two). Any other array gives ``None``.
    """
    if data.dtype not in _PLAIN_DTYPES or not 1 <= data.ndim <= 2 or data.size == 0:
        return None
    if not _DEFAULT_PRINTING.items() <= np.get_printoptions().items():
        return None  # print options changed (by the traced code, say): NumPy follows them
    values = data.ravel().tolist()  # at most 100 numbers: plain Python beats NumPy's calls
    if data.dtype.kind == "f":
        if not all(map(float.is_integer, values)):
            return None  # a fraction, NaN or infinity
        magnitudes = [abs(value) for value in values if value]
        if magnitudes and (max(magnitudes) >= 1e8 or max(magnitudes) > 1000 * min(magnitudes)):
            return None  # NumPy would switch to exponents
        if 0.0 in values and any(math.copysign(1.0, value) < 0 for value in values if not value):
            return None  # -0.0 prints as "-0."
        words = [f"{value:.0f}." for value in values]
    else:
        words = list(map(str, values))
    width = max(map(len, words))
    columns = data.shape[-1]
    rows = [
        ", ".join(word.rjust(width) for word in words[start : start + columns])
        for start in range(0, len(words), columns)
    ]
    if data.ndim == 1:
        lines = [f"array([{rows[0]}])"]
    else:
        lines = [f"       [{row}]," for row in rows]
        lines[0] = "array([" + lines[0].lstrip()
        lines[-1] = lines[-1][:-1] + "])"
    if max(map(len, lines)) > _SAFE_LINE:
        return None
    return "\n".join(lines)


def _finite_list(data: np.ndarray[Any, Any]) -> Any:
    if data.dtype.kind == "c":
        data = np.stack([data.real, data.imag], axis=-1)
    if bool(np.isfinite(data).all()):
        return data.tolist()
    return _none_for_nan(data.tolist())


def _none_for_nan(item: Any) -> Any:
    if isinstance(item, list):
        return [_none_for_nan(inner) for inner in item]
    return item if math.isfinite(item) else None


def _leading_corner(array: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """Return the first entries along every axis, at most MAX_ARRAY_CELLS in all."""
    corner = _CORNERS.get(array.ndim)
    if corner is None:
        per_axis = max(1, int(MAX_ARRAY_CELLS ** (1 / max(array.ndim, 1))))
        corner = _CORNERS[array.ndim] = tuple(slice(0, per_axis) for _ in range(array.ndim))
    return array[corner]


_CORNERS: dict[int, tuple[slice, ...]] = {}
"""The leading corner's slices by number of axes (built once: this runs on every traced line)."""
