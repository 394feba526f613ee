"""The ``network_maps`` widget: draw a digit and watch the whole digits network answer.

A learner inks cells of an 8×8 pad (mouse, touch or keyboard) or picks a held-out digit; each
change sends the 64 pixels here and one forward pass of :mod:`convscope.network` returns every
layer's feature maps (as shade levels and numbers), the ten class probabilities and the
explanation of the one activation the learner picked (:mod:`.activations`). Nothing is kept
between requests: the pixels and the pick travel with every request.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

from ...network import bundled_weights, forward, held_out_split
from ...network.digits import PIXEL_MAX
from ..base import Widget, WidgetInputs
from ..field_errors import field_error
from . import activations as explain

SIDE = 8
SHADES = 8
"""Each map's cells are shaded in levels 0..8 of the largest value in their layer."""
Layer = Literal["conv1", "pool1", "conv2", "pool2", "linear"]
LAYERS: list[tuple[Layer, str, str]] = [
    ("conv1", "relu1", "conv1 → ReLU"),
    ("pool1", "pool1", "max pool 2×2"),
    ("conv2", "relu2", "conv2 → ReLU"),
    ("pool2", "pool2", "max pool 2×2"),
]
"""The maps the page draws: the layer a click explains, the values shown, the title."""


def _pixels_check(pixels: list[list[int]]) -> list[list[int]]:
    if len(pixels) != SIDE or any(len(row) != SIDE for row in pixels):
        lengths = [len(row) for row in pixels]
        raise PydanticCustomError(
            "drawing_size",
            "the drawing must be 8 rows of 8 cells, got rows of {lengths}",
            {"lengths": str(lengths)},
        )
    for r, row in enumerate(pixels):
        for c, value in enumerate(row):
            if not 0 <= value <= PIXEL_MAX:
                raise PydanticCustomError(
                    "ink_range",
                    "drawing cell [{row}, {column}] holds {value}; "
                    "each cell holds 0 (blank) to 16 (full ink)",
                    {"row": r, "column": c, "value": value},
                )
    return pixels


Pixels = Annotated[list[list[int]], AfterValidator(_pixels_check)]


class NetworkMapsInputs(WidgetInputs):
    """Inputs of the ``network_maps`` widget.

    Attributes
    ----------
    pixels : 8×8 grid of integers 0..16, or None
        The learner's drawing, ink per cell as in the bundled digits.
    example : int 0..9 or None
        Instead of a drawing: the first held-out image of this digit.
    layer : {'conv1', 'pool1', 'conv2', 'pool2', 'linear'}
        The layer of the activation to explain.
    channel, row, col : int
        Its position, from 0 (for ``linear``, ``channel`` is the digit and the others are 0).
    """

    pixels: Pixels | None = None
    example: Annotated[int, Field(ge=0, le=9)] | None = None
    layer: Layer = "conv1"
    channel: Annotated[int, Field(ge=0, le=15)] = 0
    row: Annotated[int, Field(ge=0, le=7)] = 0
    col: Annotated[int, Field(ge=0, le=7)] = 0


@cache
def examples() -> list[dict[str, int]]:
    """Return, for each digit, the position and label of its first held-out image."""
    held_out = held_out_split()[1]
    return [
        {"digit": digit, "index": int(np.flatnonzero(held_out.labels == digit)[0])}
        for digit in range(10)
    ]


def _image(inputs: NetworkMapsInputs) -> np.ndarray[Any, Any]:
    if inputs.example is not None:
        return np.asarray(
            held_out_split()[1].images[examples()[inputs.example]["index"]], dtype=np.int64
        )
    if inputs.pixels is None:
        raise field_error("pixels", "draw a digit on the pad or pick a held-out one")
    return np.asarray(inputs.pixels, dtype=np.int64)


def _levels(values: np.ndarray[Any, Any], top: float) -> list[Any]:
    if top <= 0:
        return np.zeros(values.shape, dtype=int).tolist()  # type: ignore[no-any-return]
    return np.round(np.clip(values / top, 0, 1) * SHADES).astype(int).tolist()  # type: ignore[no-any-return]


def _maps(layers: dict[str, Any]) -> list[dict[str, Any]]:
    shown = []
    for layer, values_name, title in LAYERS:
        values = layers[values_name][0]
        top = float(values.max())
        shown.append(
            {
                "layer": layer,
                "title": title,
                "shape": list(values.shape),
                "largest": explain.number(top),
                "levels": _levels(values, top),
                "values": explain.numbers(values),
            }
        )
    return shown


def _cell(inputs: NetworkMapsInputs, layers: dict[str, Any]) -> list[int]:
    if inputs.layer == "linear":
        if inputs.channel > 9:
            raise field_error("channel", f"there are 10 digits, 0 to 9; got digit {inputs.channel}")
        return [inputs.channel, 0, 0]
    shape = layers[inputs.layer].shape[1:]
    cell = [inputs.channel, inputs.row, inputs.col]
    for name, value, size in zip(("channel", "row", "col"), cell, shape, strict=True):
        if value >= size:
            raise field_error(
                name,
                f"{inputs.layer} has {size} {name}s, numbered 0 to {size - 1}; got {name} {value}",
            )
    return cell


def _explanation(
    inputs: NetworkMapsInputs, layers: dict[str, Any], cell: list[int]
) -> dict[str, Any]:
    if inputs.layer in explain.CONV_OF:
        return explain.explain_conv(layers, bundled_weights(), inputs.layer, cell)
    if inputs.layer in explain.POOL_OF:
        return explain.explain_pool(layers, inputs.layer, cell)
    return explain.explain_linear(layers, bundled_weights(), cell[0])


def build_state(inputs: NetworkMapsInputs) -> dict[str, Any]:
    """Return the drawing, every layer's maps, the probabilities and the picked activation.

    Examples
    --------
    >>> state = build_state(NetworkMapsInputs(example=3))
    >>> state["predicted"], state["label"], state["explanation"]["kind"]
    (3, 3, 'conv')
    """
    image = _image(inputs)
    layers = explain.layer_dict(forward(bundled_weights(), image))
    probabilities = layers["probabilities"][0]
    cell = _cell(inputs, layers)
    return {
        "inputs": inputs.model_dump(),
        "pixels": image.tolist(),
        "pixel_levels": _levels(image.astype(np.float64), float(PIXEL_MAX)),
        "seen": explain.numbers(layers["input"][0, 0]),
        "seen_levels": _levels(layers["input"][0, 0], 1.0),
        "label": None if inputs.example is None else inputs.example,
        "examples": examples(),
        "maps": _maps(layers),
        "probabilities": [
            {
                "digit": d,
                "text": explain._percent(float(p)),
                "value": float(p),
                "level": round(float(p) * 100),
            }
            for d, p in enumerate(probabilities)
        ],
        "predicted": int(probabilities.argmax()),
        "cell": cell,
        "explanation": _explanation(inputs, layers, cell),
        "field": explain.receptive(inputs.layer, cell),
    }


WIDGET = Widget(
    name="network_maps",
    inputs=NetworkMapsInputs,
    build=build_state,
    esm=Path(__file__).with_name("network_maps.js"),
    css=Path(__file__).with_name("network_maps.css"),
)
