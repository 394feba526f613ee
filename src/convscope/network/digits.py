"""The bundled handwritten digits and the held-out split every accuracy is measured on.

The UCI "Optical Recognition of Handwritten Digits" set (E. Alpaydin and C. Kaynak, 1998;
CC BY 4.0, DOI 10.24432/C50P49): 1,797 images of 8×8 pixels, each a count 0..16 of the ink in
a 4×4 block of a 32×32 scan. ``data/digits/SOURCES.md`` says where the file came from and how
it was converted.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .files import read_npz

PIXEL_MAX = 16
"""The largest pixel value: a 4×4 block with every cell inked."""
CLASSES = 10
SPLIT_SEED = 20240601
"""Seeds the held-out split, apart from the training seed, so it never moves."""
HELD_OUT_FRACTION = 0.2


@dataclass(frozen=True)
class Digits:
    """Images and their labels, read-only.

    Attributes
    ----------
    images : ndarray
        ``(N, 8, 8)`` uint8, each pixel 0..16.
    labels : ndarray
        ``(N,)`` uint8, the digit 0..9 each image shows.
    """

    images: NDArray[np.uint8]
    labels: NDArray[np.uint8]

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, indices: NDArray[np.intp]) -> Digits:
        """Return the images and labels at ``indices``, in that order."""
        return Digits(_frozen(self.images[indices]), _frozen(self.labels[indices]))


def digits_folder() -> Path:
    """Return the folder holding ``digits.npz``, the trained weights and ``SOURCES.md``."""
    return Path(str(resources.files("convscope") / "data" / "digits"))


@cache
def load_digits() -> Digits:
    """Return all 1,797 bundled digits, in the order of the UCI file.

    Examples
    --------
    >>> digits = load_digits()
    >>> digits.images.shape, int(digits.images.max()), int(digits.labels[0])
    ((1797, 8, 8), 16, 0)
    """
    arrays = read_npz(digits_folder() / "digits.npz", "the bundled digits")
    return Digits(_frozen(arrays["images"]), _frozen(arrays["labels"]))


@cache
def held_out_split() -> tuple[Digits, Digits]:
    """Return ``(training, held_out)``: 80 % and 20 % of each digit's images, always the same.

    Each class's images are shuffled by :data:`SPLIT_SEED` and the first fifth held out, so
    both parts hold every digit in the proportions of the whole set. Each part keeps the
    file's order.
    """
    digits = load_digits()
    rng = np.random.default_rng(SPLIT_SEED)
    held: list[NDArray[np.intp]] = []
    for digit in range(CLASSES):
        members = np.flatnonzero(digits.labels == digit)
        held.append(rng.permutation(members)[: round(HELD_OUT_FRACTION * len(members))])
    held_out = np.sort(np.concatenate(held))
    training = np.setdiff1d(np.arange(len(digits)), held_out)
    return digits.subset(training), digits.subset(held_out)


def _frozen(array: NDArray[Any]) -> NDArray[Any]:
    array.flags.writeable = False
    return array
