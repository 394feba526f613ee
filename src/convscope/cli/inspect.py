"""``convscope inspect``: a model's layers, output sizes with their formulas, receptive fields,
parameters and multiply-accumulates, for one input size.

MODEL is a stack description (inline or a file), ``package.module:factory`` naming a PyTorch
module, or an ONNX file; the grammar is in docs/inspect.md. Bad input ends with a one-line
message naming the layer and exit status 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..inspection import Inspection, ModelProblem, Row, inspect_model, parse_input_size
from ..inspection.report import pair_text, shape_text
from . import app


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command("inspect")
def inspect(
    model: Annotated[
        str,
        typer.Argument(
            help="A stack description ('conv 3 64 7 s2 p3; bn; relu; maxpool 3 s2 p1'), a file "
            "holding one, package.module:factory for a PyTorch module, or a .onnx file."
        ),
    ],
    input_size: Annotated[
        str, typer.Option("--input-size", help="Input rows and columns: N or H,W.")
    ],
    channels: Annotated[
        int | None,
        typer.Option(help="Input channels; default: the first convolution's.", min=1),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the table as JSON on stdout.")
    ] = False,
    html: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML page of it here.")
    ] = None,
) -> None:
    """Show each layer's output size (formula filled in), receptive field, parameters, MACs."""
    if html is not None and not html.parent.is_dir():
        raise _fail(f"--html: folder {str(html.parent)!r} does not exist")
    try:
        inspection = inspect_model(model, parse_input_size(input_size), channels)
    except ModelProblem as error:
        raise _fail(str(error)) from None
    if html is not None:
        html.write_text(inspection.to_html(), encoding="utf-8")
    if as_json:
        typer.echo(inspection.to_json())
        return
    console = Console()
    console.print(table(inspection))
    for warning in inspection.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))
    if html is not None:
        console.print(Text(f"wrote {html}"))


def table(inspection: Inspection) -> Table:
    """Return the Rich table ``convscope inspect`` prints; names are shown as plain text."""
    grid = Table(
        title=f"{shape_text(inspection.input_shape)} input, from a {inspection.source}",
        show_footer=True,
    )
    grid.add_column("#", justify="right")
    grid.add_column("layer", footer="total", min_width=7)
    grid.add_column("output", footer=shape_text(inspection.output_shape))
    grid.add_column("⌊(n + 2p − k)/s⌋ + 1", min_width=12)
    grid.add_column("field (jump)", min_width=9)
    grid.add_column("params", footer=f"{inspection.params:,}", justify="right", no_wrap=True)
    grid.add_column("MACs", footer=f"{inspection.macs:,}", justify="right", no_wrap=True)
    for row in inspection.rows:
        grid.add_row(
            str(row.index),
            Text(row.name + (f"\n← {', '.join(row.inputs)}" if row.inputs else "")),
            shape_text(row.output_shape),
            _size_cell(row),
            f"{pair_text(row.field_size)} ({pair_text(row.field_jump)})" if row.field_size else "—",
            f"{row.params:,}",
            f"{row.macs:,}",
        )
    return grid


def _size_cell(row: Row) -> Text:
    formulas = row.formulas
    if not formulas:
        return Text("")
    cell = Text(
        formulas[0] if formulas[0] == formulas[1] else f"rows {formulas[0]}\ncols {formulas[1]}"
    )
    if row.dropped != (0, 0):
        real = row.dropped_input != (0, 0)
        note = f"\ndrops {pair_text(row.dropped)}"
        note += f" ({pair_text(row.dropped_input)} of input)" if real else " of padding"
        cell.append(note, style="yellow" if real else "dim")
    return cell
