"""One gradient number as data: :class:`GradStep`, the sum, and :class:`GradTerm`, its products.

:mod:`convscope.tracing.grad` builds these from the engine's arrays; the renderings
(text, Markdown, HTML, Rich) live in :mod:`convscope.tracing.grad_views`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import grad_views
from .numbers import factor_text, format_number, jsonable

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

Wrt = Literal["weight", "input"]


@dataclass(frozen=True)
class GradTerm:
    """One product of a gradient's sum: ``grad_output[output] × factor``.

    Attributes
    ----------
    output : (int, int, int, int)
        The output cell ``(n, c_out, i, j)`` whose gradient this term carries.
    tap : (int, int)
        The kernel cell ``(a, b)`` as given (before any flip).
    cell : (int, int)
        The input position the tap met, in the input's coordinates: negative or past the
        edge when it lies in the padding.
    in_padding : bool
        Whether that position lies in the padding.
    copies : (int, int) or None
        For a padding cell of ``reflect``/``replicate``/``circular``, the input cell it copies.
    grad_output, factor, product : int or float
        The output's gradient; the input cell's value (weight view) or the weight (input
        view); their product.
    """

    output: tuple[int, int, int, int]
    tap: tuple[int, int]
    cell: tuple[int, int]
    in_padding: bool
    copies: tuple[int, int] | None
    grad_output: int | float
    factor: int | float
    product: int | float

    def to_json(self) -> dict[str, Any]:
        """Return the term as JSON-able data."""
        return {
            "output": list(self.output),
            "tap": list(self.tap),
            "cell": list(self.cell),
            "in_padding": self.in_padding,
            "copies": None if self.copies is None else list(self.copies),
            "grad_output": jsonable(self.grad_output),
            "factor": jsonable(self.factor),
            "product": jsonable(self.product),
        }


@dataclass(frozen=True, eq=False)
class GradStep:
    """One gradient number and the products it sums.

    Attributes
    ----------
    wrt : {'weight', 'input'}
        Which gradient this number belongs to.
    index : tuple of int
        Its position in the gradient array the engine returns (the weight's or the input's
        shape as the caller gave it).
    terms : tuple of GradTerm
        Every product of the sum, in the order ``n, c_out, i, j``.
    result : int or float
        The engine's number, equal to the sum of the products.
    output_axes : int
        How many axes the caller's output has; the text names output cells that way.
    """

    wrt: Wrt
    index: tuple[int, ...]
    terms: tuple[GradTerm, ...]
    result: int | float
    output_axes: int = 4

    @property
    def label(self) -> str:
        """Return e.g. ``'∂L/∂weight[0, 2]'``."""
        return f"∂L/∂{self.wrt}[{', '.join(str(k) for k in self.index)}]"

    def sum_text(self) -> str:
        """Return the sum as a person writes it: ``'1×30 + 1×40 = 70'``."""
        if not self.terms:
            return f"no output cell reaches this {self.wrt} cell = 0"
        products = " + ".join(
            f"{factor_text(t.grad_output)}×{factor_text(t.factor)}" for t in self.terms
        )
        return f"{products} = {format_number(self.result)}"

    def to_text(self) -> str:
        """Return the worked explanation: what is summed, one line per product, the total."""
        return grad_views.to_text(self)

    def to_markdown(self) -> str:
        """Return the explanation as a Markdown fragment with a table of the products."""
        return grad_views.to_markdown(self)

    def to_html(self) -> str:
        """Return the explanation as an HTML fragment styled only by ``cs-*`` classes."""
        return grad_views.to_html(self)

    def _repr_html_(self) -> str:
        return grad_views.to_html(self, with_style=True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        from rich.text import Text

        yield Text(f"{self.label} = {format_number(self.result)}", style="bold")
        yield grad_views.rule(self)
        yield grad_views.rich_table(self)

    def to_json(self) -> dict[str, Any]:
        """Return the step as JSON-able data."""
        return {
            "wrt": self.wrt,
            "index": list(self.index),
            "label": self.label,
            "terms": [term.to_json() for term in self.terms],
            "result": jsonable(self.result),
            "sum_text": self.sum_text(),
        }

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return f"<GradStep {self.label} = {format_number(self.result)}>"
