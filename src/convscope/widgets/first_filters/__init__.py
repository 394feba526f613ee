"""The ``first_filters`` widget: the digits network's learned 3×3 filters beside the catalogue.

Each of the eight ``conv1`` filters is compared with every 3×3 kernel of
:mod:`convscope.kernels` by the cosine of the angle between their nine numbers (so the scale
does not count and a negative cosine means the same pattern with its sign flipped). The state
holds every filter and kernel written out, shade levels for their pictures and the ranking.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from ...kernels import KERNELS
from ...network import bundled_weights
from ...tracing.numbers import format_number
from ..base import Widget, WidgetInputs

SHADES = 4
"""A picture's cells are shaded −4..4: their share of the largest magnitude, in quarters."""


class FirstFiltersInputs(WidgetInputs):
    """Inputs of the ``first_filters`` widget.

    Attributes
    ----------
    filter : int 0..7
        The learned filter compared in detail.
    """

    filter: Annotated[int, Field(ge=0, le=7)] = 0


def _written(values: NDArray[Any]) -> list[list[str]]:
    return [[format_number(round(float(v), 3)) for v in row] for row in values]


def _levels(values: NDArray[Any]) -> list[list[int]]:
    top = float(np.abs(values).max())
    if top == 0:
        return np.zeros(values.shape, dtype=int).tolist()  # type: ignore[no-any-return]
    return np.round(values / top * SHADES).astype(int).tolist()  # type: ignore[no-any-return]


def cosine(a: NDArray[Any], b: NDArray[Any]) -> float:
    """Return the cosine of the angle between ``a`` and ``b`` seen as vectors (0 if either is 0)."""
    x, y = np.ravel(a).astype(np.float64), np.ravel(b).astype(np.float64)
    norms = float(np.linalg.norm(x) * np.linalg.norm(y))
    return 0.0 if norms == 0 else float(x @ y / norms)


@cache
def _catalogue() -> list[dict[str, Any]]:
    shown = []
    for kernel in KERNELS.values():
        if kernel.values.shape != (3, 3):
            continue
        values = np.asarray(kernel.values, dtype=np.float64)
        shown.append(
            {
                "name": kernel.name,
                "title": kernel.title,
                "values": _written(values),
                "levels": _levels(values),
            }
        )
    return shown


def _ranking(weights: NDArray[Any]) -> list[dict[str, Any]]:
    scores = [(cosine(weights, KERNELS[k["name"]].values), k) for k in _catalogue()]
    scores.sort(key=lambda pair: -abs(pair[0]))
    return [
        {
            "name": k["name"],
            "title": k["title"],
            "cosine": format_number(round(score, 2)),
            "value": score,
            "flipped": score < 0,
        }
        for score, k in scores
    ]


def build_state(inputs: FirstFiltersInputs) -> dict[str, Any]:
    """Return every learned filter with its closest catalogue kernel, and the chosen one's ranking.

    Examples
    --------
    >>> state = build_state(FirstFiltersInputs(filter=0))
    >>> len(state["filters"]), len(state["ranking"]) == len(state["catalogue"])
    (8, True)
    """
    weights = bundled_weights()["conv1.weight"][:, 0]
    biases = bundled_weights()["conv1.bias"]
    filters = []
    for index, values in enumerate(weights):
        best = _ranking(values)[0]
        filters.append(
            {
                "index": index,
                "values": _written(values),
                "levels": _levels(values),
                "bias": format_number(round(float(biases[index]), 3)),
                "closest": best,
            }
        )
    return {
        "inputs": inputs.model_dump(),
        "filters": filters,
        "catalogue": _catalogue(),
        "ranking": _ranking(weights[inputs.filter]),
    }


WIDGET = Widget(
    name="first_filters",
    inputs=FirstFiltersInputs,
    build=build_state,
    esm=Path(__file__).with_name("first_filters.js"),
    css=Path(__file__).with_name("first_filters.css"),
)
