"""The named-kernel catalog: classic hand-designed filters with what they mean.

Each :class:`Kernel` carries its values and, for the lesson, a title, what it responds to, a
LaTeX formula, how it relates to the filters a CNN learns, and its separable factors where it
has them (a column vector and a row vector whose outer product is the kernel, so the 2-D sum
can be done as two 1-D passes).

Examples
--------
>>> from convscope import kernels
>>> kernels.get("Sobel X").values
array([[-1,  0,  1],
       [-2,  0,  2],
       [-1,  0,  1]])
>>> column, row = kernels.get("sobel_x").separable
>>> column, row
(array([1, 2, 1]), array([-1,  0,  1]))
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["KERNELS", "Kernel", "gaussian", "get"]


@dataclass(frozen=True, eq=False)
class Kernel:
    """A named kernel: its values plus the words and formula the lesson shows beside it.

    Attributes
    ----------
    name : str
        The slug used to look it up, e.g. ``"sobel_x"``.
    title : str
        How a person writes it, e.g. ``"Sobel X"``.
    values : ndarray
        The weights, read-only; int64 for integer kernels, float64 otherwise.
    detects : str
        What it responds to in an image.
    formula : str
        A LaTeX formula (rendered to MathML by the lesson layer).
    deep_learning : str
        How it relates to the filters a convolutional network learns.
    separable : (ndarray, ndarray) or None
        ``(column, row)`` with ``np.outer(column, row) == values``, or ``None`` when the kernel
        has rank above 1 and cannot be split.
    """

    name: str
    title: str
    values: NDArray[Any]
    detects: str
    formula: str
    deep_learning: str
    separable: tuple[NDArray[Any], NDArray[Any]] | None = None

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict: every field, arrays as nested lists, plus dtype and shape."""
        factors = None
        if self.separable is not None:
            column, row = self.separable
            factors = {"column": column.tolist(), "row": row.tolist()}
        return {
            "name": self.name,
            "title": self.title,
            "values": self.values.tolist(),
            "dtype": str(self.values.dtype),
            "shape": list(self.values.shape),
            "detects": self.detects,
            "formula": self.formula,
            "deep_learning": self.deep_learning,
            "separable": factors,
        }


def _frozen(values: object, dtype: type) -> NDArray[Any]:
    # Catalog arrays are shared by every caller, so nobody may change them in place.
    array: NDArray[Any] = np.array(values, dtype=dtype)
    array.flags.writeable = False
    return array


def _integer(
    name: str, title: str, values: object, *, detects: str, formula: str, deep_learning: str
) -> Kernel:
    return Kernel(name, title, _frozen(values, np.int64), detects, formula, deep_learning)


def _split(
    name: str,
    title: str,
    column: object,
    row: object,
    dtype: type,
    *,
    detects: str,
    formula: str,
    deep_learning: str,
) -> Kernel:
    factors = (_frozen(column, dtype), _frozen(row, dtype))
    values = _frozen(np.outer(*factors), dtype)
    return Kernel(name, title, values, detects, formula, deep_learning, separable=factors)


_SMOOTH_121 = [1, 2, 1]
_DIFFERENCE = [-1, 0, 1]

