"""The arithmetic of the learning problem: the lesson's images, crops, and the safe rate.

The loss is the mean squared error of a convolution's output, a quadratic in the kernel (and
bias) whose Hessian is ``(2/N)·AᵀA``, ``A`` being the im2col matrix of the image's windows.
Its largest eigenvalue ``λ_max`` bounds the learning rate that cannot diverge.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

__all__ = [
    "EDGES",
    "LESSON_IMAGE",
    "OUTPUT_CELLS_RECORDED",
    "below",
    "corners",
    "crops",
    "divergence_limit",
    "largest_curvature",
    "records_outputs",
    "safe_learning_rate",
]

LESSON_IMAGE = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0, 9],
        [0, 8, 8, 8, 0, 0, 9, 0],
        [0, 8, 8, 8, 0, 9, 0, 0],
        [0, 8, 8, 8, 9, 0, 0, 0],
        [0, 0, 0, 9, 2, 2, 2, 0],
        [0, 0, 9, 0, 2, 5, 2, 0],
        [0, 9, 0, 0, 2, 2, 2, 0],
        [9, 0, 0, 0, 0, 0, 0, 0],
    ]
)
"""The lesson's 8×8 picture: a bright square, a diagonal line, a dim square with a brighter
centre. Its 3×3 windows span every direction, so a 3×3 kernel is fixed by its output."""
LESSON_IMAGE.flags.writeable = False

EDGES = np.ones((6, 8), dtype=np.int64)
EDGES[:, 2:6] = 0
EDGES.flags.writeable = False
"""d2l's 6×8 image: ones with a black band in columns 2–5, so two vertical edges."""

OUTPUT_CELLS_RECORDED = 256
"""Outputs up to this many cells are kept in the history by default (the page draws them)."""


def records_outputs(
    asked: bool | None, crop: int | None, image: tuple[int, ...], target: NDArray[Any]
) -> bool:
    """Return whether each step's output is kept: as asked, else for small uncropped images."""
    if asked is not None:
        return bool(asked)
    cells = (image[0] - target.shape[0] + 1) * (image[1] - target.shape[1] + 1)
    return crop is None and cells <= OUTPUT_CELLS_RECORDED


def corners(
    image: tuple[int, ...], size: int, count: int, rng: np.random.Generator
) -> list[tuple[int, int]]:
    """Return ``count`` random top-left corners of ``size × size`` crops of ``image``."""
    tops = rng.integers(0, image[0] - size + 1, count)
    lefts = rng.integers(0, image[1] - size + 1, count)
    return [(int(top), int(left)) for top, left in zip(tops, lefts, strict=True)]


def crops(
    image: NDArray[np.float64], corners: list[tuple[int, int]], shape: tuple[int, ...]
) -> NDArray[np.float64]:
    """Return the crops of ``shape`` at ``corners``, stacked as a ``(batch, 1, rows, cols)``."""
    rows, columns = shape
    pieces = [image[top : top + rows, left : left + columns] for top, left in corners]
    return np.stack(pieces)[:, None]


def largest_curvature(batch: NDArray[np.float64], shape: tuple[int, ...], bias: bool) -> float:
    """Return λ_max of the loss's Hessian for a kernel of ``shape`` on ``batch``.

    The output is ``A @ w (+ b)`` where ``A`` is the ``N × k`` im2col matrix (one row per
    output cell, one column per weight, plus a column of ones for a learned bias), so the
    mean squared error has the constant Hessian ``(2/N)·AᵀA``. Its largest eigenvalue is
    computed from the ``k × k`` matrix ``AᵀA``.
    """
    windows = sliding_window_view(batch[:, 0], shape, axis=(1, 2))
    columns = windows.reshape(-1, math.prod(shape))
    if bias:
        columns = np.hstack([columns, np.ones((columns.shape[0], 1))])
    gram = columns.T @ columns
    return float(2.0 / columns.shape[0] * np.linalg.eigvalsh(gram)[-1])


def safe_learning_rate(curvature: float, momentum: float) -> float:
    """Return the rate below which heavy-ball descent cannot diverge: ``2(1 + momentum) / λ_max``.

    Gradient descent with momentum (heavy ball) on a quadratic is stable exactly when
    ``learning_rate · λ < 2(1 + momentum)`` for every eigenvalue ``λ`` of the Hessian.
    """
    return math.inf if curvature == 0 else 2.0 * (1.0 + momentum) / curvature


def divergence_limit(growth_limit: float, start_distance: float, target: NDArray[Any]) -> float:
    """Return the distance from the target past which a run has diverged.

    ``growth_limit`` times the kernel's largest sensible size: the start's distance from the
    target, or the target's own size.
    """
    return growth_limit * max(start_distance, float(np.abs(target).max()))


def below(bound: float) -> str:
    """Return ``bound`` rounded down to two significant figures, as text."""
    scale = 10.0 ** (math.floor(math.log10(bound)) - 1)
    return f"{math.floor(bound / scale) * scale:.2g}"
