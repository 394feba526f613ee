"""``convscope explain``: the hand calculation behind one output number, in the terminal.

With no options it explains the chapter's example, the 5×5 gradient under Sobel X at (0, 0);
every option changes one thing (the input, the kernel, the position, the hyper-parameters).
Bad input ends with a one-line message in the engine's own words and exit status 2.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from numpy.typing import NDArray
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from .. import kernels
from ..engine.spec import PaddingArg
from ..tracing import ConvTrace, Step, trace
from ..tracing.numbers import format_number
from ..tracing.step_views import where
from . import app

GRADIENT = np.array(
    [
        [10, 20, 30, 40, 50],
        [20, 40, 60, 80, 100],
        [30, 60, 90, 120, 150],
        [40, 80, 120, 160, 200],
        [50, 100, 150, 200, 250],
    ]
)
MAX_ALL_POSITIONS = 1000
MAX_MAP_SIDE = 16
FORMATS = ("rich", "text", "markdown", "html")


class UsageProblem(ValueError):
    """A command-line value that cannot be read; its message is shown as is."""


def parse_array(text: str, name: str) -> NDArray[Any]:
    """Return the array written in ``text``: a nested list, or a ``.npy``/``.txt``/``.csv`` path."""
    path = Path(text)
    if path.suffix.lower() in {".npy", ".txt", ".csv"}:
        if not path.is_file():
            raise UsageProblem(f"{name}: no file {text!r}")
        return _load_file(path)
    try:
        value = ast.literal_eval(text.replace("\N{MINUS SIGN}", "-"))
    except (ValueError, SyntaxError):
        raise UsageProblem(
            f"{name} must be a nested list like '[[1, 2], [3, 4]]' or a path to a .npy, .txt "
            f"or .csv file; got {text!r}"
        ) from None
    return np.asarray(value)


def _load_file(path: Path) -> NDArray[Any]:
    if path.suffix.lower() == ".npy":
        return np.asarray(np.load(path, allow_pickle=False))
    delimiter = "," if path.suffix.lower() == ".csv" or "," in path.read_text() else None
    values = np.loadtxt(path, delimiter=delimiter, ndmin=2)
    # A grid typed by hand as whole numbers should stay integers, so sums read 160, not 160.0.
    if np.isfinite(values).all() and (values == np.round(values)).all():
        return values.astype(np.int64)
    return values


def parse_kernel(text: str) -> tuple[NDArray[Any], str]:
    """Return the kernel's values and a title: a catalog name (``sobel_x``) or literal values."""
    stripped = text.strip()
    if stripped[:1] in "[(" or Path(stripped).suffix.lower() in {".npy", ".txt", ".csv"}:
        values = parse_array(stripped, "--kernel")
        return values, "kernel"
    kernel = kernels.get(stripped)
    return kernel.values, kernel.title


def parse_ints(text: str, name: str, counts: tuple[int, ...]) -> tuple[int, ...]:
    """Return the comma-separated ints in ``text`` (``'1,2'``), checking how many there are."""
    try:
        values = tuple(int(part) for part in text.replace("\N{MINUS SIGN}", "-").split(","))
    except ValueError:
        values = ()
    if len(values) not in counts:
        spelled = " or ".join(",".join(["N"] * count) for count in counts)
        raise UsageProblem(f"{name} takes {spelled} (whole numbers), got {text!r}")
    return values


def parse_padding(text: str) -> PaddingArg:
    """Return ``--padding`` as the engine takes it: an int, a pair or a rule name."""
    if text.strip().lower() in {"valid", "same", "full"}:
        return text.strip().lower()
    values = parse_ints(text, "--padding", (1, 2, 4))
    if len(values) == 4:
        return ((values[0], values[1]), (values[2], values[3]))
    return values[0] if len(values) == 1 else values


def _one_or_pair(values: tuple[int, ...]) -> int | tuple[int, ...]:
    return values[0] if len(values) == 1 else values


def _position(text: str) -> tuple[int, int, int, int]:
    values = parse_ints(text, "--at", (2, 4))
    if len(values) == 2:
        return (0, 0, values[0], values[1])
    return (values[0], values[1], values[2], values[3])


def _shape(array: NDArray[Any]) -> str:
    return "×".join(str(size) for size in array.shape)


