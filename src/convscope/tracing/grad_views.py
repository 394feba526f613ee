"""Renderings of one gradient step: plain text, Markdown, HTML and Rich, from one set of rows.

Every rendering reads :func:`rows`: for each product of the sum, which output cell's gradient
it carries, the input cell or weight it multiplies (padding named, with the cell it copies)
and the product, all as text written the way a person writes numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .numbers import format_number, sum_terms
from .step_views import _environment, stylesheet

if TYPE_CHECKING:
    from rich.table import Table

    from .grad_step import GradStep, GradTerm


@dataclass(frozen=True)
class Row:
    """One product of a gradient's sum, as text."""

    output: str
    grad_output: str
    factor_name: str
    factor: str
    product: str


def rule(step: GradStep) -> str:
    """Return the sentence saying what is summed."""
    if step.wrt == "weight":
        return (
            f"the sum, over the {len(step.terms)} output positions, of ∂L/∂output there × "
            "the input cell this weight touched:"
        )
    return (
        f"the sum, over the {len(step.terms)} (output cell, weight) pairs whose window "
        "covered this cell, of ∂L/∂output × the weight on it (the transposed convolution):"
    )


def rows(step: GradStep) -> list[Row]:
    """Return one :class:`Row` per product of the step's sum."""
    return [_row(step, term) for term in step.terms]


def _row(step: GradStep, term: GradTerm) -> Row:
    position = term.output[len(term.output) - step.output_axes :]
    cell = f"input[{term.cell[0]}, {term.cell[1]}]"
    if term.copies is not None:
        cell += f" (padding, a copy of input[{term.copies[0]}, {term.copies[1]}])"
    elif term.in_padding:
        cell += " (zero padding)"
    tap = f"weight[{term.tap[0]}, {term.tap[1]}]"
    return Row(
        output=f"output[{', '.join(str(k) for k in position)}]",
        grad_output=format_number(term.grad_output),
        factor_name=cell if step.wrt == "weight" else f"{tap} at {cell}",
        factor=format_number(term.factor),
        product=format_number(term.product),
    )


def total_line(step: GradStep) -> str:
    """Return ``'2 + 0 + 0 + 12 = 14'``: the products added up."""
    if not step.terms:
        return f"no output cell reaches this cell = {format_number(step.result)}"
    return f"{sum_terms(t.product for t in step.terms)} = {format_number(step.result)}"


def to_text(step: GradStep) -> str:
    """Return the worked explanation: what is summed, one line per product, the total."""
    lines = [f"{step.label} = {format_number(step.result)}", rule(step)]
    for row in rows(step):
        lines.append(
            f"  {row.output}: ∂L/∂output {row.grad_output} × {row.factor_name} {row.factor} "
            f"= {row.product}"
        )
    if step.terms:
        lines.append(f"  sum: {sum_terms(t.product for t in step.terms)}")
    lines.append(f"  = {format_number(step.result)}")
    return "\n".join(lines)


def _factor_header(step: GradStep) -> str:
    return "input cell" if step.wrt == "weight" else "weight (at the input cell)"


def to_markdown(step: GradStep) -> str:
    """Return a Markdown fragment: the answer, the rule, a table of the products, the sum."""
    lines = [
        f"**{step.label} = {format_number(step.result)}**",
        "",
        rule(step),
        "",
        f"| output | ∂L/∂output | {_factor_header(step)} | value | product |",
        "| --- | ---: | --- | ---: | ---: |",
    ]
    for row in rows(step):
        lines.append(
            f"| {row.output} | {row.grad_output} | {row.factor_name} | {row.factor} "
            f"| {row.product} |"
        )
    lines.extend(["", f"Sum: {total_line(step)}"])
    return "\n".join(lines) + "\n"


def to_html(step: GradStep, *, with_style: bool = False) -> str:
    """Return an HTML fragment styled only by ``cs-*`` classes (``grad_step.html``)."""
    template = _environment().get_template("grad_step.html")
    return template.render(
        step=step,
        result=format_number(step.result),
        rule=rule(step),
        factor_header=_factor_header(step),
        rows=rows(step),
        total=total_line(step),
        style=stylesheet() if with_style else None,
    )


def rich_table(step: GradStep) -> Table:
    """Return the products as a Rich table, the sum as its caption."""
    from rich.table import Table

    table = Table(
        caption=f"sum: {total_line(step)}",
        box=None,
        padding=(0, 1),
    )
    for name, justify in (
        ("output", "left"),
        ("∂L/∂output", "right"),
        (_factor_header(step), "left"),
        ("value", "right"),
        ("product", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for row in rows(step):
        table.add_row(row.output, row.grad_output, row.factor_name, row.factor, row.product)
    return table
