"""The Rich rendering of a :class:`~convscope.tracing.step.Step`, for ``convscope explain``.

It draws the same grids as :mod:`convscope.tracing.step_views` (one model, several looks): window,
kernel and products side by side, padded cells dim and marked with †, negative products red and
positive ones green, then the sums with the result in bold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, ConsoleOptions, Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .numbers import format_number
from .step_views import PAD_MARK, Grid, channel_title, grids, legend, summary_lines, where

if TYPE_CHECKING:
    from .step import Step

_UNLIMITED = 10_000  # a width no grid reaches, to measure a layout's natural width

# One style per role; the web page's CSS custom properties carry the same roles.
STYLES = {
    "title": "bold",
    "where": "dim",
    "padding": "dim italic",
    "pos": "green",
    "neg": "red",
    "zero": "",
    "operator": "bold",
    "result": "bold cyan",
    "legend": "dim italic",
}


def grid_table(grid: Grid, *, colour_signs: bool) -> Table:
    """Return one grid as a Rich table captioned with its name, padded cells marked."""
    table = Table(title=grid.name, box=box.ROUNDED, show_header=False, padding=(0, 1))
    for _ in grid.col_labels:
        table.add_column(justify="right")
    for row in grid.cells:
        texts = []
        for cell in row:
            style = STYLES[cell.sign] if colour_signs else ""
            if cell.is_padding:
                texts.append(Text(cell.text + PAD_MARK, style=f"{style} {STYLES['padding']}"))
            else:
                texts.append(Text(cell.text, style=style))
        table.add_row(*texts)
    return table


def grids_row(
    step: Step, channel: int, console: Console, options: ConsoleOptions
) -> RenderableType:
    """Return ``window × kernel = products`` side by side, or stacked when too wide to fit."""
    window, kernel, products = grids(step, channel)
    tables = (
        grid_table(window, colour_signs=False),
        grid_table(kernel, colour_signs=False),
        grid_table(products, colour_signs=True),
    )
    layout = Table.grid(padding=(0, 1))
    for _ in range(5):
        layout.add_column(vertical="middle")
    layout.add_row(tables[0], _operator("×"), tables[1], _operator("="), tables[2])
    natural = console.measure(layout, options=options.update_width(_UNLIMITED)).maximum
    if natural <= options.max_width:
        return layout
    # Squeezed side by side, the numbers would turn into "…"; one under the other they stay whole.
    times, equals = (Text(symbol, style=STYLES["operator"]) for symbol in "×=")
    return Group(tables[0], times, tables[1], equals, tables[2])


def _operator(symbol: str) -> Padding:
    # The grids' title line sits above their top border; one blank line above the operator
    # keeps it level with the middle row rather than a row higher.
    return Padding(Text(symbol, style=STYLES["operator"]), (1, 0, 0, 0))


def step_renderables(step: Step, console: Console, options: ConsoleOptions) -> list[RenderableType]:
    """Return what ``Console.print(step)`` shows, top to bottom."""
    heading = Text.assemble(
        (f"{step.label} = {format_number(step.result)}", STYLES["title"]),
        (f"   {where(step)}", STYLES["where"]),
    )
    parts: list[RenderableType] = [heading]
    for channel in range(len(step.channels)):
        title = channel_title(step, channel)
        if title is not None:
            parts.append(Text(title.capitalize(), style=STYLES["title"]))
        parts.append(grids_row(step, channel, console, options))
    note = legend(step)
    if note is not None:
        parts.append(Text(note, style=STYLES["legend"]))
    lines = summary_lines(step)
    parts.extend(Text(line) for line in lines[:-1])
    parts.append(Text(lines[-1], style=STYLES["result"]))
    return [Group(*parts)]
