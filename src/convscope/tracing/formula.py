"""One output cell as a formula: ``y₀₀ = w₀₀·x₀₀ + w₀₁·x₀₁ + … + b``, numbers on demand.

A :class:`Formula` is built from a traced step, never from a template: each :class:`Term` is one
product the engine's trace holds, named by the weight's and the input cell's indices (counting
from 0, as the arrays do). A tap in zero padding is the term ``w·0``; a tap in ``reflect``,
``replicate`` or ``circular`` padding names the input cell whose value the padding copied, so
the formula still reads as products of input cells. With several input channels the channel
comes first in both names (``w₁₀₂·x₁₃₄``), and indices are split by commas once one of them
has two digits (``x₀,₁₁,₁₀``); a signal's formula (``one_d=True``) has one index.

:meth:`Formula.symbolic` is the formula in names, :meth:`Formula.substituted` the same sum with
the numbers put in, and :meth:`Formula.evaluate` adds the terms up again, which the tests compare
with the engine's output for every cell.

Examples
--------
>>> from convscope import trace
>>> traced = trace([[1, 2, 3], [4, 5, 6]], [[1, -1]], padding=((0, 0), (1, 0)))
>>> print(formula_of(traced, 0, 0).symbolic())
y₀₀ = w₀₀·0 + w₀₁·x₀₀
>>> print(formula_of(traced, 0, 0).substituted())
y₀₀ = 1·0 + (−1)·1 = −1
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine._grad_views import source_cells
from .numbers import factor_text, format_number, jsonable
from .step import ConvTrace
from .transposed import TransposedStep

_SUBSCRIPTS = str.maketrans("0123456789-", "₀₁₂₃₄₅₆₇₈₉₋")


@dataclass(frozen=True)
class Term:
    """One product of a formula: a weight times an input cell (or a zero of the padding).

    Attributes
    ----------
    weight : tuple of int
        The weight's indices as the formula names them, e.g. ``(0, 2)``.
    cell : tuple of int or None
        The input cell's indices, or ``None`` for a zero the padding added.
    weight_value, cell_value : int or float
        The numbers the term multiplies.
    padded : bool
        Whether the tap fell in the padding (the cell then names the cell the padding copied).
    """

    weight: tuple[int, ...]
    cell: tuple[int, ...] | None
    weight_value: int | float
    cell_value: int | float
    padded: bool

    def symbol(self) -> str:
        """Return the term in names: ``'w₀₂·x₁₃'``, or ``'w₀₀·0'`` for a zero of the padding."""
        cell = "0" if self.cell is None else "x" + _subscript(self.cell)
        return f"w{_subscript(self.weight)}·{cell}"

    def numbers(self) -> str:
        """Return the term with its numbers: ``'(−1)·40'``."""
        return f"{factor_text(self.weight_value)}·{factor_text(self.cell_value)}"

    def to_json(self) -> dict[str, Any]:
        """Return the term as JSON-able data."""
        return {
            "weight": list(self.weight),
            "cell": None if self.cell is None else list(self.cell),
            "weight_value": jsonable(self.weight_value),
            "cell_value": jsonable(self.cell_value),
            "padded": self.padded,
            "symbol": self.symbol(),
            "numbers": self.numbers(),
        }


@dataclass(frozen=True)
class Formula:
    """An output cell's formula: its name, its terms, the bias and the engine's result."""

    output: tuple[int, ...]
    terms: tuple[Term, ...]
    bias: int | float | None
    result: int | float

    def symbolic(self) -> str:
        """Return ``'y₀₀ = w₀₀·x₀₀ + w₀₁·x₀₁ + b'`` (``+ b`` only with a bias)."""
        parts = [term.symbol() for term in self.terms] or ["0"]
        if self.bias is not None:
            parts.append("b")
        return f"{self._name()} = {' + '.join(parts)}"

    def substituted(self) -> str:
        """Return the same sum with the numbers in and the engine's result after ``=``."""
        parts = [term.numbers() for term in self.terms] or ["0"]
        if self.bias is not None:
            parts.append(factor_text(self.bias))
        return f"{self._name()} = {' + '.join(parts)} = {format_number(self.result)}"

    def evaluate(self) -> int | float:
        """Return the terms multiplied and added again, plus the bias (a check on the trace)."""
        total: int | float = sum(term.weight_value * term.cell_value for term in self.terms)
        return total + (self.bias or 0)

    def to_json(self) -> dict[str, Any]:
        """Return the formula as JSON-able data, both texts included."""
        return {
            "output": list(self.output),
            "terms": [term.to_json() for term in self.terms],
            "bias": jsonable(self.bias),
            "result": jsonable(self.result),
            "symbolic": self.symbolic(),
            "substituted": self.substituted(),
        }

    def _name(self) -> str:
        return "y" + _subscript(self.output)