def headline(image: NDArray[Any], kernel: NDArray[Any], title: str, traced: ConvTrace) -> Text:
    """Return the one-line summary: what is convolved with what, and with which settings."""
    spec = traced.spec
    operation = "true convolution (kernel flipped)" if spec.flip else "cross-correlation"
    settings = [f"stride {_pair_text(spec.stride)}", f"padding {_padding_text(traced)}"]
    if spec.dilation != (1, 1):
        settings.append(f"dilation {_pair_text(spec.dilation)}")
    if spec.padding_mode != "zeros":
        settings.append(f"padding_mode {spec.padding_mode}")
    return Text.assemble(
        (f"{_shape(image)} input ⋆ {title} ({_shape(kernel)})", "bold"),
        f" → {_shape(traced.output)} output\n",
        (" · ".join([operation, *settings]), "dim"),
    )


def _pair_text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]},{pair[1]}"


def _padding_text(traced: ConvTrace) -> str:
    (top, bottom), (left, right) = traced.padding
    sides = f"{top},{bottom},{left},{right}"
    if isinstance(traced.spec.padding, str):
        return f"{traced.spec.padding} ({sides})" if top or bottom or left or right else "0"
    return str(top) if top == bottom == left == right else f"{sides} (top, bottom, left, right)"


def grid_table(title: str, values: NDArray[Any], marked: NDArray[np.bool_], padding: Any) -> Table:
    """Return a borderless grid of numbers, ``marked`` cells reversed, padding cells dim with †."""
    table = Table(title=title, show_header=False, box=None, padding=(0, 1), min_width=len(title))
    for _ in range(values.shape[1]):
        table.add_column(justify="right")
    for row, marked_row, padding_row in zip(values, marked, padding, strict=True):
        cells = []
        for value, is_marked, is_padding in zip(row, marked_row, padding_row, strict=True):
            style = ("reverse bold " if is_marked else "") + ("dim" if is_padding else "")
            cells.append(Text(format_number(value) + ("†" if is_padding else ""), style=style))
        table.add_row(*cells)
    return table


def position_maps(console: Console, traced: ConvTrace, step: Step) -> RenderableType:
    """Return the padded input with the window lit, beside the output with the cell lit."""
    padded = traced.padded_input[step.n, step.channels[0]]
    if max(padded.shape) > MAX_MAP_SIDE:
        return Text(f"(maps shown only up to {MAX_MAP_SIDE}×{MAX_MAP_SIDE} cells)", style="dim")
    top, left = traced.pad_offset
    window = np.zeros(padded.shape, dtype=bool)
    window[np.ix_(np.add(step.rows, top), np.add(step.cols, left))] = True
    channel = f", channel {step.channels[0]}" if step.channels != (0,) else ""
    output = traced.output.reshape(traced.output_shape)[step.n, step.c_out]
    lit = np.zeros(output.shape, dtype=bool)
    lit[step.i, step.j] = True
    return _side_by_side(
        console,
        grid_table(f"input{channel}", padded, window, traced.padding_mask),
        grid_table("output", output, lit, np.zeros(output.shape, dtype=bool)),
    )


def _side_by_side(console: Console, left: Table, right: Table) -> RenderableType:
    # Beside each other when they fit the terminal, else one under the other, else a note:
    # a grid cut off by the terminal edge would show "…" instead of numbers.
    widths = [console.measure(table).maximum for table in (left, right)]
    if sum(widths) + 4 <= console.width:
        layout = Table.grid(padding=(0, 4))
        layout.add_row(left, right)
        return layout
    if max(widths) <= console.width:
        return Group(left, Text(), right)
    return Text("(the input and output maps are wider than this terminal)", style="dim")


def every_position(traced: ConvTrace) -> Table:
    """Return one compact row per output number: where, the window, the sum."""
    if len(traced) > MAX_ALL_POSITIONS:
        raise UsageProblem(
            f"--all would print {len(traced):,} positions (more than {MAX_ALL_POSITIONS:,}); "
            "pick one with --at i,j"
        )
    table = Table(box=None, padding=(0, 2), show_edge=False)
    table.add_column("output", style="bold")
    table.add_column("covers", style="dim")
    table.add_column("sum", overflow="fold")
    for step in traced.steps():
        total = step.sum_text() if step.bias is None else step.bias_text()
        table.add_row(step.label, where(step).removeprefix("input "), total)
    return table


def _render(step: Step, output_format: str) -> RenderableType | str:
    if output_format == "text":
        return step.to_text()
    if output_format == "markdown":
        return step.to_markdown()
    if output_format == "html":
        return step.to_html()
    return step


