"""Writing a scene as an animation file: GIF, APNG, WebP or a stacked SVG for print.

Files are written under a temporary name and renamed into place, so an interrupted run never
leaves a half-written file under the name asked for.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from . import palette
from .draw import Picture, layout, paint
from .scene import Scene, build_scene

FORMATS = (".gif", ".png", ".webp", ".svg")
_PILLOW_FORMAT = {".gif": "GIF", ".png": "PNG", ".webp": "WEBP"}


def frames(scene: Scene) -> list[Picture]:
    """Return every frame of the scene as a display list."""
    return [layout(scene, index) for index in range(len(scene.frames))]


def encode(scene: Scene, suffix: str, frame_ms: int = 700) -> bytes:
    """Return the animation encoded in the format the file suffix names."""
    suffix = suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"the file must end in one of {', '.join(FORMATS)}; got {suffix!r}")
    pictures = _same_size(frames(scene))
    if suffix == ".svg":
        return _svg(scene, pictures).encode("utf-8")
    images = [paint(picture) for picture in pictures]
    buffer = io.BytesIO()
    options: dict[str, Any] = {"save_all": True, "append_images": images[1:], "loop": 0}
    options["duration"] = frame_ms
    if suffix == ".webp":
        options["lossless"] = True
    images[0].save(buffer, format=_PILLOW_FORMAT[suffix], **options)
    return buffer.getvalue()


def write(scene: Scene, path: Path, frame_ms: int = 700) -> Path:
    """Write the animation to ``path`` (format by suffix) atomically and return the path."""
    content = encode(scene, path.suffix, frame_ms)
    with _atomic(path) as temporary:
        temporary.write_bytes(content)
    return path


@dataclass(frozen=True)
class GalleryItem:
    """One configuration of the classic set: a file name and its numbers."""

    name: str
    input_size: int
    kernel_size: int
    stride: int = 1
    padding: int = 0
    dilation: int = 1


GALLERY = (
    GalleryItem("no_padding_no_strides", 4, 3),
    GalleryItem("same_padding_no_strides", 5, 3, padding=1),
    GalleryItem("full_padding_no_strides", 5, 3, padding=2),
    GalleryItem("no_padding_strides", 5, 3, stride=2),
    GalleryItem("padding_strides", 5, 3, stride=2, padding=1),
    GalleryItem("padding_strides_odd", 6, 3, stride=2, padding=1),
    GalleryItem("dilation", 7, 3, dilation=2),
)


def write_gallery(folder: Path, suffix: str = ".gif", values: bool = True) -> list[Path]:
    """Write the classic configurations and their transposed counterparts into ``folder``.

    Each transposed animation takes the output size of its ordinary twin as input, with the
    same kernel, stride and padding, so it maps back to the twin's input size.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in GALLERY:
        args = (item.kernel_size, item.stride, item.padding, item.dilation)
        scene = build_scene(item.input_size, *args, values=values)
        written.append(write(scene, folder / f"{item.name}{suffix}"))
        back = build_scene(scene.output.shape, *args, transposed=True, values=values)
        written.append(write(back, folder / f"{item.name}_transposed{suffix}"))
    return written


def _same_size(pictures: list[Picture]) -> list[Picture]:
    width = max(p.width for p in pictures)
    height = max(p.height for p in pictures)
    return [Picture(width, height, p.boxes, p.labels) for p in pictures]


def _svg(scene: Scene, pictures: list[Picture]) -> str:
    environment = Environment(
        loader=PackageLoader("convscope.render", "templates"),
        autoescape=select_autoescape(["svg"]),
    )
    template = environment.get_template("animation.svg")
    return template.render(
        title=scene.title,
        pictures=pictures,
        width=pictures[0].width,
        height=pictures[0].height * len(pictures),
        colour=palette.hex_colour,
    )


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
