"""The ``groups`` widget: grouped and depthwise convolution, its connections and its cost.

With ``groups = g`` the input and output channels are split into ``g`` groups and each output
channel reads only the input channels of its group. The state lists those connections (one per
weight slice), the layer's parameters and multiply-accumulates from
:func:`convscope.engine.arithmetic.param_count` and :func:`~convscope.engine.arithmetic.mac_count`
with their formulas written out, and the depthwise-separable pair (a depthwise ``k×k`` layer, then
a pointwise ``1×1`` layer) next to one full convolution with the same input and output shape.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field

from ...engine import ConvSpec, mac_count, param_count
from ...tracing.numbers import format_number
from ..base import Widget, WidgetInputs
from ..field_errors import field_error

Channels = Annotated[int, Field(ge=1, le=8)]


class GroupsInputs(WidgetInputs):
    """Inputs of the ``groups`` widget.

    Attributes
    ----------
    in_channels, out_channels : int 1–8
    groups : int 1–8
        Must divide both channel counts.
    kernel_size : int 1–5
        The layer's kernel is ``kernel_size × kernel_size``; padding is ``(kernel_size − 1) // 2``
        so an odd kernel keeps the size.
    input_size : int 4–224
        Rows and columns of each input channel, for the multiply-accumulates.
    """

    in_channels: Channels = 6
    out_channels: Channels = 6
    groups: Annotated[int, Field(ge=1, le=8)] = 1
    kernel_size: Annotated[int, Field(ge=1, le=5)] = 3
    input_size: Annotated[int, Field(ge=4, le=224)] = 32


def _divisors(inputs: GroupsInputs) -> list[int]:
    """Return the groups both channel counts split into evenly: the slider's stops."""
    return [
        g
        for g in range(1, min(inputs.in_channels, inputs.out_channels) + 1)
        if inputs.in_channels % g == 0 and inputs.out_channels % g == 0
    ]


def _check_groups(inputs: GroupsInputs) -> None:
    choices = _divisors(inputs)
    if inputs.groups not in choices:
        listed = ", ".join(str(g) for g in choices[:-1])
        options = f"{listed} or {choices[-1]}" if listed else str(choices[-1])
        raise field_error(
            "groups",
            f"{inputs.groups} does not split {inputs.in_channels} input and "
            f"{inputs.out_channels} output channels into equal groups; choose {options}",
        )


def _layer(c_in: int, c_out: int, k: int, groups: int, size: int) -> dict[str, Any]:
    """Return one layer's counts, shapes and formulas, every number from the engine."""
    spec = ConvSpec.create(padding=(k - 1) // 2, groups=groups)
    params = param_count(c_in, c_out, k, groups=groups)
    macs = mac_count(c_in, c_out, k, size, spec)
    rows, cols = spec.output_size((size, size), (k, k))
    per_group = c_in // groups
    return {
        "params": params,
        "params_text": format_number(params),
        "params_formula": f"{k}×{k}×{per_group}×{c_out} + {c_out} = {format_number(params)}",
        "macs": macs,
        "macs_text": format_number(macs),
        "macs_formula": (
            f"{rows}×{cols}×{c_out} outputs × {k}×{k}×{per_group} = {format_number(macs)}"
        ),
        "weight_shape": [c_out, per_group, k, k],
        "output_shape": [c_out, rows, cols],
        "torch": (
            f"nn.Conv2d({c_in}, {c_out}, {k}, padding={(k - 1) // 2}"
            + ("" if groups == 1 else f", groups={groups}")
            + ")"
        ),
    }


def _connections(inputs: GroupsInputs) -> list[list[int]]:
    """Return ``[input channel, output channel]`` for every slice of the weight."""
    per_in = inputs.in_channels // inputs.groups
    per_out = inputs.out_channels // inputs.groups
    return [
        [i, o]
        for o in range(inputs.out_channels)
        for i in range((o // per_out) * per_in, (o // per_out + 1) * per_in)
    ]


def _separable(inputs: GroupsInputs) -> dict[str, Any]:
    c_in, c_out, k, size = (
        inputs.in_channels,
        inputs.out_channels,
        inputs.kernel_size,
        inputs.input_size,
    )
    depthwise = _layer(c_in, c_in, k, c_in, size)
    pointwise = _layer(c_in, c_out, 1, 1, size)
    full = _layer(c_in, c_out, k, 1, size)
    pair_params = depthwise["params"] + pointwise["params"]
    pair_macs = depthwise["macs"] + pointwise["macs"]
    return {
        "depthwise": depthwise,
        "pointwise": pointwise,
        "full": full,
        "pair_params": format_number(pair_params),
        "pair_macs": format_number(pair_macs),
        "same_shape": pointwise["output_shape"] == full["output_shape"],
        "params_share": f"{100 * pair_params / full['params']:.0f}%",
        "macs_share": f"{100 * pair_macs / full['macs']:.0f}%",
    }


def build_state(inputs: GroupsInputs) -> dict[str, Any]:
    """Return the grouped layer's connections and counts, and the depthwise-separable pair.

    Examples
    --------
    >>> state = build_state(GroupsInputs(groups=3))
    >>> state["layer"]["params_text"], state["group_choices"]
    ('114', [1, 2, 3, 6])
    """
    _check_groups(inputs)
    c_in, c_out, g = inputs.in_channels, inputs.out_channels, inputs.groups
    layer = _layer(c_in, c_out, inputs.kernel_size, g, inputs.input_size)
    dense = _layer(c_in, c_out, inputs.kernel_size, 1, inputs.input_size)
    return {
        "inputs": inputs.model_dump(),
        "group_choices": _divisors(inputs),
        "connections": _connections(inputs),
        "input_group": [i // (c_in // g) for i in range(c_in)],
        "output_group": [o // (c_out // g) for o in range(c_out)],
        "layer": layer,
        "dense": dense,
        "saving": f"{dense['params'] / layer['params']:.2f}".rstrip("0").rstrip("."),
        "depthwise": g == c_in == c_out,
        "separable": _separable(inputs),
    }


WIDGET = Widget(
    name="groups",
    inputs=GroupsInputs,
    build=build_state,
    esm=Path(__file__).with_name("groups.js"),
    css=Path(__file__).with_name("groups.css"),
)
