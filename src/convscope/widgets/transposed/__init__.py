"""The ``transposed`` widget: a transposed convolution as stamps (scatter) and as sums (gather).

Scatter: each input cell, in reading order, stamps the kernel scaled by its value into the
output; the state holds the running output after every stamp, so the page can step through
them and show sums building up where stamps overlap. Gather: the same output as an ordinary
convolution over the input with zeros inserted between cells, padded, with the kernel turned
180°. Both come from :func:`convscope.tracing.trace_transposed` and are checked equal here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from ...tracing.numbers import format_number
from ...tracing.transposed import TransposedTrace, trace_transposed
from ..base import Widget, WidgetInputs, grid, text_grid
from ..explain import explained_trace
from ..field_errors import field_error


class TransposedInputs(WidgetInputs):
    """Inputs of the ``transposed`` widget.

    Attributes
    ----------
    input : grid of at most 4×4 numbers
    kernel : grid of at most 4×4 numbers
    stride : int 1–3
    padding : int 0–3
        Cells cropped from every side of the stamped result.
    output_padding : int 0–2
        Cells added back at the bottom and right; must be smaller than the stride.
    """

    input: grid(4, 4)  # type: ignore[valid-type]
    kernel: grid(4, 4)  # type: ignore[valid-type]
    stride: Annotated[int, Field(ge=1, le=3)] = 2
    padding: Annotated[int, Field(ge=0, le=3)] = 0
    output_padding: Annotated[int, Field(ge=0, le=2)] = 0


def _frames(traced: TransposedTrace) -> list[dict[str, Any]]:
    running = np.zeros(traced.output.shape, dtype=np.result_type(traced.output, np.int64))
    frames = []
    for stamp in traced.stamps():
        for cell in stamp["cells"]:
            running[cell["i"], cell["j"]] += cell["product"]
        frames.append(
            {
                "row": stamp["row"],
                "col": stamp["col"],
                "value": format_number(stamp["value"]),
                "cells": [
                    {"i": c["i"], "j": c["j"], "product": format_number(c["product"])}
                    for c in stamp["cells"]
                ],
                "stamp": text_grid((np.asarray(stamp["value"]) * traced.weight).tolist()),
                "running": text_grid(running.tolist()),
            }
        )
    return frames


def _cell_steps(traced: TransposedTrace) -> list[dict[str, Any]]:
    rows, cols = traced.output.shape
    steps = []
    for i in range(rows):
        for j in range(cols):
            step = traced.at(i, j)
            steps.append(
                {
                    "i": i,
                    "j": j,
                    "sources": [[c.row, c.col] for c in step.contributions],
                    "taps": [[c.a, c.b] for c in step.contributions],
                    "sum_text": step.sum_text(),
                    "result": format_number(step.result),
                }
            )
    return steps


def _size_formula(size: int, kernel: int, inputs: TransposedInputs) -> str:
    s, p, extra = inputs.stride, inputs.padding, inputs.output_padding
    result = (size - 1) * s - 2 * p + (kernel - 1) + extra + 1
    return f"({size} − 1)×{s} − 2×{p} + ({kernel} − 1) + {extra} + 1 = {result}"


def _gather(traced: TransposedTrace) -> dict[str, Any]:
    try:
        gathered = traced.gather()
    except ValueError as error:
        return {"error": str(error)}
    equal = bool(np.array_equal(np.asarray(gathered.output), traced.output))
    top, left = gathered.pad_offset
    (s_r, s_c) = traced.spec.stride
    rows, cols = traced.input.shape
    # where the real input cells sit in the gather view's grid; every other cell is a 0
    originals = [[top + r * s_r, left + c * s_c] for r in range(rows) for c in range(cols)]
    return {
        "error": None,
        "trace": explained_trace(gathered),
        "originals": originals,
        "equal": equal,
    }


def _traced(inputs: TransposedInputs) -> TransposedTrace:
    try:
        return trace_transposed(
            inputs.input,
            inputs.kernel,
            stride=inputs.stride,
            padding=inputs.padding,
            output_padding=inputs.output_padding,
        )
    except ValueError as error:
        # the only other rule here is an output cropped away entirely: too much padding
        field = "output_padding" if str(error).startswith("output_padding") else "padding"
        raise field_error(field, str(error)) from None


def build_state(inputs: TransposedInputs) -> dict[str, Any]:
    """Return the scatter frames, every output cell's products and the equivalent gather trace.

    Examples
    --------
    >>> state = build_state(TransposedInputs(input=[[1, 2]], kernel=[[1, 1]]))
    >>> state["output"], state["frames"][1]["running"]
    ([['1', '1', '2', '2']], [['1', '1', '2', '2']])
    """
    traced = _traced(inputs)
    height, width = len(inputs.input), len(inputs.input[0])
    k_rows, k_cols = len(inputs.kernel), len(inputs.kernel[0])
    steps = _cell_steps(traced)
    counts = np.array([len(step["sources"]) for step in steps]).reshape(traced.output.shape)
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(inputs.input),
        "kernel": text_grid(inputs.kernel),
        "output": text_grid(traced.output.tolist()),
        "output_shape": list(traced.output.shape),
        "size": {
            "rows": _size_formula(height, k_rows, inputs),
            "cols": _size_formula(width, k_cols, inputs),
        },
        "frames": _frames(traced),
        "steps": steps,
        "stamp_counts": text_grid(counts.tolist()),
        "gather": _gather(traced),
    }


WIDGET = Widget(
    name="transposed",
    inputs=TransposedInputs,
    build=build_state,
    esm=Path(__file__).with_name("transposed.js"),
    css=Path(__file__).with_name("transposed.css"),
)
