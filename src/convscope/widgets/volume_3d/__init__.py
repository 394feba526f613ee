"""The ``volume_3d`` widget: a small volume (a short clip of frames) and a 3-D kernel.

The output is :func:`convscope.conv3d`'s. Each output cell is explained slice by slice: the
kernel's slice ``a`` meets the volume's slice ``z + a − padding`` as an ordinary 2-D window,
traced by :func:`convscope.trace` (so its products and sum are the 2-D engine's own), and the
cell is the sum of those slice sums. A slice that falls in the depth padding holds only zeros.
The builder checks that the slice sums add up to ``conv3d``'s number for every cell, and
writes each cell as a formula, ``y₁₁₂ = w₀₀₀·x₁₁₂ + …``, from the slices' traced terms.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from pydantic import Field

from ...engine import conv3d
from ...tracing import trace
from ...tracing.formula import Formula, Term, formula_of
from ...tracing.numbers import format_number, jsonable
from ...tracing.step import ConvTrace
from ..base import Widget, WidgetInputs, grid, text_grid
from ..field_errors import field_error


def _clip() -> list[list[list[int]]]:
    """Return four 5×5 frames of a bright 2×2 square moving one column right per frame."""
    frames = []
    for z in range(4):
        frame = np.ones((5, 5), dtype=np.int64)
        frame[1:3, z : z + 2] = 9
        frames.append(frame.tolist())
    return frames


def _change_kernel() -> list[list[list[int]]]:
    """Return a 2×2×2 kernel: the next frame's 2×2 sum minus this frame's."""
    return [[[-1, -1], [-1, -1]], [[1, 1], [1, 1]]]


class Volume3dInputs(WidgetInputs):
    """Inputs of the ``volume_3d`` widget.

    Attributes
    ----------
    volume : 1–5 slices (frames), each a grid of at most 6×6, all the same size
    kernel : 1–3 slices, each a grid of at most 3×3, all the same size
    padding : int 0–1
        Zeros around every side, in depth too.
    """

    volume: Annotated[list[grid(6, 6)], Field(min_length=1, max_length=5)] = Field(  # type: ignore[valid-type]
        default_factory=_clip
    )
    kernel: Annotated[list[grid(3, 3)], Field(min_length=1, max_length=3)] = Field(  # type: ignore[valid-type]
        default_factory=_change_kernel
    )
    padding: Annotated[int, Field(ge=0, le=1)] = 0


def _check_slices(name: str, slices: list[list[list[float]]]) -> None:
    shapes = [(len(s), len(s[0])) for s in slices]
    for index, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise field_error(
                name,
                f"slice {index} is {shape[0]}×{shape[1]} but slice 0 is "
                f"{shapes[0][0]}×{shapes[0][1]}; every slice must have the same size",
            )


def _check_fits(inputs: Volume3dInputs) -> None:
    size = np.asarray(inputs.volume).shape
    kernel = np.asarray(inputs.kernel).shape
    padded = [n + 2 * inputs.padding for n in size]
    if any(k > n for k, n in zip(kernel, padded, strict=True)):
        raise field_error(
            "kernel",
            f"{'×'.join(map(str, kernel))} does not fit the volume "
            f"{'×'.join(map(str, size))} with padding {inputs.padding}; use a smaller kernel "
            "or padding 1",
        )


Traces = dict[tuple[int, int], ConvTrace]


def _traced(inputs: Volume3dInputs, source: int, a: int, traces: Traces) -> ConvTrace:
    """Return the 2-D trace of kernel slice ``a`` over volume slice ``source`` (all zeros for a
    slice of depth padding), computed once per pair and reused for every output cell."""
    if (source, a) not in traces:
        kernel = inputs.kernel[a]
        if 0 <= source < len(inputs.volume):
            traces[source, a] = trace(inputs.volume[source], kernel, padding=inputs.padding)
        else:
            traces[source, a] = trace([[0] * len(kernel[0]) for _ in kernel], kernel)
    return traces[source, a]


def _slice_step(
    inputs: Volume3dInputs, index: tuple[int, int, int], a: int, traces: Traces
) -> tuple[dict[str, Any], list[Term]]:
    """Return what kernel slice ``a`` adds to output ``index`` (a traced 2-D window) and its
    terms, named in three dimensions: kernel slice first, then the volume's slice."""
    z, i, j = index
    source = z + a - inputs.padding
    padded = not 0 <= source < len(inputs.volume)  # a slice of depth padding: all zeros
    traced = _traced(inputs, source, a, traces)
    at = (0, 0) if padded else (i, j)
    terms = [
        Term(
            (a, *term.weight),
            None if padded or term.cell is None else (source, *term.cell),
            term.weight_value,
            term.cell_value,
            padded or term.padded,
        )
        for term in formula_of(traced, *at).terms
    ]
    return {"slice": source, "padded": padded, **_step_numbers(traced.at(*at))}, terms


