"""What an animation of a sliding kernel shows, computed by the engine and the step trace.

A :class:`Scene` is the grid the kernel slides over (the input with its padding ring — and, for a
transposed convolution, the zeros inserted between input cells), the output grid, and one
:class:`Frame` per output position: which grid cells the kernel covers and, with values, the sum
that lands in the output cell. Drawing it is :mod:`convscope.render.draw`'s job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine import conv_transpose2d
from ..engine.spec import Pair, as_pair
from ..engine.transpose import TransposeSpec
from ..tracing import trace

MAX_SIDE = 16  # a grid larger than this is unreadable as an animation


@dataclass(frozen=True)
class Frame:
    """One output position: the grid cells under the kernel and what they sum to.

    ``cells`` are ``(row, col)`` in the scene's grid; ``weights`` the kernel value at each;
    ``sum_text`` the written-out sum (``None`` without values).
    """

    position: Pair
    cells: tuple[Pair, ...]
    weights: tuple[int | float, ...]
    sum_text: str | None
    value: int | float | None


@dataclass(frozen=True)
class Scene:
    """Everything the frames of one animation share.

    Attributes
    ----------
    grid : ndarray of int or float, shape (rows, cols)
        The values the kernel slides over, padding and inserted zeros included.
    kinds : ndarray of str, shape (rows, cols)
        ``"input"``, ``"padding"`` or ``"inserted"`` (a zero put between input cells by a
        transposed convolution), so each is drawn distinctly.
    output : ndarray
        The output grid the frames fill in.
    frames : tuple of Frame
        One per output position, in reading order.
    title : str
        The configuration in numbers, e.g. ``"5×5 input, 3×3 kernel, stride 2, padding 1"``.
    values : bool
        Whether cells carry numbers.
    """

    grid: NDArray[Any]
    kinds: NDArray[np.str_]
    output: NDArray[Any]
    frames: tuple[Frame, ...]
    title: str
    values: bool


def build_scene(
    input_size: object,
    kernel_size: object,
    stride: object = 1,
    padding: object = 0,
    dilation: object = 1,
    *,
    transposed: bool = False,
    output_padding: object = 0,
    input_values: object = None,
    kernel_values: object = None,
    values: bool = False,
    seed: int = 0,
) -> Scene:
    """Return the scene of a convolution (or transposed convolution) for drawing.

    Parameters
    ----------
    input_size, kernel_size, stride, padding, dilation : int or (int, int)
        The configuration. ``padding`` is the number of cells on each side.
    transposed : bool
        Show the transposed convolution as the ordinary convolution it equals: over the input
        with ``stride - 1`` zeros inserted between cells, padded by ``d(k - 1) - padding``,
        with the kernel rotated 180°.
    output_padding : int or (int, int)
        Transposed only: cells added at the bottom and right of the output, as PyTorch's
        ``output_padding`` (smaller than the stride or the dilation), so that a strided
        convolution whose window skipped the last rows maps back to its full input size.
    input_values, kernel_values : array_like, optional
        The numbers to use; small random integers (from ``seed``) when ``values`` is set and
        these are not given.
    values : bool
        Whether the cells carry numbers and each frame its sum.
    """
    size = as_pair(input_size, "input_size", minimum=1)
    kernel = as_pair(kernel_size, "kernel_size", minimum=1)
    if max(size) > MAX_SIDE or max(kernel) > MAX_SIDE:
        raise ValueError(
            f"input_size {size} and kernel_size {kernel} must be at most {MAX_SIDE} on a side "
            "for a readable animation"
        )
    show = values or input_values is not None or kernel_values is not None
    x, w = _values(size, kernel, input_values, kernel_values, show, seed)
    step, pad, dil = (
        as_pair(v, n, minimum=m)
        for v, n, m in ((stride, "stride", 1), (padding, "padding", 0), (dilation, "dilation", 1))
    )
    extra = as_pair(output_padding, "output_padding", minimum=0)
    if transposed:
        return _transposed_scene(x, w, TransposeSpec.create(step, pad, extra, 1, dil), show)
    if extra != (0, 0):
        raise ValueError(
            f"output_padding {_pair_text(extra)} belongs to a transposed convolution; "
            "add transposed, or leave output_padding at 0"
        )
    return _scene(x, w, step, pad, dil, show, _title(x.shape, w.shape, step, pad, dil, False))


def _values(
    size: Pair, kernel: Pair, input_values: object, kernel_values: object, show: bool, seed: int
) -> tuple[NDArray[Any], NDArray[Any]]:
    rng = np.random.default_rng(seed)
    x = (
        np.asarray(input_values)
        if input_values is not None
        else (rng.integers(0, 4, size) if show else np.zeros(size, dtype=np.int64))
    )
    w = (
        np.asarray(kernel_values)
        if kernel_values is not None
        else (rng.integers(-1, 2, kernel) if show else np.ones(kernel, dtype=np.int64))
    )
    if x.ndim != 2 or w.ndim != 2:
        raise ValueError(
            f"input and kernel values must be 2-D grids; got shapes {x.shape} and {w.shape}"
        )
    return x, w


def _scene(
    x: NDArray[Any],
    w: NDArray[Any],
    stride: Pair,
    pad: Pair | tuple[Pair, Pair],
    dilation: Pair,
    show: bool,
    title: str,
    inserted: NDArray[np.bool_] | None = None,
    flip: bool = False,
) -> Scene:
    conv = trace(x, w, stride=stride, padding=pad, dilation=dilation, flip=flip)
    top, left = conv.pad_offset
    kinds = np.where(conv.padding_mask, "padding", "input").astype("<U8")
    if inserted is not None:
        kinds[top : top + x.shape[0], left : left + x.shape[1]][inserted] = "inserted"
    frames = []
    for step in conv.steps():
        cells = tuple((r + top, c + left) for r in step.rows for c in step.cols)
        frames.append(
            Frame(
                position=(step.i, step.j),
                cells=cells,
                weights=tuple(step.kernel[0].ravel().tolist()),
                sum_text=step.sum_text() if show else None,
                value=step.result if show else None,
            )
        )
    return Scene(
        grid=conv.padded_input[0, 0],
        kinds=kinds,
        output=np.asarray(conv.output),
        frames=tuple(frames),
        title=title,
        values=show,
    )


def _transposed_scene(x: NDArray[Any], w: NDArray[Any], spec: TransposeSpec, show: bool) -> Scene:
    stride, pad, extra, dilation = spec.stride, spec.padding, spec.output_padding, spec.dilation
    border = tuple(dilation[a] * (w.shape[a] - 1) - pad[a] for a in (0, 1))
    if min(border) < 0:
        raise ValueError(
            f"padding {pad} is larger than dilation × (kernel − 1) = "
            f"{(dilation[0] * (w.shape[0] - 1), dilation[1] * (w.shape[1] - 1))}: the transposed "
            "output would be cropped, which the gather picture cannot show; use a smaller padding"
        )
    rows, cols = ((x.shape[a] - 1) * stride[a] + 1 for a in (0, 1))
    spread = np.zeros((rows, cols), dtype=np.result_type(x, w))
    spread[:: stride[0], :: stride[1]] = x
    inserted = np.ones((rows, cols), dtype=bool)
    inserted[:: stride[0], :: stride[1]] = False
    title = _title(x.shape, w.shape, stride, pad, dilation, True, extra)
    # output_padding is one more ring of zeros at the bottom and right of the gathered grid
    sides = ((border[0], border[0] + extra[0]), (border[1], border[1] + extra[1]))
    scene = _scene(spread, w, (1, 1), sides, dilation, show, title, inserted, True)
    expected = conv_transpose2d(
        x, w, stride=stride, padding=pad, output_padding=extra, dilation=dilation
    )
    if not np.allclose(scene.output, expected):  # the gather picture must tell the engine's story
        raise AssertionError("gather view disagrees with conv_transpose2d")
    return scene


def _title(
    size: tuple[int, ...],
    kernel: tuple[int, ...],
    stride: Pair,
    pad: Pair,
    dilation: Pair,
    transposed: bool,
    output_padding: Pair = (0, 0),
) -> str:
    parts = [
        f"{'transposed: ' if transposed else ''}{size[0]}×{size[1]} input",
        f"{kernel[0]}×{kernel[1]} kernel",
        f"stride {_pair_text(stride)}",
        f"padding {_pair_text(pad)}",
    ]
    if dilation != (1, 1):
        parts.append(f"dilation {_pair_text(dilation)}")
    if output_padding != (0, 0):
        parts.append(f"output padding {_pair_text(output_padding)}")
    return ", ".join(parts)


def _pair_text(pair: Pair) -> str:
    return str(pair[0]) if pair[0] == pair[1] else f"{pair[0]}×{pair[1]}"