def _explain_gradient(
    console: Console,
    wrt: str,
    arrays: tuple[NDArray[Any], NDArray[Any], str],
    options: dict[str, Any],
    output_format: str,
) -> None:
    from .explain_grad import explain_gradient

    if options["bias"] is not None:
        raise UsageProblem("--bias does not change a weight's or an input's gradient; leave it out")
    arguments = {
        "stride": _one_or_pair(parse_ints(options["stride"], "--stride", (1, 2))),
        "padding": parse_padding(options["padding"]),
        "dilation": _one_or_pair(parse_ints(options["dilation"], "--dilation", (1, 2))),
        "padding_mode": options["padding_mode"],
        "flip": options["flip"],
    }
    position = None if options["all_positions"] else _position(options["at"])
    loss = (options["grad_output"], options["target"])
    explain_gradient(console, wrt, arrays, arguments, loss, position, output_format)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=2)


@app.command()
def explain(
    input: Annotated[
        str | None,
        typer.Option(
            help="Input grid: '[[1,2],[3,4]]' or a .npy/.txt/.csv file. "
            "Default: the chapter's 5×5 gradient."
        ),
    ] = None,
    kernel: Annotated[
        str, typer.Option(help="A catalog name (sobel_x, box_blur, …) or values '[[…]]'.")
    ] = "sobel_x",
    at: Annotated[str, typer.Option(help="Output position 'i,j' (or 'n,c_out,i,j').")] = "0,0",
    stride: Annotated[str, typer.Option(help="Stride: 'N' or 'rows,cols'.")] = "1",
    padding: Annotated[
        str, typer.Option(help="'N', 'rows,cols', 'top,bottom,left,right', valid, same or full.")
    ] = "0",
    padding_mode: Annotated[
        str, typer.Option(help="zeros, reflect, replicate or circular.")
    ] = "zeros",
    dilation: Annotated[str, typer.Option(help="Dilation: 'N' or 'rows,cols'.")] = "1",
    bias: Annotated[float | None, typer.Option(help="A number added after the sum.")] = None,
    flip: Annotated[
        bool, typer.Option("--flip", help="True convolution: rotate the kernel 180°.")
    ] = False,
    all_positions: Annotated[
        bool, typer.Option("--all", help="Every output position, one line each.")
    ] = False,
    output_format: Annotated[
        str, typer.Option("--format", help="rich (default), text, markdown or html.")
    ] = "rich",
    grad: Annotated[
        str | None,
        typer.Option(
            help="Explain a gradient instead: 'weight' (--at a,b or c_out,c_in,a,b picks the "
            "weight) or 'input' (--at row,col or n,c,row,col picks the input cell). The loss "
            "is the sum of the outputs (every ∂L/∂output is 1) unless --target or "
            "--grad-output says otherwise."
        ),
    ] = None,
    grad_output: Annotated[
        str | None, typer.Option(help="With --grad: ∂L/∂output, the output's shape.")
    ] = None,
    target: Annotated[
        str | None,
        typer.Option(
            help="With --grad: a target output; the loss is ½ Σ (output − target)², so "
            "∂L/∂output = output − target."
        ),
    ] = None,
) -> None:
    """Show the hand calculation of one output number: window × kernel = products, then the sum.

    Try: convscope explain --at 1,2 --padding 1 --kernel sobel_y
    """
    console = Console(highlight=False)
    try:
        if output_format not in FORMATS:
            raise UsageProblem(
                f"--format must be one of {', '.join(FORMATS)}, got {output_format!r}"
            )
        image = GRADIENT if input is None else parse_array(input, "--input")
        kernel_values, title = parse_kernel(kernel)
        bias_value = None if bias is None else (int(bias) if bias.is_integer() else bias)
        if grad is not None:
            arrays = (image, kernel_values, title)
            _explain_gradient(console, grad, arrays, locals(), output_format)
            return
        traced = trace(
            image,
            kernel_values,
            bias_value,
            stride=_one_or_pair(parse_ints(stride, "--stride", (1, 2))),
            padding=parse_padding(padding),
            dilation=_one_or_pair(parse_ints(dilation, "--dilation", (1, 2))),
            padding_mode=padding_mode,
            flip=flip,
        )
        if all_positions:
            console.print(headline(image, kernel_values, title, traced), "\n")
            console.print(every_position(traced))
            return
        n, c_out, i, j = _position(at)
        step = traced.at(i, j, n=n, c_out=c_out)
    except (ValueError, TypeError) as error:
        raise _fail(str(error)) from None
    if output_format != "rich":
        typer.echo(_render(step, output_format))
        return
    for part in (
        headline(image, kernel_values, title, traced),
        step,
        position_maps(console, traced, step),
    ):
        console.print(part)
        console.print()
