"""Filtering a practitioner's own pictures with one kernel: the logic of ``convscope apply``.

Nothing here prints. :func:`read_kernel` turns the ``--kernel`` text into a checked 2-D array,
:func:`find_pictures` lists what a folder holds, :func:`filter_pixels` computes the numbers
(``convscope.conv2d`` on each channel, or on the grey picture), and :func:`filter_file` decodes a
file, filters it and writes the picture by the gallery's display rule
(:func:`convscope.render.images.displayed`). :func:`filter_files` runs many, in this process or
in worker processes, and yields one :class:`Outcome` per file as it finishes.

Examples
--------
>>> read_kernel("[[1, 0], [0, -1]]")
array([[ 1.,  0.],
       [ 0., -1.]])
>>> settings = Settings(kernel=read_kernel("box_blur"), padding="same")
>>> filter_pixels(np.full((4, 5), 9, dtype=np.uint8), settings).shape
(1, 4, 5)
"""

from __future__ import annotations

import ast
import difflib
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from .. import kernels
from ..engine import conv2d
from ..engine.spec import PaddingArg, Size
from .images import decode_upload, displayed, encode_png

MAX_KERNEL_SIDE = 64
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_PIXELS = 8192 * 8192
"""A local file may be larger than an upload (8 MB, 4096×4096), but a bomb is still refused."""


class KernelError(ValueError):
    """A ``--kernel`` value that is not a usable 2-D kernel; the message says what would be."""


@dataclass(frozen=True, eq=False)
class Settings:
    """How every picture is filtered: ``conv2d``'s arguments, plus whether to go grey first.

    Attributes
    ----------
    kernel : ndarray
        The 2-D weights (float64).
    stride, padding, padding_mode, flip
        As in :func:`convscope.conv2d`.
    grey : bool
        Filter the picture's luminance (ITU-R 601, Pillow's ``"L"``) instead of each channel.
    """

    kernel: NDArray[np.float64]
    stride: Size = 1
    padding: PaddingArg = 0
    padding_mode: str = "zeros"
    flip: bool = False
    grey: bool = False


@dataclass(frozen=True)
class Outcome:
    """What became of one file: the picture written, or the reason it was not."""

    source: Path
    target: Path
    problem: str | None = None


def read_kernel(text: str) -> NDArray[np.float64]:
    """Return the kernel ``text`` names: a catalogue name, a ``.npy`` file or a literal grid.

    Raises
    ------
    KernelError
        For an unknown name (with the close matches), a missing or unreadable file, or values
        that are not a non-empty rectangular grid of at most 64×64 real numbers.
    """
    stripped = text.strip()
    if stripped.startswith(("[", "(")):
        return _checked(_literal(stripped), text)
    if stripped.lower().endswith(".npy"):
        return _checked(_npy(Path(stripped)), text)
    try:
        return np.asarray(kernels.get(stripped).values, dtype=np.float64)
    except ValueError:
        close = difflib.get_close_matches(stripped.lower().replace(" ", "_"), kernels.KERNELS)
        hint = f"did you mean {' or '.join(close)}? " if close else ""
        raise KernelError(
            f"--kernel: no kernel named {text!r}; {hint}the catalogue has "
            f"{', '.join(kernels.KERNELS)}; or give a .npy file or values like '[[1, 0], [0, -1]]'"
        ) from None


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text.replace("\N{MINUS SIGN}", "-"))
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        raise KernelError(
            f"--kernel: {text!r} is not a grid of numbers; write it like '[[1, 0], [0, -1]]'"
        ) from None


def _npy(path: Path) -> object:
    if not path.is_file():
        raise KernelError(f"--kernel: no file {str(path)!r}")
    try:
        return np.load(path, allow_pickle=False)
    except (ValueError, OSError) as error:
        raise KernelError(f"--kernel: {str(path)!r} is not a NumPy .npy file ({error})") from None


