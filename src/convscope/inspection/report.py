"""What ``convscope inspect`` answers: one :class:`Row` per layer and the :class:`Inspection`
of a whole model, with its JSON and its self-contained HTML page (the first layer's filters
drawn). The arithmetic that fills them in is :mod:`.walk`.
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import asdict, dataclass, field
from typing import Any

import jinja2
import numpy as np
from numpy.typing import NDArray
from PIL import Image

from ..engine.spec import Pair

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Row:
    """One layer of an inspection.

    Attributes
    ----------
    index, name, kind : int, str, str
        Position (from 1), the layer's name in its model and what it is (``conv``, ``maxpool``…).
    input_shape, output_shape : tuple of int
        ``(C, H, W)`` of a feature map, or ``(F,)`` after a flatten.
    formulas : tuple of str
        The output-size rule with this layer's numbers, for rows then columns; empty when the
        layer keeps the shape.
    dropped, dropped_input : (int, int)
        Rows and columns at the bottom/right of the padded input that no window reaches, and
        how many of those are real input (not padding).
    field_size, field_jump : (int, int) or None
        Receptive field of one output cell, and the input pixels between neighbouring cells;
        None once the map is flattened or its windows are uneven.
    params, macs : int
        Learnable numbers, and multiply-accumulates for one image.
    inputs : tuple of str
        The layers this one reads, by name, when that is not just the row above (a shortcut,
        a residual sum); empty otherwise.
    """

    index: int
    name: str
    kind: str
    input_shape: Shape
    output_shape: Shape
    formulas: tuple[str, ...] = ()
    dropped: Pair = (0, 0)
    dropped_input: Pair = (0, 0)
    field_size: Pair | None = None
    field_jump: Pair | None = None
    params: int = 0
    macs: int = 0
    warnings: tuple[str, ...] = ()
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Inspection:
    """Every layer of a model for one input size, with totals; renders as JSON and HTML."""

    source: str
    input_shape: Shape
    rows: tuple[Row, ...]
    notes: tuple[str, ...] = field(default=())
    first_filters: NDArray[Any] | None = field(default=None, compare=False, repr=False)
    """The first convolution's ``(C_out, C_in/groups, kH, kW)`` weights, when the model has them."""

    @property
    def params(self) -> int:
        """Return the learnable numbers of the whole model."""
        return sum(row.params for row in self.rows)

    @property
    def macs(self) -> int:
        """Return the multiply-accumulates of one image through the whole model."""
        return sum(row.macs for row in self.rows)

    @property
    def output_shape(self) -> Shape:
        """Return the last layer's output shape."""
        return self.rows[-1].output_shape if self.rows else self.input_shape

    @property
    def warnings(self) -> tuple[str, ...]:
        """Return every row's warnings, in order."""
        return tuple(warning for row in self.rows for warning in row.warnings)

    def to_dict(self) -> dict[str, Any]:
        """Return the inspection as JSON-able data (what ``--json`` prints)."""
        return {
            "source": self.source,
            "input_shape": list(self.input_shape),
            "layers": [asdict(row) for row in self.rows],
            "totals": {"params": self.params, "macs": self.macs},
            "output_shape": list(self.output_shape),
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }

    def to_json(self) -> str:
        """Return :meth:`to_dict` as indented JSON text."""
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def to_html(self) -> str:
        """Return a self-contained HTML page of the table (no external assets; names escaped)."""
        environment = jinja2.Environment(
            loader=jinja2.PackageLoader("convscope.inspection", "templates"),
            autoescape=True,
        )
        return environment.get_template("inspect.html").render(
            inspection=self, shape=shape_text, pair=pair_text, filters=filter_pictures(self)
        )


MAX_FILTERS_DRAWN = 64


def _png(pixels: NDArray[np.uint8]) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def filter_pictures(inspection: Inspection) -> list[str]:
    """Return the first convolution's filters as PNG ``data:`` URLs, at most 64, each scaled up.

    A filter with three input channels is drawn in colour (its channels as red, green, blue),
    any other as the mean of its channels in grey; zero is mid-grey, and each filter is
    stretched by its own largest magnitude, as the lesson's kernel pictures are.
    """
    weight = inspection.first_filters
    if weight is None or weight.ndim != 4:
        return []
    pictures = []
    for kernel in weight[:MAX_FILTERS_DRAWN]:
        planes = kernel if kernel.shape[0] == 3 else kernel.mean(axis=0, keepdims=True)
        largest = float(np.abs(planes).max()) or 1.0
        levels = np.clip(np.rint(127.5 + 127.5 * planes / largest), 0, 255).astype(np.uint8)
        pixels = np.moveaxis(levels, 0, -1) if levels.shape[0] == 3 else levels[0]
        scale = max(1, 48 // max(pixels.shape[0], pixels.shape[1]))
        pixels = pixels.repeat(scale, axis=0).repeat(scale, axis=1)
        encoded = base64.b64encode(_png(pixels)).decode("ascii")
        pictures.append("data:image/png;base64," + encoded)
    return pictures


def shape_text(shape: Shape) -> str:
    """Return ``64×56×56`` for a shape."""
    return "×".join(str(n) for n in shape)


def pair_text(pair: Pair | None) -> str:
    """Return ``7×7`` for a pair, ``—`` for None."""
    return "—" if pair is None else f"{pair[0]}×{pair[1]}"
