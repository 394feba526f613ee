"""Writing a scene as an animation file: GIF, APNG, WebP or SVG (animated by SMIL, no script).

Files are written under a temporary name and renamed into place, so an interrupted run never
leaves a half-written file under the name asked for; they get the permissions any new file gets
(``0o666`` less the umask, usually ``0644``), not the private ``0600`` of a temporary file.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, Template, select_autoescape
from PIL import Image

from ..engine import ConvSpec, TransposeSpec
from . import palette
from .draw import Picture, layout, paint
from .scene import Scene, build_scene

FORMATS = (".gif", ".png", ".webp", ".svg")
_PILLOW_FORMAT = {".gif": "GIF", ".png": "PNG", ".webp": "WEBP"}


def frames(scene: Scene) -> list[Picture]:
    """Return every frame of the scene as a display list."""
    return [layout(scene, index) for index in range(len(scene.frames))]


def encode(scene: Scene, suffix: str, frame_ms: int = 700) -> bytes:
    """Return the animation encoded in the format the file suffix names.

    Every format loops forever, showing each frame for ``frame_ms`` milliseconds; the SVG
    overlays the frames and shows one at a time with SMIL ``<animate>`` elements, which browsers
    play in an ``<img>`` too.
    """
    suffix = suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"the file must end in one of {', '.join(FORMATS)}; got {suffix!r}")
    if isinstance(frame_ms, bool) or not isinstance(frame_ms, int) or frame_ms < 1:
        raise ValueError(
            f"each frame must stay on screen at least 1 millisecond; got frame_ms={frame_ms!r}"
        )
    pictures = _same_size(frames(scene))
    if suffix == ".svg":
        return _svg(scene, pictures, frame_ms).encode("utf-8")
    images = [paint(picture) for picture in pictures]
    if suffix == ".gif":
        images = _one_palette(images)
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

    @property
    def output_size(self) -> int:
        """Return the side of the ordinary convolution's output (the spec's one rule)."""
        spec = ConvSpec.create(stride=self.stride, padding=self.padding, dilation=self.dilation)
        return spec.output_size((self.input_size,) * 2, (self.kernel_size,) * 2)[0]

    @property
    def output_padding(self) -> int:
        """Return the rows the transposed twin adds back to reach the input size again.

        A strided window that skipped the last rows of the input leaves them out of the
        output; the transposed convolution gives them back with ``output_padding`` (Dumoulin
        and Visin's "odd" case).
        """
        spec = TransposeSpec.create(self.stride, self.padding, dilation=self.dilation)
        back = spec.output_size((self.output_size,) * 2, (self.kernel_size,) * 2)[0]
        return self.input_size - back


GALLERY = (
    GalleryItem("no_padding_no_strides", 4, 3),
    GalleryItem("arbitrary_padding_no_strides", 5, 4, padding=2),
    GalleryItem("same_padding_no_strides", 5, 3, padding=1),
    GalleryItem("full_padding_no_strides", 5, 3, padding=2),
    GalleryItem("no_padding_strides", 5, 3, stride=2),
    GalleryItem("padding_strides", 5, 3, stride=2, padding=1),
    GalleryItem("padding_strides_odd", 6, 3, stride=2, padding=1),
    GalleryItem("dilation", 7, 3, dilation=2),
)


def write_gallery(
    folder: Path, suffix: str = ".gif", values: bool = True, frame_ms: int = 700
) -> list[Path]:
    """Write the classic configurations and their transposed counterparts into ``folder``.

    Each transposed animation takes the output size of its ordinary twin as input, with the
    same kernel, stride and padding (and the ``output_padding`` the odd case needs), so it maps
    back to the twin's input size.
    """
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for item in GALLERY:
        args = (item.kernel_size, item.stride, item.padding, item.dilation)
        scene = build_scene(item.input_size, *args, values=values)
        written.append(write(scene, folder / f"{item.name}{suffix}", frame_ms))
        back = build_scene(
            scene.output.shape,
            *args,
            transposed=True,
            output_padding=item.output_padding,
            values=values,
        )
        written.append(write(back, folder / f"{item.name}_transposed{suffix}", frame_ms))
    return written


def _one_palette(images: list[Image.Image]) -> list[Image.Image]:
    """Return the frames mapped to one 256-colour palette, read off three of them.

    Every frame is drawn from the same few roles, so the first, middle and last frames hold
    its colours; one palette keeps a colour from flickering between frames, and mapping to it
    is several times faster than working out a palette per frame.
    """
    width, height = images[0].size
    picks = (images[0], images[len(images) // 2], images[-1])
    sheet = Image.new("RGB", (width, height * len(picks)))
    for index, image in enumerate(picks):
        sheet.paste(image, (0, height * index))
    palette_image = sheet.quantize(256, Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    return [image.quantize(palette=palette_image, dither=Image.Dither.NONE) for image in images]


def _same_size(pictures: list[Picture]) -> list[Picture]:
    width = max(p.width for p in pictures)
    height = max(p.height for p in pictures)
    return [Picture(width, height, p.boxes, p.labels) for p in pictures]


@cache
def _svg_template() -> Template:
    environment = Environment(
        loader=PackageLoader("convscope.render", "templates"),
        autoescape=select_autoescape(["svg"]),
    )
    return environment.get_template("animation.svg")


def _svg(scene: Scene, pictures: list[Picture], frame_ms: int) -> str:
    return _svg_template().render(
        title=scene.title,
        pictures=pictures,
        width=pictures[0].width,
        height=pictures[0].height,
        frame_ms=frame_ms,
        cycle_ms=frame_ms * len(pictures),
        colour=palette.hex_colour,
    )


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def _umask() -> int:
    # os.umask can only be read by setting it; put it straight back.
    current = os.umask(0o022)
    os.umask(current)
    return current
