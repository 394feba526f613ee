"""Checking a learner's arguments, each refusal naming the argument and what to give instead."""

from __future__ import annotations

import math
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray

from .. import kernels
from ..engine.spec import is_int

__all__ = [
    "check_fits",
    "crop_and_batch",
    "finite",
    "fraction",
    "image_grid",
    "integer",
    "positive",
    "start_kernel",
    "target_kernel",
]


def target_kernel(target: object) -> NDArray[np.float64]:
    """Return the kernel a catalogue name or a 2-D array of weights names."""
    if isinstance(target, str):
        return np.asarray(kernels.get(target).values, dtype=np.float64)
    values = _numbers("target", target)
    if values.ndim != 2:
        raise ValueError(
            f"target must be a catalogue name or a 2-D kernel, got an array of shape "
            f"{values.shape}; give e.g. [[1, -1]] or 'sobel_x'"
        )
    return values


def image_grid(image: object) -> NDArray[np.float64]:
    """Return ``image`` as a 2-D float grid, or raise saying what an image must be."""
    values = _numbers("image", image)
    if values.ndim != 2:
        raise ValueError(
            f"image must be a 2-D grid of numbers (rows × columns), got shape {values.shape}; "
            "give a list of rows, or a photo's grey values"
        )
    return values


def _numbers(name: str, values: object) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {values!r:.60}") from None
    if array.size == 0 or not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers and at least one, got {array!r:.60}")
    return array


def check_fits(kernel: tuple[int, ...], image: tuple[int, ...], crop: int | None) -> None:
    """Raise unless a kernel of shape ``kernel`` fits the image (or its crops)."""
    rows, columns = (crop, crop) if crop is not None else image
    if kernel[0] > rows or kernel[1] > columns:
        where = f"crops of {crop}×{crop}" if crop is not None else f"the image {rows}×{columns}"
        raise ValueError(
            f"target kernel {kernel[0]}×{kernel[1]} does not fit {where}; use a smaller "
            f"kernel or an image of at least {kernel[0]}×{kernel[1]}"
        )


def crop_and_batch(
    crop: int | None, batch: int, image: tuple[int, ...], kernel: tuple[int, ...]
) -> tuple[int | None, int]:
    """Return the checked crop size (None for the whole image) and crops per step."""
    if crop is None:
        return None, integer("batch", batch)
    size = integer("crop", crop)
    if not 1 <= size <= min(image):
        raise ValueError(
            f"crop must be between 1 and the image's shorter side ({min(image)}), got {crop!r}"
        )
    count = integer("batch", batch)
    if count < 1:
        raise ValueError(f"batch must be >= 1 crops per step, got {batch!r}")
    return size, count


def integer(name: str, value: object) -> int:
    """Return ``value`` as an int, refusing bools and non-integers."""
    if not is_int(value):
        raise TypeError(f"{name} must be an int, got {value!r}")
    return int(cast(int, value))  # is_int has checked it


def finite(name: str, value: object) -> float:
    """Return ``value`` as a finite float, refusing bools, non-numbers, inf and NaN."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def positive(name: str, value: object) -> float:
    """Return ``value`` as a float > 0."""
    number = finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}; try a small positive number")
    return number


def fraction(name: str, value: object) -> float:
    """Return ``value`` as a float in [0, 1)."""
    number = finite(name, value)
    if not 0 <= number < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}; 0 is plain descent")
    return number


def start_kernel(start: object, shape: tuple[int, ...], rng: np.random.Generator) -> Any:
    """Return the first kernel: zeros, seeded normal numbers (σ = 0.1), or the one given."""
    if isinstance(start, str) and start in ("zeros", "random"):
        return np.zeros(shape) if start == "zeros" else rng.normal(0.0, 0.1, shape)
    if isinstance(start, str):
        raise ValueError(f"start must be 'zeros', 'random' or a kernel, got {start!r}")
    kernel = _numbers("start", start)
    if kernel.shape != shape:
        raise ValueError(
            f"start must have the target's shape {shape}, got {kernel.shape}; "
            "or give 'zeros' or 'random'"
        )
    return kernel.copy()
