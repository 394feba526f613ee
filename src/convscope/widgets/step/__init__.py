"""The ``step`` widget: one output position worked out by hand — window, kernel, products, sum."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ...tracing.step import trace
from ..base import Widget, WidgetInputs, grid, text_grid
from ..explain import explained_step
from ..field_errors import field_error


class StepInputs(WidgetInputs):
    """Inputs of the ``step`` widget: an image, a kernel and the output position to explain."""

    input: grid(12, 12)  # type: ignore[valid-type]
    kernel: grid(7, 7)  # type: ignore[valid-type]
    position: Annotated[list[Annotated[int, Field(ge=0, le=11)]], Field(min_length=2, max_length=2)]


def build_state(inputs: StepInputs) -> dict[str, Any]:
    """Return the input, the kernel and the explained step at ``position``.

    Examples
    --------
    >>> image = [[10, 20, 30], [20, 40, 60], [30, 60, 90]]
    >>> state = build_state(StepInputs(input=image, kernel=[[-1, 0, 1]] * 3, position=[0, 0]))
    >>> state["step"]["result"]
    '120'
    """
    conv = trace(inputs.input, inputs.kernel)
    i, j = inputs.position
    rows, cols = conv.output.shape[-2:]
    if i >= rows or j >= cols:
        raise field_error(
            "position",
            f"is [{i}, {j}], outside the {rows}×{cols} output; rows are counted 0 to {rows - 1} "
            f"and columns 0 to {cols - 1}",
        )
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(inputs.input),
        "output_shape": list(conv.output.shape),
        "step": explained_step(conv.at(i, j).to_json()),
    }


WIDGET = Widget(
    name="step", inputs=StepInputs, build=build_state, esm=Path(__file__).with_name("step.js")
)
