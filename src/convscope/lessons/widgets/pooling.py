"""The ``pooling`` widget: max or average pooling of a small grid, every window explained.

Each output cell's step comes from :func:`convscope.tracing.trace_pool`: the window, the cells
that fall in the padding, and the winner (max) or the sum and divisor (average). The state also
counts how many windows read each input cell, which shows at a glance whether the windows tile
the input, overlap or leave gaps, and pools a photograph several times over.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from ...engine import avg_pool2d, max_pool2d
from ...engine.pool import PoolSpec, window_positions
from ...render.images import PHOTOS
from ...tracing.numbers import format_number
from ...tracing.pooling import PoolStep, PoolTrace, trace_pool
from .base import Widget, WidgetInputs, grid, text_grid
from .field_errors import field_error
from .padding_modes import PhotoName
from .pictures import grey_photo, jpeg_url

PHOTO_SIDE = 128
PHOTO_ROUNDS = 3
PAD_TEXT = {"max": "−∞", "avg": "0"}  # what a padded cell counts as in each kind of pool


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
    photo : {'camera', 'astronaut', 'chelsea', 'coffee'}
    """

    input: grid(8, 8)  # type: ignore[valid-type]
    kind: Literal["max", "avg"] = "max"
    kernel_size: Annotated[int, Field(ge=1, le=4)] = 2
    stride: Annotated[int, Field(ge=1, le=4)] = 2
    padding: Annotated[int, Field(ge=0, le=2)] = 0
    photo: PhotoName = "camera"


def _step_json(step: PoolStep) -> dict[str, Any]:
    pad_text = PAD_TEXT[step.kind]
    window = [
        [
            pad_text if is_pad else format_number(value)
            for value, is_pad in zip(row, pads, strict=True)
        ]
        for row, pads in zip(step.window.tolist(), step.is_padding.tolist(), strict=True)
    ]
    return {
        "index": list(step.index),
        "rows": step.rows,
        "cols": step.cols,
        "window": window,
        "is_padding": step.is_padding.tolist(),
        "winner": None if step.winner is None else list(step.winner),
        "divisor": step.divisor,
        "result": format_number(step.result),
        "text": step.explanation(),
    }


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
    k, s, p = spec.kernel_size[0], spec.stride[0], spec.padding[0]
    result = spec.output_size((size, size))[0]
    return f"⌊({size} + 2×{p} − {k}) ÷ {s}⌋ + 1 = {result}"


def _photo_rounds(inputs: PoolingInputs) -> list[dict[str, Any]]:
    photo = grey_photo(inputs.photo, PHOTO_SIDE).astype(np.float64)
    pool = max_pool2d if inputs.kind == "max" else avg_pool2d
    shown = [
        {"label": f"original {PHOTO_SIDE}×{PHOTO_SIDE}", "src": jpeg_url(photo.astype(np.uint8))}
    ]
    for round_number in range(1, PHOTO_ROUNDS + 1):
        try:
            photo = np.asarray(pool(photo, inputs.kernel_size, inputs.stride, inputs.padding))
        except ValueError:
            break  # too small for another window: show the rounds that fit
        label = f"{round_number}× pooled: {photo.shape[0]}×{photo.shape[1]}"
        pixels = np.clip(np.round(photo), 0, 255).astype(np.uint8)
        shown.append({"label": label, "src": jpeg_url(pixels, quality=90)})
    return shown


def _traced(inputs: PoolingInputs) -> PoolTrace:
    try:
        return trace_pool(
            inputs.input, inputs.kind, inputs.kernel_size, inputs.stride, inputs.padding
        )
    except ValueError as error:
        field = "padding" if str(error).startswith("padding") else "kernel_size"
        raise field_error(field, str(error)) from None


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
        "steps": [_step_json(traced.at(i, j)) for i in range(rows) for j in range(cols)],
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
    name="pooling", inputs=PoolingInputs, build=build_state, module="widgets/pooling.js"
)