def _step_numbers(step: Any) -> dict[str, Any]:
    return {
        "rows": step.rows,
        "cols": step.cols,
        "window": text_grid(step.window[0].tolist()),
        "is_padding": step.is_padding.tolist(),
        "products": text_grid(step.products[0].tolist()),
        "sum": format_number(step.result),
        "sum_value": step.result,
        "sum_text": step.sum_text(),
    }


def _cell(
    inputs: Volume3dInputs,
    output: np.ndarray[Any, Any],
    index: tuple[int, int, int],
    traces: Traces,
) -> dict[str, Any]:
    z, i, j = index
    parts = [_slice_step(inputs, index, a, traces) for a in range(len(inputs.kernel))]
    slices = [part for part, _ in parts]
    total = sum(part.pop("sum_value") for part in slices)
    if not np.isclose(total, output[z, i, j], rtol=1e-12, atol=1e-9):
        raise AssertionError(f"slice sums of {index} add to {total}, conv3d gave {output[index]}")
    result = output[z, i, j].item()
    formula = Formula(index, tuple(term for _, terms in parts for term in terms), None, result)
    return {
        "index": list(index),
        "slices": slices,
        "total_text": " + ".join(part["sum"] for part in slices),
        "result": format_number(result),
        "formula": _formula_json(formula),
    }


def _formula_json(formula: Formula) -> dict[str, Any]:
    """Return the formula as ``Formula.to_json`` does, less each term's own two texts: a
    volume has hundreds of terms and the page shows only the whole formula's."""
    terms = [
        {
            "weight": list(term.weight),
            "cell": None if term.cell is None else list(term.cell),
            "weight_value": jsonable(term.weight_value),
            "cell_value": jsonable(term.cell_value),
            "padded": term.padded,
        }
        for term in formula.terms
    ]
    return {
        "output": list(formula.output),
        "terms": terms,
        "bias": None,
        "result": jsonable(formula.result),
        "symbolic": formula.symbolic(),
        "substituted": formula.substituted(),
    }


def build_state(inputs: Volume3dInputs) -> dict[str, Any]:
    """Return ``conv3d``'s output and every output cell's windows, slice by slice.

    Examples
    --------
    >>> state = build_state(Volume3dInputs())
    >>> state["output_shape"], state["cells"][0]["result"]
    ([3, 4, 4], '−8')
    """
    _check_slices("volume", inputs.volume)
    _check_slices("kernel", inputs.kernel)
    _check_fits(inputs)
    output = conv3d(inputs.volume, inputs.kernel, padding=inputs.padding)
    depth, rows, cols = output.shape
    traces: Traces = {}
    return {
        "inputs": inputs.model_dump(),
        "volume": text_grid(inputs.volume),
        "kernel": text_grid(inputs.kernel),
        "output": text_grid(output.tolist()),
        "output_shape": [depth, rows, cols],
        "cells": [
            _cell(inputs, output, (z, i, j), traces)
            for z in range(depth)
            for i in range(rows)
            for j in range(cols)
        ],
        "torch": (
            f"F.conv3d(x, w{'' if inputs.padding == 0 else ', padding=1'}) with x of shape "
            f"(1, 1, {', '.join(map(str, np.asarray(inputs.volume).shape))}) and w of shape "
            f"(1, 1, {', '.join(map(str, np.asarray(inputs.kernel).shape))})"
        ),
    }


WIDGET = Widget(
    name="volume_3d",
    inputs=Volume3dInputs,
    build=build_state,
    esm=Path(__file__).with_name("volume_3d.js"),
    css=Path(__file__).with_name("volume_3d.css"),
)
