"""``convscope animate``: a kernel sliding over an input, as GIF, APNG, WebP or SVG.

One frame per output position, drawn from the engine's own numbers: the padding hatched, the
window outlined, the output filling in; ``--values`` puts numbers in the cells and each
frame's sum under the picture. The SVG is animated too (SMIL, no script). ``--gallery DIR``
writes the classic configurations at once; ``--transposed --output-padding N`` the transposed
convolution that gives back the rows a strided window skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..engine import TransposeSpec
from ..render.animate import FORMATS, write, write_gallery
from ..render.scene import build_scene
from . import app
from .explain import UsageProblem, parse_array, parse_kernel


def _pair(text: str, name: str) -> tuple[int, int]:
    try:
        parts = [int(p) for p in text.replace("×", ",").replace("x", ",").split(",")]
    except ValueError:
        parts = []
    if len(parts) not in (1, 2):
        raise UsageProblem(f"{name} must be a number or two like '5' or '5,7'; got {text!r}")
    return (parts[0], parts[-1])


def _output_padding(
    text: str, transposed: bool, stride: tuple[int, int], dilation: tuple[int, int]
) -> tuple[int, int]:
    extra = _pair(text, "--output-padding")
    if extra == (0, 0):
        return extra
    if not transposed:
        raise UsageProblem(
            "--output-padding belongs to a transposed convolution: add --transposed, "
            "or leave --output-padding out"
        )
    try:
        TransposeSpec.create(stride, 0, extra, 1, dilation)  # the engine's rule, said here
    except ValueError:
        raise UsageProblem(
            f"--output-padding {text} must be 0 or more and smaller than --stride "
            f"{_text(stride)} or --dilation {_text(dilation)} in each direction: it gives back "
            "only the rows and columns a stride step skipped"
        ) from None
    return extra


def _text(pair: tuple[int, int]) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]},{pair[1]}"


@app.command()
def animate(
    out: Annotated[
        Path | None,
        typer.Option(
            help=f"File to write: {', '.join(FORMATS)} (an .svg animates too, no script)."
        ),
    ] = None,
    input_size: Annotated[str, typer.Option(help="Input rows[,cols].")] = "5",
    kernel_size: Annotated[str, typer.Option(help="Kernel rows[,cols].")] = "3",
    stride: Annotated[str, typer.Option(help="Stride rows[,cols].")] = "1",
    padding: Annotated[str, typer.Option(help="Padding rows[,cols] on each side.")] = "0",
    dilation: Annotated[str, typer.Option(help="Dilation rows[,cols].")] = "1",
    transposed: Annotated[bool, typer.Option(help="Animate the transposed convolution.")] = False,
    output_padding: Annotated[
        str,
        typer.Option(
            help="With --transposed: rows[,cols] added at the bottom and right of the output "
            "(PyTorch's output_padding; smaller than the stride or the dilation)."
        ),
    ] = "0",
    values: Annotated[bool, typer.Option(help="Show numbers and each position's sum.")] = False,
    input: Annotated[str | None, typer.Option(help="Input values, e.g. '[[1,2],[3,4]]'.")] = None,
    kernel: Annotated[str | None, typer.Option(help="Kernel name or values.")] = None,
    frame_ms: Annotated[int, typer.Option(help="Milliseconds per frame (at least 1).")] = 700,
    gallery: Annotated[
        Path | None, typer.Option(help="Write the classic set of configurations into DIR.")
    ] = None,
) -> None:
    """Write an animation of the kernel sliding over the input, one frame per output cell."""
    console = Console(stderr=True)
    try:
        if frame_ms < 1:
            raise UsageProblem(
                f"--frame-ms is how many milliseconds each frame stays on screen, so it must be "
                f"at least 1; got {frame_ms}"
            )
        if gallery is not None:
            suffix = out.suffix if out else ".gif"
            written = write_gallery(gallery, suffix=suffix, frame_ms=frame_ms)
            console.print(f"wrote {len(written)} animations into {gallery}")
            return
        if out is None:
            raise UsageProblem("give --out FILE (a .gif, .png, .webp or .svg) or --gallery DIR")
        input_values = parse_array(input, "--input") if input else None
        kernel_values = parse_kernel(kernel)[0] if kernel else None
        steps, dilations = _pair(stride, "--stride"), _pair(dilation, "--dilation")
        extra = _output_padding(output_padding, transposed, steps, dilations)
        scene = build_scene(
            input_values.shape if input_values is not None else _pair(input_size, "--input-size"),
            kernel_values.shape
            if kernel_values is not None
            else _pair(kernel_size, "--kernel-size"),
            steps,
            _pair(padding, "--padding"),
            dilations,
            transposed=transposed,
            output_padding=extra,
            input_values=input_values,
            kernel_values=kernel_values,
            values=values,
        )
        write(scene, out, frame_ms)
    except (ValueError, TypeError) as problem:
        console.print(f"[bold red]error:[/] {problem}", highlight=False)
        raise typer.Exit(2) from None
    console.print(f"wrote {out} ({len(scene.frames)} frames): {scene.title}")
