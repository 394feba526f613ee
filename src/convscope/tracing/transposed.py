"""The transposed-convolution trace, told both ways with the same numbers.

Scatter: each input cell stamps the kernel, scaled by its value, into the output; an output
cell is the sum of every (input cell × kernel weight) product that lands on it. Gather: the same
output is an ordinary convolution over the input with ``stride − 1`` zeros inserted between
cells, padded by ``d(k − 1) − padding``, with the kernel rotated 180°. Both are computed here
from the engine and checked equal to :func:`convscope.conv_transpose2d`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from ..engine import conv_transpose2d
from ..engine.arrays import as_numeric_array
from ..engine.spec import PaddingArg, Size
from ..engine.transpose import TransposeSpec
from .numbers import factor_text, format_number, jsonable
from .step import ConvTrace, trace


@dataclass(frozen=True)
class Contribution:
    """One product landing on an output cell: input cell ``(row, col)`` × kernel ``(a, b)``."""

    row: int
    col: int
    a: int
    b: int
    value: int | float
    weight: int | float
    product: int | float


@dataclass(frozen=True, eq=False)
class TransposedStep:
    """One output cell of a transposed convolution and every product that lands on it."""

    index: tuple[int, int]
    contributions: tuple[Contribution, ...]
    bias: int | float | None
    result: int | float

    def sum_text(self) -> str:
        """Return e.g. ``'1×2 + 3×(−1) = −1'``: each input value times its kernel weight."""
        if not self.contributions:
            return f"no input cell reaches this output cell = {format_number(self.result)}"
        terms = " + ".join(
            f"{factor_text(c.value)}×{factor_text(c.weight)}" for c in self.contributions
        )
        total = sum(c.product for c in self.contributions)
        return f"{terms} = {format_number(total)}"

    def to_json(self) -> dict[str, Any]:
        """Return the step as JSON-able data."""
        return {
            "index": list(self.index),
            "contributions": [
                {
                    "row": c.row,
                    "col": c.col,
                    "a": c.a,
                    "b": c.b,
                    "value": jsonable(c.value),
                    "weight": jsonable(c.weight),
                    "product": jsonable(c.product),
                }
                for c in self.contributions
            ],
            "bias": jsonable(self.bias),
            "result": jsonable(self.result),
            "sum_text": self.sum_text(),
        }


class TransposedTrace:
    """A 2-D transposed convolution (teaching shapes: one input map, one kernel), explained."""

    def __init__(self, x: NDArray[Any], w: NDArray[Any], bias: Any, spec: TransposeSpec):
        self.input, self.weight, self.bias, self.spec = x, w, bias, spec
        self.output: NDArray[Any] = conv_transpose2d(
            x, w, bias, spec.stride, spec.padding, spec.output_padding, 1, spec.dilation
        )

    def at(self, i: int, j: int) -> TransposedStep:
        """Return every (input × weight) product landing on output ``(i, j)``, and their sum."""
        rows, cols = self.output.shape
        if not (0 <= i < rows and 0 <= j < cols):
            raise ValueError(f"position ({i}, {j}) is outside the {rows}×{cols} output")
        found = [c for c in self._all_contributions() if (c[0], c[1]) == (i, j)]
        contributions = tuple(c[2] for c in found)
        total = sum(c.product for c in contributions)
        bias = None if self.bias is None else np.asarray(self.bias).item()
        result = self.output[i, j].item()
        assert np.isclose(total + (bias or 0), result)  # the scatter story is the engine's
        return TransposedStep((i, j), contributions, bias, result)

    def stamps(self) -> list[dict[str, Any]]:
        """Return the scatter view: per input cell, where its scaled kernel lands in the output."""
        stamps: dict[tuple[int, int], list[dict[str, Any]]] = {}
        for out_i, out_j, c in self._all_contributions():
            stamps.setdefault((c.row, c.col), []).append(
                {"i": out_i, "j": out_j, "a": c.a, "b": c.b, "product": jsonable(c.product)}
            )
        return [
            {"row": r, "col": c, "value": jsonable(self.input[r, c]), "cells": cells}
            for (r, c), cells in sorted(stamps.items())
        ]

    def gather(self) -> ConvTrace:
        """Return the same output as an ordinary convolution's trace over the spread input.

        Raises
        ------
        ValueError
            When ``padding`` exceeds ``d(k − 1)``: the gather input would need negative padding.
        """
        (s_r, s_c), (d_r, d_c) = self.spec.stride, self.spec.dilation
        border = (
            d_r * (self.weight.shape[0] - 1) - self.spec.padding[0],
            d_c * (self.weight.shape[1] - 1) - self.spec.padding[1],
        )
        if min(border) < 0:
            raise ValueError(
                f"padding {self.spec.padding} is more than dilation × (kernel − 1); the gather "
                "view would need negative padding"
            )
        spread = np.zeros(
            ((self.input.shape[0] - 1) * s_r + 1, (self.input.shape[1] - 1) * s_c + 1),
            dtype=self.input.dtype,
        )
        spread[::s_r, ::s_c] = self.input
        extra_r, extra_c = self.spec.output_padding
        padding = ((border[0], border[0] + extra_r), (border[1], border[1] + extra_c))
        gathered = trace(
            spread, self.weight, self.bias, padding=padding, dilation=self.spec.dilation, flip=True
        )
        assert np.allclose(gathered.output, self.output)  # both views tell the engine's numbers
        return gathered

    def _all_contributions(self) -> list[tuple[int, int, Contribution]]:
        (s_r, s_c), (d_r, d_c) = self.spec.stride, self.spec.dilation
        top, left = self.spec.padding
        rows, cols = self.output.shape
        found = []
        for (r, c), value in np.ndenumerate(self.input):
            for (a, b), weight in np.ndenumerate(self.weight):
                i, j = r * s_r + a * d_r - top, c * s_c + b * d_c - left
                if 0 <= i < rows and 0 <= j < cols:
                    found.append(
                        (
                            i,
                            j,
                            Contribution(
                                r, c, a, b, value.item(), weight.item(), (value * weight).item()
                            ),
                        )
                    )
        return found

    def to_json(self) -> dict[str, Any]:
        """Return input, kernel, output, every step and the scatter stamps as JSON-able data."""
        return {
            "input": jsonable(self.input),
            "weight": jsonable(self.weight),
            "output": jsonable(self.output),
            "spec": {
                "stride": list(self.spec.stride),
                "padding": list(self.spec.padding),
                "output_padding": list(self.spec.output_padding),
                "dilation": list(self.spec.dilation),
            },
            "steps": [self.at(i, j).to_json() for i, j in np.ndindex(*self.output.shape)],
            "stamps": self.stamps(),
        }


def trace_transposed(
    input: ArrayLike,
    weight: ArrayLike,
    bias: ArrayLike | None = None,
    stride: Size = 1,
    padding: PaddingArg = 0,
    output_padding: Size = 0,
    dilation: Size = 1,
) -> TransposedTrace:
    """Return a :class:`TransposedTrace` of a 2-D input and a 2-D kernel.

    Examples
    --------
    >>> trace_transposed([[1, 2]], [[1, 1]], stride=2).at(0, 2).sum_text()
    '2×1 = 2'
    """
    x = as_numeric_array(input, "input")
    w = as_numeric_array(weight, "weight")
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(
            f"trace_transposed explains a 2-D input with a 2-D kernel; got shapes {x.shape} "
            f"and {w.shape} (use convscope.conv_transpose2d for channels and batches)"
        )
    spec = TransposeSpec.create(stride, padding, output_padding, 1, dilation)
    return TransposedTrace(x, w, bias, spec)
