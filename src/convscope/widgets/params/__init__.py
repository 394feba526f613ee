"""The ``params`` widget: how many numbers a convolution layer learns, and how much it computes.

The count comes from :func:`convscope.param_count`, the multiply-accumulates from
:func:`convscope.mac_count` for one input image of the chosen size; the state also writes the
formula out with the layer's own numbers, so a learner can check it by hand.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ...engine import ConvSpec, mac_count, param_count
from ...tracing.numbers import format_number
from ..base import Widget, WidgetInputs
from ..field_errors import field_error

Channels = Annotated[int, Field(ge=1, le=4096)]
KernelSide = Annotated[int, Field(ge=1, le=15)]
ImageSide = Annotated[int, Field(ge=1, le=4096)]


class ParamsInputs(WidgetInputs):
    """Inputs of the ``params`` widget: the arguments of ``nn.Conv2d`` and an input size.

    Attributes
    ----------
    in_channels, out_channels : int
        1–4096 each.
    kernel_rows, kernel_cols : int
        1–15 each.
    bias : bool
        Whether the layer adds one learned number per output channel.
    groups : int
        Must divide both channel counts.
    input_rows, input_cols : int
        The size of the image the layer sees, for the multiply-accumulate count.
    stride, padding : int
        As in ``nn.Conv2d``.
    """

    in_channels: Channels = 3
    out_channels: Channels = 64
    kernel_rows: KernelSide = 3
    kernel_cols: KernelSide = 3
    bias: bool = True
    groups: Annotated[int, Field(ge=1, le=4096)] = 1
    input_rows: ImageSide = 224
    input_cols: ImageSide = 224
    stride: Annotated[int, Field(ge=1, le=16)] = 1
    padding: Annotated[int, Field(ge=0, le=16)] = 1


def _formula(inputs: ParamsInputs) -> dict[str, str]:
    """Return the weight count, the bias count and the total, written out with these numbers."""
    per_group = inputs.in_channels // inputs.groups
    weights = param_count(
        inputs.in_channels,
        inputs.out_channels,
        (inputs.kernel_rows, inputs.kernel_cols),
        bias=False,
        groups=inputs.groups,
    )
    total = param_count(
        inputs.in_channels,
        inputs.out_channels,
        (inputs.kernel_rows, inputs.kernel_cols),
        bias=inputs.bias,
        groups=inputs.groups,
    )
    factors = [inputs.kernel_rows, inputs.kernel_cols, per_group, inputs.out_channels]
    product = " × ".join(format_number(value) for value in factors)
    biases = inputs.out_channels if inputs.bias else 0
    return {
        "weights": f"{product} = {format_number(weights)}",
        "biases": format_number(biases),
        "total": format_number(total),
        "sum": f"{format_number(weights)} + {format_number(biases)} = {format_number(total)}",
    }


def _cost(inputs: ParamsInputs) -> dict[str, str]:
    spec = ConvSpec.create(stride=inputs.stride, padding=inputs.padding, groups=inputs.groups)
    kernel = (inputs.kernel_rows, inputs.kernel_cols)
    rows, cols = spec.output_size((inputs.input_rows, inputs.input_cols), kernel)
    macs = mac_count(
        inputs.in_channels,
        inputs.out_channels,
        kernel,
        (inputs.input_rows, inputs.input_cols),
        spec,
    )
    per_cell = inputs.kernel_rows * inputs.kernel_cols * (inputs.in_channels // inputs.groups)
    return {
        "output_shape": f"({inputs.out_channels}, {rows}, {cols})",
        "macs": format_number(macs),
        "macs_text": (
            f"{format_number(rows)} × {format_number(cols)} cells × "
            f"{format_number(inputs.out_channels)} channels × {format_number(per_cell)} "
            "products each"
        ),
    }


def build_state(inputs: ParamsInputs) -> dict[str, Any]:
    """Return the parameter count, the formula with these numbers and the layer's cost.

    Examples
    --------
    >>> build_state(ParamsInputs(in_channels=64, out_channels=128))["count"]["total"]
    '73,856'
    """
    if inputs.in_channels % inputs.groups or inputs.out_channels % inputs.groups:
        raise field_error(
            "groups",
            f"must divide both the input channels ({inputs.in_channels}) and the output "
            f"channels ({inputs.out_channels}); {inputs.groups} does not",
        )
    per_group = inputs.in_channels // inputs.groups
    weight_shape = (inputs.out_channels, per_group, inputs.kernel_rows, inputs.kernel_cols)
    count = _formula(inputs)
    return {
        "inputs": inputs.model_dump(),
        "call": (
            f"nn.Conv2d({inputs.in_channels}, {inputs.out_channels}, "
            f"kernel_size=({inputs.kernel_rows}, {inputs.kernel_cols}), stride={inputs.stride}, "
            f"padding={inputs.padding}, groups={inputs.groups}, bias={inputs.bias})"
        ),
        "weight_shape": "(" + ", ".join(str(side) for side in weight_shape) + ")",
        "count": count,
        "cost": _cost(inputs),
    }


WIDGET = Widget(
    name="params",
    inputs=ParamsInputs,
    build=build_state,
    esm=Path(__file__).with_name("params.js"),
    css=Path(__file__).with_name("params.css"),
    # the engine says "kernel 15×3 does not fit the padded input 3×224": the rows come first
    refuses={"kernel": "kernel_rows"},
)