_CATALOG: tuple[Kernel, ...] = (
    _split(
        "identity",
        "Identity",
        [0, 1, 0],
        [0, 1, 0],
        np.int64,
        detects="Nothing: each output cell is the input cell under the kernel's centre.",
        formula=r"y_{i,j} = x_{i,j}",
        deep_learning="A sanity check, and the idea behind residual (skip) connections: "
        "a layer that can learn the identity never has to make things worse.",
    ),
    _split(
        "sobel_x",
        "Sobel X",
        _SMOOTH_121,
        _DIFFERENCE,
        np.int64,
        detects="Vertical edges: brightness rising from left to right gives a positive "
        "response, falling gives a negative one.",
        formula=r"G_x = \begin{bmatrix}1\\2\\1\end{bmatrix}"
        r"\begin{bmatrix}-1&0&1\end{bmatrix} \approx 8\,\frac{\partial I}{\partial x}",
        deep_learning="First-layer filters of trained CNNs often look like this: oriented "
        "difference detectors that the network found on its own.",
    ),
    _split(
        "sobel_y",
        "Sobel Y",
        _DIFFERENCE,
        _SMOOTH_121,
        np.int64,
        detects="Horizontal edges: brightness rising from top to bottom gives a positive response.",
        formula=r"G_y = \begin{bmatrix}-1\\0\\1\end{bmatrix}"
        r"\begin{bmatrix}1&2&1\end{bmatrix} \approx 8\,\frac{\partial I}{\partial y}",
        deep_learning="Sobel X turned by 90°; a learned layer keeps filters at many "
        "orientations, not just these two.",
    ),
    _split(
        "box_blur",
        "Box blur",
        [1 / 3] * 3,
        [1 / 3] * 3,
        np.float64,
        detects="Nothing in particular: it replaces each cell by the plain mean of its 3×3 "
        "neighbourhood, removing fine detail and noise.",
        formula=r"y_{i,j} = \frac{1}{9}\sum_{m=-1}^{1}\sum_{n=-1}^{1} x_{i+m,\,j+n}",
        deep_learning="Average pooling with stride 1; learned low-pass filters look like "
        "softer versions of it.",
    ),
    _split(
        "gaussian_blur",
        "Gaussian blur",
        [0.25, 0.5, 0.25],
        [0.25, 0.5, 0.25],
        np.float64,
        detects="Nothing in particular: a weighted mean that trusts the centre most, "
        "smoothing with fewer artefacts than the box blur.",
        formula=r"\frac{1}{16}\begin{bmatrix}1\\2\\1\end{bmatrix}"
        r"\begin{bmatrix}1&2&1\end{bmatrix}",
        deep_learning="Anti-aliasing before downsampling in some CNNs uses exactly this "
        "blur; colour-blob filters of first layers are Gaussian-like.",
    ),
    _integer(
        "sharpen",
        "Sharpen",
        [[0, -1, 0], [-1, 5, -1], [0, -1, 0]],
        detects="Local contrast: the centre is pushed away from its four neighbours, so "
        "edges and texture stand out.",
        formula=r"y = x - \nabla^2 x",
        deep_learning="Identity plus an edge detector: what a residual block adds to its "
        "input is often a correction of this kind.",
    ),
    _integer(
        "laplacian",
        "Laplacian",
        [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
        detects="Edges of any orientation and isolated spots: it is zero on flat areas and "
        "on constant slopes, large where the slope changes.",
        formula=r"\nabla^2 I = \frac{\partial^2 I}{\partial x^2} + "
        r"\frac{\partial^2 I}{\partial y^2}",
        deep_learning="A centre–surround filter, like the receptive fields of retinal cells; "
        "learned filters with a centre of one sign and a ring of the other resemble it.",
    ),
    _integer(
        "emboss",
        "Emboss",
        [[-2, -1, 0], [-1, 1, 1], [0, 1, 2]],
        detects="Diagonal change from top-left to bottom-right, added to the image itself "
        "(the identity plus a diagonal gradient): the picture looks raised, as if lit from "
        "one side.",
        formula=r"\begin{bmatrix}0&0&0\\0&1&0\\0&0&0\end{bmatrix} + "
        r"\begin{bmatrix}-2&-1&0\\-1&0&1\\0&1&2\end{bmatrix}",
        deep_learning="A directional filter at 45°: learned layers cover such diagonal "
        "orientations as well as the horizontal and vertical ones.",
    ),
    _split(
        "prewitt_x",
        "Prewitt X",
        [1, 1, 1],
        _DIFFERENCE,
        np.int64,
        detects="Vertical edges, like Sobel X but averaging the three rows equally.",
        formula=r"P_x = \begin{bmatrix}1\\1\\1\end{bmatrix}\begin{bmatrix}-1&0&1\end{bmatrix}",
        deep_learning="Another hand-picked smoothing-times-difference pair; a network "
        "chooses its own smoothing weights instead.",
    ),
    _split(
        "prewitt_y",
        "Prewitt Y",
        _DIFFERENCE,
        [1, 1, 1],
        np.int64,
        detects="Horizontal edges, averaging the three columns equally.",
        formula=r"P_y = \begin{bmatrix}-1\\0\\1\end{bmatrix}\begin{bmatrix}1&1&1\end{bmatrix}",
        deep_learning="Prewitt X turned by 90°.",
    ),
    _split(
        "scharr_x",
        "Scharr X",
        [3, 10, 3],
        _DIFFERENCE,
        np.int64,
        detects="Vertical edges, with weights tuned so that the response depends less on "
        "the edge's angle than Sobel's does.",
        formula=r"S_x = \begin{bmatrix}3\\10\\3\end{bmatrix}\begin{bmatrix}-1&0&1\end{bmatrix}",
        deep_learning="Shows that the best weights come from an objective (rotation "
        "accuracy), which is what training does for every filter of a CNN.",
    ),
    _split(
        "scharr_y",
        "Scharr Y",
        _DIFFERENCE,
        [3, 10, 3],
        np.int64,
        detects="Horizontal edges, with Scharr's angle-tuned weights.",
        formula=r"S_y = \begin{bmatrix}-1\\0\\1\end{bmatrix}\begin{bmatrix}3&10&3\end{bmatrix}",
        deep_learning="Scharr X turned by 90°.",
    ),
    _integer(
        "laplacian_of_gaussian",
        "Laplacian of Gaussian",
        [
            [0, 0, -1, 0, 0],
            [0, -1, -2, -1, 0],
            [-1, -2, 16, -2, -1],
            [0, -1, -2, -1, 0],
            [0, 0, -1, 0, 0],
        ],
        detects="Blobs and edges at one scale: smoothing first makes the second derivative "
        "ignore pixel noise. This 5×5 integer version is the negated LoG (positive centre, "
        "weights summing to 0), the 'Mexican hat'.",
        formula=r"-\nabla^2 G_\sigma * I,\quad G_\sigma(x, y) = "
        r"\frac{1}{2\pi\sigma^2} e^{-\frac{x^2 + y^2}{2\sigma^2}}",
        deep_learning="A centre–surround detector at a chosen scale; the stack of layers "
        "in a CNN finds features at many scales without being told the scale.",
    ),
)

KERNELS: dict[str, Kernel] = {kernel.name: kernel for kernel in _CATALOG}
"""Every catalog kernel by name, in display order."""


def _slug(name: str) -> str:
    return "_".join(name.strip().lower().replace("-", " ").replace("_", " ").split())


def get(name: str) -> Kernel:
    """Return the catalog kernel called ``name``, written as a slug or a title.

    ``"sobel_x"``, ``"Sobel X"`` and ``"sobel-x"`` all find the same kernel.

    Raises
    ------
    ValueError
        When no kernel has that name; the message lists the names there are.

    Examples
    --------
    >>> get("Gaussian blur").title
    'Gaussian blur'
    """
    if not isinstance(name, str):
        raise TypeError(f"kernel name must be a string, got {name!r}")
    try:
        return KERNELS[_slug(name)]
    except KeyError:
        raise ValueError(
            f"no kernel named {name!r}; the catalog has {', '.join(KERNELS)} "
            "(or use gaussian(size, sigma) for a Gaussian of another size)"
        ) from None


def _is_number(value: object, *numpy_types: type) -> bool:
    if isinstance(value, bool):
        return False
    python_types = (int, float) if np.floating in numpy_types else (int,)
    return isinstance(value, python_types + numpy_types)


def gaussian(size: int, sigma: float = 1.0) -> Kernel:
    """Return a normalised ``size × size`` Gaussian kernel with standard deviation ``sigma``.

    The weights are ``exp(-r² / 2σ²)`` sampled at integer offsets from the centre and scaled
    to sum to 1; the kernel is the outer product of its 1-D factor with itself.

    Parameters
    ----------
    size : int
        Side length, a positive odd number so that the kernel has a centre cell.
    sigma : float
        Standard deviation in cells, > 0.

    Examples
    --------
    >>> kernel = gaussian(5, 1.0)
    >>> kernel.values.shape, round(float(kernel.values.sum()), 12)
    ((5, 5), 1.0)
    """
    if not _is_number(size, np.integer) or size < 1 or size % 2 == 0:
        raise ValueError(f"size must be a positive odd int (3, 5, 7, …), got {size!r}")
    if not _is_number(sigma, np.integer, np.floating) or not math.isfinite(sigma) or sigma <= 0:
        raise ValueError(f"sigma must be a positive finite number, got {sigma!r}")
    offsets = np.arange(size) - size // 2
    bell = np.exp(-(offsets**2) / (2.0 * sigma**2))
    factor = bell / bell.sum()
    return _split(
        f"gaussian_{size}",
        f"Gaussian {size}×{size}, σ = {sigma:g}",
        factor,
        factor,
        np.float64,
        detects="Nothing in particular: a smooth weighted mean whose reach grows with σ.",
        formula=r"G_\sigma(x, y) = \frac{1}{Z} e^{-\frac{x^2 + y^2}{2\sigma^2}}, "
        r"\quad Z = \sum_{x,y} e^{-\frac{x^2 + y^2}{2\sigma^2}}",
        deep_learning="Blurring before a stride-2 layer reduces aliasing; networks also use "
        "Gaussian-like smoothing in their first layers.",
    )
