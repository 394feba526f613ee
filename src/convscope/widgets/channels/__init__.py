"""The ``channels`` widget: a kernel that spans every input channel, and one output per kernel.

The input is ``(C, H, W)`` (colour channels first, as PyTorch stores them) and the weight
``(C_out, C, kH, kW)``: one kernel of ``C`` slices per output channel. For the chosen output
channel and position the state holds each input channel's window, kernel slice, products and
sum, and the total, all read from :func:`convscope.trace`'s step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from ...engine import ConvSpec
from ...tracing.numbers import format_number, sum_terms
from ...tracing.step import trace
from ..base import NumberGrid, Widget, WidgetInputs, grid, text_grid
from ..explain import explained_step

MAX_SIDE = 8
MAX_KERNEL = 5
MAX_CHANNELS = 4
MAX_KERNELS = 4

Channel = grid(MAX_SIDE, MAX_SIDE)
KernelSlice = grid(MAX_KERNEL, MAX_KERNEL)
Name = Annotated[str, Field(min_length=1, max_length=12)]


class ChannelsInputs(WidgetInputs):
    """Inputs of the ``channels`` widget.

    Attributes
    ----------
    input : list of grids
        ``(C, H, W)``: 1–4 channels of at most 8×8 numbers each.
    weight : nested lists
        ``(C_out, C, kH, kW)``: 1–4 kernels, each with one at most 5×5 slice per input channel.
    channel_names : list of str
        What to call the input channels (e.g. ``["R", "G", "B"]``); numbered when empty.
    kernel_names : list of str
        What to call each kernel; numbered when empty.
    position : [int, int]
        The output cell to explain.
    c_out : int
        The output channel (the kernel) to explain.
    """

    input: Annotated[
        list[Channel],  # type: ignore[valid-type]
        Field(min_length=1, max_length=MAX_CHANNELS),
    ]
    weight: Annotated[
        list[Annotated[list[KernelSlice], Field(min_length=1, max_length=MAX_CHANNELS)]],  # type: ignore[valid-type]
        Field(min_length=1, max_length=MAX_KERNELS),
    ]
    channel_names: Annotated[list[Name], Field(max_length=MAX_CHANNELS, default_factory=list)]
    kernel_names: Annotated[list[Name], Field(max_length=MAX_KERNELS, default_factory=list)]
    position: Annotated[
        list[Annotated[int, Field(ge=0, le=MAX_SIDE - 1)]],
        Field(min_length=2, max_length=2, default_factory=lambda: [0, 0]),
    ]
    c_out: Annotated[int, Field(ge=0, le=MAX_KERNELS - 1)] = 0

    @field_validator("input")
    @classmethod
    def _same_size(cls, channels: list[NumberGrid]) -> list[NumberGrid]:
        if len({(len(c), len(c[0])) for c in channels}) != 1:
            raise ValueError("input channels must all have the same height and width")
        return channels

    @field_validator("weight")
    @classmethod
    def _one_slice_per_channel(cls, weight: list[list[NumberGrid]], info: ValidationInfo) -> Any:
        channels = len(info.data.get("input", [])) or len(weight[0])
        for number, kernel in enumerate(weight):
            if len(kernel) != channels:
                raise ValueError(
                    f"kernel {number + 1} has {_count(len(kernel), 'slice')}; it needs one per "
                    f"input channel ({channels})"
                )
        if len({(len(s), len(s[0])) for kernel in weight for s in kernel}) != 1:
            raise ValueError("all kernel slices must have the same height and width")
        image = info.data.get("input", [weight[0][0]])[0]
        if len(weight[0][0]) > len(image) or len(weight[0][0][0]) > len(image[0]):
            raise ValueError(
                f"kernel slices are {len(weight[0][0])}×{len(weight[0][0][0])}, larger than the "
                f"{len(image)}×{len(image[0])} input; use smaller slices"
            )
        return weight

    @field_validator("c_out")
    @classmethod
    def _existing_kernel(cls, c_out: int, info: ValidationInfo) -> int:
        kernels = len(info.data.get("weight", [])) or MAX_KERNELS
        if c_out >= kernels:
            raise ValueError(
                f"is {c_out}; the weight holds {_count(kernels, 'kernel')}, numbered from 0"
            )
        return c_out

    @field_validator("position")
    @classmethod
    def _inside_output(cls, position: list[int], info: ValidationInfo) -> list[int]:
        if "input" not in info.data or "weight" not in info.data:
            return position  # their own errors are reported instead
        image, kernel = info.data["input"][0], info.data["weight"][0][0]
        rows, cols = ConvSpec().output_size(
            (len(image), len(image[0])), (len(kernel), len(kernel[0]))
        )
        if position[0] >= rows or position[1] >= cols:
            raise ValueError(
                f"({position[0]}, {position[1]}) is outside the {rows}×{cols} output; use rows "
                f"0–{rows - 1} and columns 0–{cols - 1}"
            )
        return position


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _names(given: list[str], count: int, prefix: str) -> list[str]:
    return given[:count] + [f"{prefix} {k + 1}" for k in range(len(given), count)]


def _channel_parts(step: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
    parts = []
    for channel, name in enumerate(names):
        # explained_step reads channel 0, so hand it this channel alone
        alone = {key: [step[key][channel]] for key in ("window", "kernel", "products")}
        explained = explained_step({**step, **alone})
        explained["name"] = name
        explained["sum"] = format_number(step["channel_sums"][channel])
        explained["sum_text"] = step["channel_sum_texts"][channel]
        parts.append(explained)
    return parts


def build_state(inputs: ChannelsInputs) -> dict[str, Any]:
    """Return every channel, every output map and the explained step at the chosen cell.

    Examples
    --------
    >>> one = [[1, 2], [3, 4]]
    >>> state = build_state(ChannelsInputs(input=[one, one], weight=[[[[1]], [[2]]]]))
    >>> state["step"]["total_text"], state["outputs"][0]
    ('1 + 2 = 3', [['3', '6'], ['9', '12']])
    """
    conv = trace(inputs.input, inputs.weight)
    out_channels, out_rows, out_cols = conv.output.shape
    i, j = inputs.position
    step = conv.at(i, j, c_out=inputs.c_out).to_json()
    channel_names = _names(inputs.channel_names, len(inputs.input), "channel")
    return {
        "inputs": inputs.model_dump(),
        "channel_names": channel_names,
        "kernel_names": _names(inputs.kernel_names, out_channels, "kernel"),
        "input": [text_grid(channel) for channel in inputs.input],
        "kernel": [text_grid(part) for part in inputs.weight[inputs.c_out]],
        "outputs": [text_grid(plane) for plane in conv.output.tolist()],
        "shapes": {
            "input": list(conv.padded_input.shape[1:]),
            "weight": [out_channels, len(inputs.input), *conv.kernel_used.shape[2:]],
            "output": [out_channels, out_rows, out_cols],
        },
        "step": {
            "i": i,
            "j": j,
            "c_out": inputs.c_out,
            "rows": step["rows"],
            "cols": step["cols"],
            "channels": _channel_parts(step, channel_names),
            "total_text": step["sum_text"],
            "total_terms": sum_terms(step["channel_sums"]),
            "result": format_number(step["result"]),
        },
    }


WIDGET = Widget(
    name="channels",
    inputs=ChannelsInputs,
    build=build_state,
    esm=Path(__file__).with_name("channels.js"),
    css=Path(__file__).with_name("channels.css"),
)
