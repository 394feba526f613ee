"""The ``receptive`` widget: a stack of convolution and pooling layers, and what one cell sees.

For every layer the state holds the receptive field twice: from the formula
(:func:`convscope.receptive_field`) and measured by the engine, as the bounding box of the
input pixels with a path to one cell (:func:`~convscope.engine.path_counts`) and the shift of
that box between neighbouring cells. The maps of every layer carry, for the chosen cell of the
last layer, how many paths lead from each of their cells to it: the region it sees, with the
centre counted most.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from ...engine import ConvSpec, path_counts, receptive_field
from ...engine.pool import PoolSpec
from ..base import Widget, WidgetInputs, text_grid
from ..field_errors import field_error
from ..pictures import heat_levels

MAX_LAYERS = 5
MAX_MEASURED = 640  # input side of the engine's measurement; larger fields are refused


class Layer(BaseModel):
    """One layer of the stack: a convolution or a pooling window and how it slides."""

    model_config = ConfigDict(extra="forbid", strict=True)

    kind: Literal["conv", "max", "avg"] = "conv"
    kernel_size: Annotated[int, Field(ge=1, le=7)] = 3
    stride: Annotated[int, Field(ge=1, le=4)] = 1
    padding: Annotated[int, Field(ge=0, le=3)] = 0
    dilation: Annotated[int, Field(ge=1, le=3)] = 1


class ReceptiveInputs(WidgetInputs):
    """Inputs of the ``receptive`` widget.

    Attributes
    ----------
    input_size : int 4–24
        Rows and columns of the (square) input.
    layers : 1–5 layers
    cell : [int, int] or None
        The last layer's cell whose field is shown; ``None`` picks the centre.
    """

    input_size: Annotated[int, Field(ge=4, le=24)] = 12
    layers: Annotated[list[Layer], Field(min_length=1, max_length=MAX_LAYERS)]
    cell: Annotated[list[Annotated[int, Field(ge=0)]], Field(min_length=2, max_length=2)] | None = (
        None
    )


def _engine_layers(layers: list[Layer]) -> list[dict[str, int]]:
    found = []
    for index, layer in enumerate(layers):
        if layer.kind != "conv":
            try:
                PoolSpec.create(layer.kernel_size, layer.stride, layer.padding, layer.dilation)
            except ValueError as error:
                raise field_error(
                    "layers", f"layer {index + 1} ({layer.kind} pool): {error}"
                ) from None
            if layer.kind == "avg" and layer.dilation != 1:
                raise field_error("layers", f"layer {index + 1}: average pooling has no dilation")
        found.append(layer.model_dump(exclude={"kind"}))
    return found


def _map_sizes(layers: list[dict[str, int]], input_size: int) -> list[int]:
    sizes = [input_size]
    for index, layer in enumerate(layers):
        spec = ConvSpec.create(
            stride=layer["stride"], padding=layer["padding"], dilation=layer["dilation"]
        )
        try:
            sizes.append(spec.output_size((sizes[-1], sizes[-1]), (layer["kernel_size"],) * 2)[0])
        except ValueError:
            raise field_error(
                "layers",
                f"layer {index + 1} gets a {sizes[-1]}×{sizes[-1]} map, too small for "
                f"its {layer['kernel_size']}×{layer['kernel_size']} window (dilation "
                f"{layer['dilation']}, padding {layer['padding']}); use a larger input_size or "
                "fewer strided layers",
            ) from None
    return sizes


def measured_field(layers: list[dict[str, int]]) -> tuple[int, int]:
    """Return ``(size, jump)`` of the last layer's field measured with :func:`path_counts`.

    Two neighbouring cells whose fields lie wholly inside a large enough input are traced back;
    the size is the height of the bounding box of pixels with a path to the first cell, the jump
    how far that box moves for the second.
    """
    field = receptive_field(layers).layers[-1]
    first = -(field.start[0] // field.jump[0])  # the first cell whose field starts at row >= 0
    side = field.start[0] + (first + 1) * field.jump[0] + field.size[0]
    if side > MAX_MEASURED:
        raise field_error(
            "layers",
            f"this stack's receptive field ({field.size[0]} pixels, jump {field.jump[0]}) "
            f"is too large to measure here; use fewer, smaller or less strided layers",
        )
    boxes = [_row_box(path_counts(layers, side, cell, cell)) for cell in (first, first + 1)]
    return boxes[0][1] - boxes[0][0], boxes[1][0] - boxes[0][0]


def _row_box(counts: np.ndarray[Any, Any]) -> tuple[int, int]:
    rows = np.flatnonzero(counts.any(axis=1))
    return int(rows[0]), int(rows[-1]) + 1


def _layer_rows(inputs: ReceptiveInputs, layers: list[dict[str, int]]) -> list[dict[str, Any]]:
    field = receptive_field(layers)
    rows = []
    for index, layer in enumerate(inputs.layers):
        size, jump = measured_field(layers[: index + 1])
        formula = field.layers[index]
        rows.append(
            {
                "name": _layer_name(layer),
                "formula": {"size": formula.size[0], "jump": formula.jump[0]},
                "engine": {"size": size, "jump": jump},
                "equal": (size, jump) == (formula.size[0], formula.jump[0]),
            }
        )
    return rows


def _layer_name(layer: Layer) -> str:
    kind = {"conv": "conv", "max": "max pool", "avg": "avg pool"}[layer.kind]
    text = f"{kind} {layer.kernel_size}×{layer.kernel_size}, stride {layer.stride}"
    if layer.padding:
        text += f", padding {layer.padding}"
    if layer.dilation != 1:
        text += f", dilation {layer.dilation}"
    return text


def _maps(
    layers: list[dict[str, int]], sizes: list[int], cell: tuple[int, int]
) -> list[dict[str, Any]]:
    maps = []
    for level, size in enumerate(sizes):
        if level == len(layers):
            counts = np.zeros((size, size), dtype=np.int64)
            counts[cell] = 1
        else:
            counts = path_counts(layers[level:], size, *cell)
        label = "input" if level == 0 else f"after layer {level}"
        maps.append(
            {
                "label": f"{label}: {size}×{size}",
                "counts": text_grid(counts.tolist()),
                "levels": heat_levels(counts),
                "region": _region_text(counts) if level < len(layers) else None,
            }
        )
    return maps


def _region_text(counts: np.ndarray[Any, Any]) -> str:
    rows = np.flatnonzero(counts.any(axis=1))
    cols = np.flatnonzero(counts.any(axis=0))
    if not rows.size:  # the padding is so wide that this cell's window sees only padding
        return "no cell of this map: the window covers only padding"
    return (
        f"rows {rows[0]}–{rows[-1]}, columns {cols[0]}–{cols[-1]} "
        f"({len(rows)}×{len(cols)} cells inside the map); at most {_paths(int(counts.max()))} "
        "from one cell"
    )


def _paths(count: int) -> str:
    return f"{count:,} path" + ("" if count == 1 else "s")


def build_state(inputs: ReceptiveInputs) -> dict[str, Any]:
    """Return every layer's field by formula and by engine, and the path-count maps of a cell.

    Examples
    --------
    >>> layers = [Layer(kernel_size=3), Layer(kernel_size=3)]
    >>> state = build_state(ReceptiveInputs(input_size=6, layers=layers))
    >>> state["layers"][1]["formula"], state["layers"][1]["engine"]
    ({'size': 5, 'jump': 1}, {'size': 5, 'jump': 1})
    """
    layers = _engine_layers(inputs.layers)
    sizes = _map_sizes(layers, inputs.input_size)
    last = sizes[-1]
    cell = (last // 2, last // 2) if inputs.cell is None else (inputs.cell[0], inputs.cell[1])
    if not (cell[0] < last and cell[1] < last):
        raise field_error("cell", f"{list(cell)} is outside the last layer's {last}×{last} map")
    region = receptive_field(layers).region(*cell)
    return {
        "inputs": inputs.model_dump(),
        "cell": list(cell),
        "layers": _layer_rows(inputs, layers),
        "maps": _maps(layers, sizes, cell),
        "region": {
            "rows": [region[0], region[1] - 1],
            "cols": [region[2], region[3] - 1],
        },
        "limits": {"layers": MAX_LAYERS},
    }


WIDGET = Widget(
    name="receptive",
    inputs=ReceptiveInputs,
    build=build_state,
    esm=Path(__file__).with_name("receptive.js"),
    css=Path(__file__).with_name("receptive.css"),
)
