"""The ``inspector`` widget: ``convscope inspect`` on the page, for a stack the learner types or
a small ONNX file they choose.

The learner pastes a stack description (``conv 3 64 7 s2 p3; bn; relu; maxpool 3 s2 p1``, the
grammar of :data:`convscope.inspection.GRAMMAR`) or picks an ``.onnx`` file, gives an input
size, and gets the command's table: each layer's output size with its formula filled in, the
rows and columns a floor division drops, the receptive field and its jump, parameters and
multiply-accumulates, and the totals. The ONNX file travels in the request as base64 and is
read from its graph alone, never run; a request body is at most 256 KB, so the page takes
files up to :data:`MAX_ONNX_BYTES` and says that a larger model is inspected in a terminal.
"""

from __future__ import annotations

import base64
import binascii
import tempfile
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ...inspection import (
    GRAMMAR,
    Inspection,
    ModelProblem,
    inspect_layers,
    onnx_layers,
    parse_input_size,
    parse_stack,
)
from ...inspection.report import pair_text, shape_text
from ..base import Widget, WidgetInputs
from ..field_errors import field_error

MAX_STACK_CHARS = 4000
MAX_ONNX_BYTES = 180 * 1024
"""The largest ONNX file the page sends (its base64 must fit a 256 KB request)."""
EXAMPLE = "conv 1 8 3 p1; relu; maxpool 2; conv 8 16 3 p1; relu; maxpool 2; flatten; linear 64 10"


class InspectorInputs(WidgetInputs):
    """Inputs of the ``inspector`` widget.

    Attributes
    ----------
    stack : str, at most 4,000 characters
        A stack description; ignored when ``onnx`` is given.
    input_size : str
        Rows and columns, ``"28"`` or ``"224,160"``.
    channels : int 1–4096 or None
        Input channels; ``None``: the first convolution's.
    onnx : str or None
        An ONNX file as base64, at most 180 KB before encoding.
    onnx_name : str
        The chosen file's name, shown back.
    """

    stack: Annotated[str, Field(max_length=MAX_STACK_CHARS)] = EXAMPLE
    input_size: Annotated[str, Field(max_length=20)] = "8"
    channels: Annotated[int, Field(ge=1, le=4096)] | None = None
    onnx: Annotated[str, Field(max_length=4 * (MAX_ONNX_BYTES // 3 + 1))] | None = None
    onnx_name: Annotated[str, Field(max_length=120)] = ""


def build_state(inputs: InspectorInputs) -> dict[str, Any]:
    """Return the inspection's table for ``inputs``, or a refusal naming the field at fault.

    Examples
    --------
    >>> state = build_state(InspectorInputs(stack="conv 3 8 3; maxpool 2", input_size="9"))
    >>> [row["output"] for row in state["rows"]], state["totals"]["params"]
    (['8×7×7', '8×3×3'], '224')
    """
    try:
        size = parse_input_size(inputs.input_size)
    except (ValueError, ModelProblem, TypeError) as error:
        raise field_error("input_size", str(error)) from None
    if inputs.onnx is not None:
        inspection = _from_onnx(inputs.onnx, size, inputs.channels)
        source = f"the ONNX file {inputs.onnx_name or ''}".rstrip()
    else:
        try:
            layers = parse_stack(inputs.stack)
        except ModelProblem as error:
            raise field_error("stack", str(error)) from None
        inspection = _inspected(layers, size, inputs.channels, "stack")
        source = "the stack you typed"
    return {"inputs": inputs.model_dump(), "source": source, **table(inspection)}


def table(inspection: Inspection) -> dict[str, Any]:
    """Return the inspection as the page draws it: every number already written out."""
    rows = []
    for row in inspection.rows:
        rows.append(
            {
                "index": row.index,
                "name": row.name,
                "kind": row.kind,
                "inputs": list(row.inputs),
                "output": shape_text(row.output_shape),
                "formulas": list(row.formulas),
                "dropped": pair_text(row.dropped) if row.dropped != (0, 0) else "",
                "field": pair_text(row.field_size),
                "jump": pair_text(row.field_jump),
                "params": f"{row.params:,}",
                "macs": f"{row.macs:,}",
            }
        )
    return {
        "input_shape": shape_text(inspection.input_shape),
        "rows": rows,
        "totals": {"params": f"{inspection.params:,}", "macs": f"{inspection.macs:,}"},
        "output_shape": shape_text(inspection.output_shape),
        "warnings": list(inspection.warnings),
        "grammar": GRAMMAR,
    }


def _inspected(layers: Any, size: Any, channels: int | None, field: str) -> Inspection:
    try:
        return inspect_layers(layers, size, channels)
    except ModelProblem as error:
        raise field_error(field, str(error)) from None


def _from_onnx(encoded: str, size: Any, channels: int | None) -> Inspection:
    try:
        content = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise field_error("onnx", "the chosen file did not arrive whole; choose it again") from None
    if len(content) > MAX_ONNX_BYTES:
        raise field_error(
            "onnx",
            f"the file is {len(content) // 1024} KB; the page reads ONNX files up to "
            f"{MAX_ONNX_BYTES // 1024} KB (run convscope inspect FILE.onnx in a terminal for "
            "a larger one)",
        )
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "model.onnx"
        path.write_bytes(content)
        try:
            layers = onnx_layers(path)
        except ModelProblem as error:
            raise field_error("onnx", str(error).replace(repr(str(path)), "the file")) from None
    return _inspected(layers, size, channels, "onnx")


WIDGET = Widget(
    name="inspector",
    inputs=InspectorInputs,
    build=build_state,
    esm=Path(__file__).with_name("inspector.js"),
    css=Path(__file__).with_name("inspector.css"),
)
