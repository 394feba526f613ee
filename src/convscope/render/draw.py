"""Laying out one frame of a :class:`~convscope.render.scene.Scene` as boxes and labels.

The layout is a plain display list, so the raster painter (Pillow, here) and the SVG template
draw exactly the same picture from it; colours are role names looked up in the shared palette.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw, ImageFont

from ..tracing.numbers import format_number
from . import palette
from .scene import Frame, Scene

MARGIN = 18
TITLE_SIZE = 16


@dataclass(frozen=True)
class Box:
    """A square cell: position, side, fill and outline roles, and how it is marked."""

    x: int
    y: int
    side: int
    fill: str
    stroke: str
    width: int = 1
    hatch: bool = False
    dashed: bool = False


@dataclass(frozen=True)
class Label:
    """A piece of text centred (``anchor="mm"``) or left-aligned (``"lm"``) at a point."""

    x: int
    y: int
    text: str
    size: int
    role: str = "text"
    anchor: str = "mm"


@dataclass(frozen=True)
class Picture:
    """One frame as a display list."""

    width: int
    height: int
    boxes: tuple[Box, ...]
    labels: tuple[Label, ...]


def cell_side(scene: Scene) -> int:
    """Return the side of one cell in pixels: larger when the cells carry numbers."""
    return 40 if scene.values else 28


def layout(scene: Scene, index: int) -> Picture:
    """Return frame ``index`` of ``scene`` as boxes and labels."""
    frame, side = scene.frames[index], cell_side(scene)
    grid_top = MARGIN + TITLE_SIZE + 30
    out_left = MARGIN + scene.grid.shape[1] * side + 2 * side
    boxes = _input_boxes(scene, frame, MARGIN, grid_top, side)
    boxes += _output_boxes(scene, index, out_left, grid_top, side)
    labels = [
        Label(MARGIN, MARGIN + TITLE_SIZE // 2, scene.title, TITLE_SIZE, anchor="lm"),
        Label(MARGIN, grid_top - 12, _input_legend(scene), 12, "muted", "lm"),
        Label(out_left, grid_top - 12, "output", 12, "muted", "lm"),
    ]
    labels += _input_labels(scene, frame, MARGIN, grid_top, side)
    labels += _output_labels(scene, index, out_left, grid_top, side)
    rows = max(scene.grid.shape[0], scene.output.shape[0])
    caption_y = grid_top + rows * side + 22
    labels.append(Label(MARGIN, caption_y, _caption(frame), 14, anchor="lm"))
    width = out_left + scene.output.shape[1] * side + MARGIN
    width = max(width, MARGIN * 2 + 8 * len(scene.title), MARGIN * 2 + 8 * len(_caption(frame)))
    return Picture(width, caption_y + 22, tuple(boxes), tuple(labels))


def _input_legend(scene: Scene) -> str:
    if (scene.kinds == "inserted").any():
        return "input (hatched: padding, dashed: inserted zeros)"
    return "input (hatched: padding)" if (scene.kinds == "padding").any() else "input"


def _caption(frame: Frame) -> str:
    where = f"output[{frame.position[0]}, {frame.position[1]}]"
    return f"{where}: {frame.sum_text}" if frame.sum_text else where


def _input_boxes(scene: Scene, frame: Frame, left: int, top: int, side: int) -> list[Box]:
    covered = set(frame.cells)
    boxes = []
    for (r, c), kind in _cells(scene.kinds):
        x, y = left + c * side, top + r * side
        if (r, c) in covered:
            boxes.append(Box(x, y, side, "window-bg", "window", 3, hatch=kind == "padding"))
        elif kind == "padding":
            boxes.append(Box(x, y, side, "padding-bg", "padding", 1, hatch=True))
        elif kind == "inserted":
            boxes.append(Box(x, y, side, "surface", "muted", 1, dashed=True))
        else:
            boxes.append(Box(x, y, side, "input-bg", "input", 1))
    return boxes


def _input_labels(scene: Scene, frame: Frame, left: int, top: int, side: int) -> list[Label]:
    if not scene.values:
        return []
    labels = []
    for (r, c), kind in _cells(scene.kinds):
        role = "muted" if kind != "input" else "input"
        cx, cy = left + c * side + side // 2, top + r * side + side // 2
        labels.append(Label(cx, cy - 4, format_number(scene.grid[r, c]), 13, role))
    for (r, c), weight in zip(frame.cells, frame.weights, strict=True):
        cx, cy = left + c * side + side // 2, top + r * side + side - 8
        labels.append(Label(cx, cy, f"×{format_number(weight)}", 10, "kernel"))
    return labels


def _output_boxes(scene: Scene, index: int, left: int, top: int, side: int) -> list[Box]:
    boxes = []
    for k, frame in enumerate(scene.frames):
        r, c = frame.position
        x, y = left + c * side, top + r * side
        if k == index:
            boxes.append(Box(x, y, side, "output-bg", "current", 3))
        elif k < index:
            boxes.append(Box(x, y, side, "output-bg", "output", 1))
        else:
            boxes.append(Box(x, y, side, "bg", "rule", 1))
    return boxes


def _output_labels(scene: Scene, index: int, left: int, top: int, side: int) -> list[Label]:
    if not scene.values:
        return []
    labels = []
    for frame in scene.frames[: index + 1]:
        r, c = frame.position
        cx, cy = left + c * side + side // 2, top + r * side + side // 2
        labels.append(Label(cx, cy, format_number(frame.value), 13, "output"))
    return labels


def _cells(kinds: object) -> list[tuple[tuple[int, int], str]]:
    import numpy as np

    grid = np.asarray(kinds)
    return [((int(r), int(c)), str(grid[r, c])) for r, c in np.ndindex(*grid.shape)]


def paint(picture: Picture) -> Image.Image:
    """Return the picture drawn by Pillow on the palette's background."""
    image = Image.new("RGB", (picture.width, picture.height), palette.colour("bg"))
    pen = ImageDraw.Draw(image)
    for box in picture.boxes:
        _paint_box(pen, box)
    for label in picture.labels:
        pen.text(
            (label.x, label.y),
            label.text,
            fill=palette.colour(label.role),
            font=font(label.size),
            anchor=label.anchor,
        )
    return image


def _paint_box(pen: ImageDraw.ImageDraw, box: Box) -> None:
    corners = (box.x, box.y, box.x + box.side, box.y + box.side)
    pen.rectangle(corners, fill=palette.colour(box.fill))
    if box.hatch:
        for offset in range(-box.side, box.side, 7):
            start, stop = max(0, offset), min(box.side, box.side + offset)
            pen.line(
                (box.x + start, box.y + start - offset, box.x + stop, box.y + stop - offset),
                fill=palette.colour("padding"),
                width=1,
            )
    if box.dashed:
        for t in range(0, box.side, 6):
            end = min(t + 3, box.side)
            for seg in (
                (t, 0, end, 0),
                (t, box.side, end, box.side),
                (0, t, 0, end),
                (box.side, t, box.side, end),
            ):
                pen.line(
                    (box.x + seg[0], box.y + seg[1], box.x + seg[2], box.y + seg[3]),
                    fill=palette.colour(box.stroke),
                )
        return
    pen.rectangle(corners, outline=palette.colour(box.stroke), width=box.width)


@cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Return a font with a real minus sign: DejaVu Sans where installed, else Pillow's own."""
    for name in ("DejaVuSans.ttf", "LiberationSans-Regular.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)