def _checked(values: object, text: str) -> NDArray[np.float64]:
    if isinstance(values, np.ndarray):
        grid = values
    elif isinstance(values, list | tuple) and all(isinstance(r, list | tuple) for r in values):
        if len({len(row) for row in values}) > 1:
            raise KernelError(f"--kernel: the rows of {text!r} have different lengths")
        grid = np.array(values, dtype=object)
    else:
        raise KernelError(f"--kernel: {text!r} is not 2-D; write it like '[[1, 0], [0, -1]]'")
    if grid.ndim != 2:
        raise KernelError(f"--kernel: {text!r} has {grid.ndim} dimensions; a kernel has 2")
    if grid.size == 0:
        raise KernelError(f"--kernel: {text!r} is empty; give at least one number")
    if max(grid.shape) > MAX_KERNEL_SIDE:
        rows, cols = grid.shape
        raise KernelError(
            f"--kernel: {rows}×{cols} is larger than {MAX_KERNEL_SIDE}×{MAX_KERNEL_SIDE}"
        )
    return _numbers(grid, text)


def _numbers(grid: NDArray[Any], text: str) -> NDArray[np.float64]:
    real = grid.dtype.kind in "iuf" or (
        grid.dtype == object
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in grid.flat)
    )
    if not real:
        raise KernelError(f"--kernel: {text!r} holds something other than real numbers")
    values = grid.astype(np.float64)
    if not np.isfinite(values).all():
        raise KernelError(f"--kernel: {text!r} holds a number that is not finite")
    return values


def find_pictures(folder: Path) -> list[Path]:
    """Return the files of ``folder`` to filter, by name (hidden files and folders left out).

    Every file is returned, picture or not: :func:`filter_file` says why one cannot be read.
    """
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))


def targets(sources: list[Path], out: Path) -> list[Path]:
    """Return where each source's picture goes: ``OUT/<stem>.png``, or ``<name>.png`` when two
    sources share a stem (``a.jpg`` and ``a.png``)."""
    stems = [source.stem for source in sources]
    return [
        out / f"{source.stem if stems.count(source.stem) == 1 else source.name}.png"
        for source in sources
    ]


def filter_pixels(pixels: NDArray[np.uint8], settings: Settings) -> NDArray[np.float64]:
    """Return the ``(C, H', W')`` response: ``conv2d`` of each channel (or the grey one)."""
    if settings.grey and pixels.ndim == 3:
        pixels = np.asarray(Image.fromarray(pixels).convert("L"))
    channels = [pixels] if pixels.ndim == 2 else [pixels[..., c] for c in range(pixels.shape[2])]
    return np.stack([_filtered(channel.astype(np.float64), settings) for channel in channels])


def _filtered(channel: NDArray[np.float64], settings: Settings) -> NDArray[np.float64]:
    return np.asarray(
        conv2d(
            channel,
            settings.kernel,
            stride=settings.stride,
            padding=settings.padding,
            padding_mode=settings.padding_mode,
            flip=settings.flip,
        ),
        dtype=np.float64,
    )


def read_pixels(source: Path) -> NDArray[np.uint8]:
    """Return the picture in ``source``, checked as an upload is (by :func:`decode_upload`)."""
    content = source.read_bytes()
    return decode_upload(content, max_bytes=MAX_FILE_BYTES, max_pixels=MAX_PIXELS)


def filter_file(source: Path, target: Path, settings: Settings, force: bool = False) -> Outcome:
    """Filter one file into ``target`` (a PNG); never overwrite it unless ``force``."""
    try:
        picture = displayed(filter_pixels(read_pixels(source), settings), settings.kernel)
        _write(target, encode_png(picture.pixels), force)
    except FileExistsError:
        return Outcome(source, target, f"{target} exists; pass --force to overwrite it")
    except (ValueError, OSError) as error:
        return Outcome(source, target, str(error))
    return Outcome(source, target)


def _write(target: Path, content: bytes, force: bool) -> None:
    if not force:
        with target.open("xb") as handle:  # refuses an existing file, even one made just now
            handle.write(content)
        return
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    partial.write_bytes(content)
    os.replace(partial, target)


def filter_files(
    jobs: list[tuple[Path, Path]], settings: Settings, workers: int = 1, force: bool = False
) -> Iterator[Outcome]:
    """Yield an :class:`Outcome` per ``(source, target)`` as each finishes.

    ``workers=1`` runs in this process, in order; more runs a process pool of that size.
    """
    if workers <= 1:
        for source, target in jobs:
            yield filter_file(source, target, settings, force)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(filter_file, s, t, settings, force) for s, t in jobs]
        for future in as_completed(futures):
            yield future.result()
