"""The ``pooling`` widget: max or average pooling of a small grid, every window explained.

Each output cell's step comes from :func:`convscope.tracing.trace_pool`: the window, the cells
that fall in the padding, and the winner (max) or the sum and divisor (average). The state also
counts how many windows read each input cell, which shows at a glance whether the windows tile
the input, overlap or leave gaps, and pools a photograph several times over.

PyTorch's three finer switches are here too: ``ceil_mode`` (a last window may hang over the
edge; the state carries the input as the windows see it, padding and overhang included, so the
page can draw that), ``count_include_pad`` (the divisor of an edge window, written out) and
``dilation`` (max pooling only, as in PyTorch).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from ...engine import avg_pool2d, max_pool2d
from ...engine.pool import PoolSpec, window_positions
from ...render.images import PHOTOS
from ...tracing.numbers import format_number
from ...tracing.pooling import PoolStep, PoolTrace, trace_pool
from ..base import Widget, WidgetInputs, grid, text_grid
from ..field_errors import field_error
from ..padding_modes import PhotoName
from ..pictures import grey_photo, jpeg_url

PHOTO_SIDE = 128
PHOTO_ROUNDS = 3
PAD_TEXT = {"max": "−∞", "avg": "0"}  # what a padded cell counts as in each kind of pool
BEYOND_TEXT = ""  # a tap past the padding (ceil mode's overhang) holds nothing at all


class PoolingInputs(WidgetInputs):
    """Inputs of the ``pooling`` widget.

    Attributes
    ----------
    input : grid of at most 8×8 numbers
    kind : {'max', 'avg'}
    kernel_size : int 1–4
        The window is ``kernel_size × kernel_size``.
    stride : int 1–4
    padding : int 0–2
        At most half the window, as PyTorch requires.
    ceil_mode : bool
        Round the output size up: a last window may start inside the input and hang over it.
    count_include_pad : bool
        Average pooling: divide by the padding cells under the window too (PyTorch's default).
    dilation : int 1–2
        Max pooling only: the spacing of the window's taps.
    photo : {'camera', 'astronaut', 'chelsea', 'coffee'}
    """

    input: grid(8, 8)  # type: ignore[valid-type]
    kind: Literal["max", "avg"] = "max"
    kernel_size: Annotated[int, Field(ge=1, le=4)] = 2
    stride: Annotated[int, Field(ge=1, le=4)] = 2
    padding: Annotated[int, Field(ge=0, le=2)] = 0
    ceil_mode: bool = False
    count_include_pad: bool = True
    dilation: Annotated[int, Field(ge=1, le=2)] = 1
    photo: PhotoName = "camera"


def _tap_kinds(step: PoolStep, size: tuple[int, int], spec: PoolSpec) -> list[list[str]]:
    """Return ``'real'``, ``'pad'`` or ``'beyond'`` (past the padding) for each tap."""
    return [[_cell_kind(r, c, size, spec.padding) for c in step.cols] for r in step.rows]


def _cell_kind(r: int, c: int, size: tuple[int, int], padding: tuple[int, int]) -> str:
    if 0 <= r < size[0] and 0 <= c < size[1]:
        return "real"
    inside_rows = -padding[0] <= r < size[0] + padding[0]
    inside_cols = -padding[1] <= c < size[1] + padding[1]
    return "pad" if inside_rows and inside_cols else "beyond"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _step_json(step: PoolStep, size: tuple[int, int], spec: PoolSpec) -> dict[str, Any]:
    kinds = _tap_kinds(step, size, spec)
    shown = {"pad": PAD_TEXT[step.kind], "beyond": BEYOND_TEXT}
    window = [
        [
            shown[kind] if kind in shown else format_number(value)
            for value, kind in zip(row, tap_row, strict=True)
        ]
        for row, tap_row in zip(step.window.tolist(), kinds, strict=True)
    ]
    return {
        "index": list(step.index),
        "rows": step.rows,
        "cols": step.cols,
        "window": window,
        "is_padding": step.is_padding.tolist(),
        "taps": kinds,
        "winner": None if step.winner is None else list(step.winner),
        "divisor": step.divisor,
        "result": format_number(step.result),
        "text": step.explanation(),
        "notes": _step_notes(step, kinds, spec),
    }


def _step_notes(step: PoolStep, kinds: list[list[str]], spec: PoolSpec) -> list[str]:
    """Return the sentences under a step: what padding, overhang and the divisor mean here."""
    flat = [kind for row in kinds for kind in row]
    pads, beyond = flat.count("pad"), flat.count("beyond")
    notes = []
    if step.kind == "max" and pads:
        notes.append("hatched: padding, which counts as −∞ and so never wins")
    if step.kind == "avg":
        notes.append(_divisor_words(step, flat.count("real"), pads))
    if beyond:
        edge = "the edge and its padding" if max(spec.padding) else "the edge"
        ignored = "is left out, even from the divisor" if step.kind == "avg" else "is ignored"
        notes.append(
            f"dotted and empty: {_plural(beyond, 'tap')} past {edge}. Rounding the output size "
            f"up let this last window start inside the input and hang over; the part outside "
            f"{ignored}"
        )
    if max(spec.dilation) > 1:
        d, k = spec.dilation[0], spec.kernel_size[0]
        notes.append(
            f"dilation {d}: the window reads {k}×{k} cells {d} apart, spanning "
            f"{d * (k - 1) + 1}×{d * (k - 1) + 1} cells of the input"
        )
    if step.winner is not None:
        notes.append("the winning cell is marked with a thick border")
    return notes


def _divisor_words(step: PoolStep, real: int, pads: int) -> str:
    if not pads:
        return f"divided by {step.divisor}: the {_plural(real, 'cell')} of the window"
    if step.divisor == real:
        return (
            f"divided by {step.divisor}: only the {_plural(real, 'input cell')}; the "
            f"{_plural(pads, 'hatched padding cell')} add 0 and are not counted"
        )
    return (
        f"divided by {step.divisor}: the {_plural(real, 'input cell')} and the "
        f"{_plural(pads, 'hatched padding cell')} (zeros), as count_include_pad asks"
    )


def _frame(inputs: PoolingInputs, spec: PoolSpec) -> dict[str, Any]:
    """Return the input as the windows see it: padding around it and any ceil-mode overhang."""
    size = (len(inputs.input), len(inputs.input[0]))
    rows, cols = window_positions(size, spec)
    top, left = spec.padding
    row_ids = range(-top, max(size[0] + top, int(rows.max()) + 1))
    col_ids = range(-left, max(size[1] + left, int(cols.max()) + 1))
    real = text_grid(inputs.input)
    shown = {"pad": PAD_TEXT[inputs.kind], "beyond": BEYOND_TEXT}
    kinds = [[_cell_kind(r, c, size, spec.padding) for c in col_ids] for r in row_ids]
    texts = [
        [
            shown[kind] if kind in shown else real[r][c]
            for c, kind in zip(col_ids, kind_row, strict=True)
        ]
        for r, kind_row in zip(row_ids, kinds, strict=True)
    ]
    return {"texts": texts, "kinds": kinds, "top": top, "left": left}


def _coverage(size: tuple[int, int], spec: PoolSpec) -> np.ndarray[Any, Any]:
    rows, cols = window_positions(size, spec)
    counts = np.zeros(size, dtype=np.int64)
    for row_taps in rows:
        for col_taps in cols:
            r = row_taps[(row_taps >= 0) & (row_taps < size[0])]
            c = col_taps[(col_taps >= 0) & (col_taps < size[1])]
            counts[np.ix_(r, c)] += 1
    return counts


def _coverage_words(counts: np.ndarray[Any, Any]) -> str:
    if counts.min() == 0:
        return (
            f"{int((counts == 0).sum())} input cells are read by no window: the stride is "
            "larger than the window, so those numbers never reach the output"
        )
    if counts.max() > 1:
        return f"windows overlap: some cells are read by {int(counts.max())} windows"
    return "the windows tile the input: every cell is read exactly once"


def _size_formula(size: int, spec: PoolSpec) -> str:
    """Return one axis's output size written out; the sizes themselves are the engine's."""
    k, s, p, d = spec.kernel_size[0], spec.stride[0], spec.padding[0], spec.dilation[0]
    reach = f"{k}" if d == 1 else f"({d}×({k} − 1) + 1)"
    inner = f"({size} + 2×{p} − {reach}) ÷ {s}"
    result = spec.output_size((size, size))[0]
    other = _other_rounding(size, spec)
    if not spec.ceil_mode:
        rounded_up = "" if other == result else f"  (rounding up would give {other})"
        return f"⌊{inner}⌋ + 1 = {result}{rounded_up}"
    if other is None:
        rounded_down = "rounding down, the window would not fit at all"
    else:
        rounded_down = f"rounding down gives {'also' if other == result else 'only'} {other}"
    span = size + 2 * p - d * (k - 1) - 1
    written = -(-span // s) + 1  # the ceiling the formula shows, before PyTorch's extra rule
    if written != result:
        return (
            f"⌈{inner}⌉ + 1 − 1 = {result}: PyTorch drops a last window that would start in "
            f"the padding ({rounded_down})"
        )
    return f"⌈{inner}⌉ + 1 = {result} ({rounded_down})"


def _other_rounding(size: int, spec: PoolSpec) -> int | None:
    """Return the engine's size with the other rounding, or None when no window fits."""
    try:
        return replace(spec, ceil_mode=not spec.ceil_mode).output_size((size, size))[0]
    except ValueError:
        return None


def _pooled(photo: np.ndarray[Any, Any], inputs: PoolingInputs) -> np.ndarray[Any, Any]:
    shared = (inputs.kernel_size, inputs.stride, inputs.padding)
    if inputs.kind == "max":
        return np.asarray(max_pool2d(photo, *shared, inputs.dilation, inputs.ceil_mode))
    return avg_pool2d(
        photo, *shared, ceil_mode=inputs.ceil_mode, count_include_pad=inputs.count_include_pad
    )


def _photo_rounds(inputs: PoolingInputs) -> list[dict[str, Any]]:
    photo = grey_photo(inputs.photo, PHOTO_SIDE).astype(np.float64)
    shown = [
        {"label": f"original {PHOTO_SIDE}×{PHOTO_SIDE}", "src": jpeg_url(photo.astype(np.uint8))}
    ]
    for round_number in range(1, PHOTO_ROUNDS + 1):
        try:
            photo = _pooled(photo, inputs)
        except ValueError:
            break  # too small for another window: show the rounds that fit
        label = f"{round_number}× pooled: {photo.shape[0]}×{photo.shape[1]}"
        pixels = np.clip(np.round(photo), 0, 255).astype(np.uint8)
        shown.append({"label": label, "src": jpeg_url(pixels, quality=90)})
    return shown


def _traced(inputs: PoolingInputs) -> PoolTrace:
    try:
        return trace_pool(
            inputs.input,
            inputs.kind,
            inputs.kernel_size,
            inputs.stride,
            inputs.padding,
            dilation=inputs.dilation,
            ceil_mode=inputs.ceil_mode,
            count_include_pad=inputs.count_include_pad,
        )
    except ValueError as error:
        raise field_error(_blamed_field(str(error), inputs), str(error)) from None


def _blamed_field(message: str, inputs: PoolingInputs) -> str:
    """Return the control an engine error is shown next to."""
    if message.startswith("padding"):
        return "padding"
    if "dilation" in message and (inputs.kind == "avg" or inputs.dilation > 1):
        return "dilation"  # the window stopped fitting because its taps spread out
    return "kernel_size"


def build_state(inputs: PoolingInputs) -> dict[str, Any]:
    """Return the pooled grid, every window explained, the window coverage and pooled photos.

    Examples
    --------
    >>> state = build_state(PoolingInputs(input=[[1, 3], [2, 0]]))
    >>> state["output"], state["steps"][0]["text"]
    ([['3']], 'max(1, 3, 2, 0) = 3')
    """
    traced = _traced(inputs)
    rows, cols = traced.output_size
    size = (len(inputs.input), len(inputs.input[0]))
    coverage = _coverage(size, traced.spec)
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(inputs.input),
        "output": text_grid(traced.output.tolist()),
        "output_shape": [rows, cols],
        "steps": [
            _step_json(traced.at(i, j), size, traced.spec) for i in range(rows) for j in range(cols)
        ],
        "frame": _frame(inputs, traced.spec),
        "coverage": text_grid(coverage.tolist()),
        "coverage_text": _coverage_words(coverage),
        "size": {
            "rows": _size_formula(size[0], traced.spec),
            "cols": _size_formula(size[1], traced.spec),
        },
        "photos": _photo_rounds(inputs),
        "photo_names": list(PHOTOS),
    }


WIDGET = Widget(
    name="pooling",
    inputs=PoolingInputs,
    build=build_state,
    esm=Path(__file__).with_name("pooling.js"),
    css=Path(__file__).with_name("pooling.css"),
)