def formula_of(
    traced: ConvTrace, i: int, j: int, *, n: int = 0, c_out: int = 0, one_d: bool = False
) -> Formula:
    """Return the formula of output ``(n, c_out, i, j)`` of a traced convolution.

    Parameters
    ----------
    traced : ConvTrace
        From :func:`convscope.trace`.
    i, j, n, c_out : int
        The output cell, as :meth:`ConvTrace.at` takes it.
    one_d : bool
        Name cells and weights by their column only: a signal traced as one row.
    """
    step = traced.at(i, j, n=n, c_out=c_out)
    sources = _padding_sources(traced)
    several = len(step.channels) > 1
    terms = []
    for c, channel in enumerate(step.channels):
        for a, row in enumerate(step.rows):
            for b, col in enumerate(step.cols):
                padded = bool(step.is_padding[a, b])
                cell: tuple[int, ...] | None = (row, col)
                if padded:
                    cell = None if sources is None else (sources[0][row], sources[1][col])
                weight: tuple[int, ...] = (b,) if one_d else (a, b)
                if one_d and cell is not None:
                    cell = cell[1:]
                if several:
                    weight = (c, *weight)
                    cell = None if cell is None else (channel, *cell)
                terms.append(
                    Term(
                        weight=weight,
                        cell=cell,
                        weight_value=step.kernel[c, a, b].item(),
                        cell_value=step.window[c, a, b].item(),
                        padded=padded,
                    )
                )
    output = step.index[-1:] if one_d else step.index[-2:]
    return Formula(output, tuple(terms), step.bias, step.result)


def _padding_sources(traced: ConvTrace) -> tuple[dict[int, int], dict[int, int]] | None:
    # For each row and column a tap can reach (in the input's coordinates, negative in the
    # padding), the input row or column the padding copied there; None for zero padding.
    if traced.spec.padding_mode == "zeros":
        return None
    (top, bottom), (left, right) = traced.padding
    rows = traced.padded_input.shape[2] - top - bottom
    cols = traced.padded_input.shape[3] - left - right
    mode = traced.spec.padding_mode
    row_sources = source_cells(rows, (top, bottom), mode)
    col_sources = source_cells(cols, (left, right), mode)
    assert row_sources is not None and col_sources is not None
    return (
        {k - top: int(v) for k, v in enumerate(row_sources)},
        {k - left: int(v) for k, v in enumerate(col_sources)},
    )


def transposed_formula_of(step: TransposedStep) -> Formula:
    """Return the formula of a transposed convolution's output cell: each input cell that lands
    on it times the kernel weight it lands with (``y₂₁ = w₁₀·x₀₀ + w₀₁·x₁₀``)."""
    terms = tuple(
        Term((c.a, c.b), (c.row, c.col), c.weight, c.value, False) for c in step.contributions
    )
    return Formula(step.index, terms, step.bias, step.result)


def _subscript(indices: tuple[int, ...]) -> str:
    text = ("," if any(k > 9 or k < 0 for k in indices) else "").join(str(k) for k in indices)
    return text.translate(_SUBSCRIPTS)
