"""Renderings of one :class:`~convscope.tracing.step.Step`: plain text, Markdown and HTML.

All three are built from the same small model — for each input channel a window, a kernel and
a products grid of :class:`Cell` — so they always tell the same story. The Rich rendering for
the terminal lives in :mod:`convscope.tracing.rich_view` and uses the same model.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from .numbers import MINUS, format_number, is_negative, sum_expression

if TYPE_CHECKING:
    import jinja2

    from .step import Step

PAD_MARK = "†"
# Grids show fewer digits than the sum lines: a person copies 0.1111 into a grid, and narrow
# columns keep three grids side by side in an 80-column terminal.
GRID_DIGITS = 4
Sign = Literal["pos", "neg", "zero"]

_MODE_FILL = {
    "zeros": "filled with 0",
    "reflect": "mirrored from the input (edge not repeated)",
    "replicate": "copied from the nearest edge cell",
    "circular": "wrapped around from the opposite edge",
}


@dataclass(frozen=True)
class Cell:
    """One number of a grid, with what a rendering needs to mark it."""

    text: str
    is_padding: bool
    sign: Sign


@dataclass(frozen=True)
class Grid:
    """One labelled grid: ``name`` is ``window``, ``kernel`` or ``products``."""

    name: str
    row_labels: list[str]
    col_labels: list[str]
    cells: list[list[Cell]]


def grids(step: Step, channel: int) -> tuple[Grid, Grid, Grid]:
    """Return the window, kernel and products grids of one input channel of ``step``."""
    rows = [format_number(r) for r in step.rows]
    cols = [format_number(c) for c in step.cols]
    taps_rows = [str(a) for a in range(step.kernel.shape[1])]
    taps_cols = [str(b) for b in range(step.kernel.shape[2])]
    no_padding = np.zeros_like(step.is_padding)
    return (
        Grid("window", rows, cols, _cells(step.window[channel], step.is_padding)),
        Grid("kernel", taps_rows, taps_cols, _cells(step.kernel[channel], no_padding)),
        Grid("products", taps_rows, taps_cols, _cells(step.products[channel], step.is_padding)),
    )


def _cells(values: Any, padding: Any) -> list[list[Cell]]:
    return [
        [
            Cell(format_number(v, digits=GRID_DIGITS), bool(p), _sign(v))
            for v, p in zip(row, pad_row, strict=True)
        ]
        for row, pad_row in zip(values, padding, strict=True)
    ]


def _sign(value: Any) -> Sign:
    if is_negative(value):
        return "neg"
    return "zero" if value == 0 else "pos"


def channel_title(step: Step, channel: int) -> str | None:
    """Return ``'channel 2'`` when the window has several channels or is not channel 0."""
    if step.channels == (0,):
        return None
    return f"channel {step.channels[channel]}"


def where(step: Step) -> str:
    """Return the input cells the kernel covers, e.g. ``'input rows 0–2; columns 0–2'``."""
    image = f"image {step.n}, " if step.n else ""
    return f"{image}input rows {_span(step.rows)}; columns {_span(step.cols)}"


def _span(positions: list[int]) -> str:
    if len(positions) > 1 and all(b - a == 1 for a, b in itertools.pairwise(positions)):
        dash = "–" if positions[0] >= 0 else " to "
        return f"{format_number(positions[0])}{dash}{format_number(positions[-1])}"
    return ", ".join(format_number(p) for p in positions)


def channel_expressions(step: Step) -> list[str]:
    """Return one ``'1 + 0 + 0 + 4 = 5'`` per input channel: its products and their sum."""
    return [
        sum_expression(products.ravel(), total)
        for products, total in zip(step.products, step.channel_sums, strict=True)
    ]


def sum_expression_of(step: Step) -> str:
    """Return the sum before bias: of the products (one channel) or of the channel sums."""
    if len(step.channels) == 1:
        return channel_expressions(step)[0]
    return sum_expression(step.channel_sums, step.channel_sums.sum())


def bias_expression(step: Step) -> str | None:
    """Return ``'<sum> + <bias> = <result>'``, or ``None`` when there is no bias."""
    if step.bias is None:
        return None
    return sum_expression([step.channel_sums.sum(), step.bias], step.result)


def legend(step: Step) -> str | None:
    """Return the line explaining the padding mark, or ``None`` when no tap is padding."""
    if not step.is_padding.any():
        return None
    fill = _MODE_FILL.get(step.padding_mode, f"set by padding_mode={step.padding_mode!r}")
    return f"{PAD_MARK} padding: outside the input, {fill} (padding_mode={step.padding_mode!r})"


def summary_lines(step: Step) -> list[str]:
    """Return the closing lines: per-channel sums, the sum, the bias, ``→ output[...] = …``."""
    lines: list[str] = []
    if len(step.channels) > 1:
        for channel, text in zip(step.channels, channel_expressions(step), strict=True):
            lines.append(f"Channel {channel}: {text}")
    lines.append(f"Sum = {sum_expression_of(step)}")
    bias = bias_expression(step)
    if bias is not None:
        lines.append(f"Plus bias: {bias}")
    lines.append(f"→ {step.label} = {format_number(step.result)}")
    return lines


# --- plain text -------------------------------------------------------------------------------


def _grid_lines(grid: Grid) -> list[str]:
    marked = any(cell.is_padding for row in grid.cells for cell in row)
    texts = [[_cell_text(cell, marked) for cell in row] for row in grid.cells]
    width = max(len(text) for row in texts for text in row)
    lines = ["  ".join(text.rjust(width) for text in row) for row in texts]
    total = max(len(lines[0]), len(grid.name))
    return [grid.name.ljust(total), *(line.rjust(total) for line in lines)]


def _cell_text(cell: Cell, marked: bool) -> str:
    if not marked:
        return cell.text
    return cell.text + (PAD_MARK if cell.is_padding else " ")


def grids_text(step: Step, channel: int) -> list[str]:
    """Return the lines showing ``window × kernel = products`` side by side."""
    columns = [_grid_lines(grid) for grid in grids(step, channel)]
    middle = len(columns[0]) // 2
    lines = []
    for row, (window, kernel, products) in enumerate(zip(*columns, strict=True)):
        times, equals = ("×", "=") if row == middle else (" ", " ")
        lines.append(f"  {window}   {times}   {kernel}   {equals}   {products}".rstrip())
    return lines


def to_text(step: Step) -> str:
    """Return the worked calculation of ``step`` as plain text for a terminal or a log."""
    lines = [f"{step.label} = {format_number(step.result)}   ({where(step)})", ""]
    for channel in range(len(step.channels)):
        title = channel_title(step, channel)
        if title is not None:
            lines.append(title.capitalize())
        lines.extend([*grids_text(step, channel), ""])
    note = legend(step)
    if note is not None:
        lines.extend([note, ""])
    return "\n".join([*lines, *summary_lines(step)])


# --- Markdown ---------------------------------------------------------------------------------


def to_markdown(step: Step) -> str:
    """Return a Markdown fragment: a heading line, the grids in a text block, the sums."""
    blocks = [f"**{step.label} = {format_number(step.result)}** ({where(step)})"]
    for channel in range(len(step.channels)):
        title = channel_title(step, channel)
        if title is not None:
            blocks.append(f"*{title.capitalize()}*")
        blocks.append("```text\n" + "\n".join(grids_text(step, channel)) + "\n```")
    note = legend(step)
    if note is not None:
        blocks.append(f"*{note}*")
    lines = summary_lines(step)
    lines[-1] = f"→ {step.label} = **{format_number(step.result)}**"
    return "\n\n".join([*blocks, "  \n".join(lines)]) + "\n"


# --- HTML -------------------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    import jinja2  # only HTML needs it; keeps `import convscope` light

    return jinja2.Environment(
        loader=jinja2.PackageLoader("convscope.tracing", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


@cache
def stylesheet() -> str:
    """Return the CSS that styles the ``cs-*`` classes of :func:`to_html` (colours as variables)."""
    return resources.files("convscope.tracing").joinpath("templates", "step.css").read_text()


def to_html(step: Step, *, with_style: bool = False) -> str:
    """Return the worked calculation as an HTML fragment using ``cs-*`` classes, no inline colours.

    ``with_style=True`` prepends a ``<style>`` element, for places without the convscope
    stylesheet such as a Jupyter notebook.
    """
    channels = [
        {"title": channel_title(step, channel), "grids": grids(step, channel)}
        for channel in range(len(step.channels))
    ]
    template = _environment().get_template("step.html")
    return template.render(
        step=step,
        result=format_number(step.result),
        where=where(step),
        channels=channels,
        legend=legend(step),
        lines=summary_lines(step)[:-1],
        pad_mark=PAD_MARK,
        minus=MINUS,
        style=stylesheet() if with_style else None,
    )
