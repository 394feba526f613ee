"""The ``calculator`` widget: any small input, any kernel, stride, padding and dilation, traced.

Its state is everything the page shows: the padded input written out, the output, every
output cell's window, products and sum (from :func:`convscope.trace`), the output-size
formula filled in with the current numbers, and the catalog kernels offered as presets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from ... import kernels
from ...engine import ConvSpec
from ...engine.spec import window_count
from ...tracing.formula import formula_of
from ...tracing.numbers import format_number
from ...tracing.step import ConvTrace, trace
from ..base import LIMIT, Number, Widget, WidgetInputs, grid, text_grid
from ..explain import explained_trace

MAX_INPUT = 12
MAX_KERNEL = 7


class CalculatorInputs(WidgetInputs):
    """Inputs of the ``calculator`` widget.

    Attributes
    ----------
    input : grid of at most 12×12 numbers
    kernel : grid of at most 7×7 numbers
    kernel_name : str
        The catalog kernel the values came from, or ``"custom"``.
    stride, dilation : int
        1–4 and 1–3.
    padding : int or {'valid', 'same', 'full'}
        0–3 cells on every side, or a named rule.
    padding_mode : {'zeros', 'reflect', 'replicate', 'circular'}
    bias : number
        Added to every output number after its sum of products (0: no bias).
    """

    input: grid(MAX_INPUT, MAX_INPUT)  # type: ignore[valid-type]
    kernel: grid(MAX_KERNEL, MAX_KERNEL)  # type: ignore[valid-type]
    kernel_name: Annotated[str, Field(max_length=40)] = "custom"
    stride: Annotated[int, Field(ge=1, le=4)] = 1
    padding: Annotated[int, Field(ge=0, le=3)] | Literal["valid", "same", "full"] = 0
    padding_mode: Literal["zeros", "reflect", "replicate", "circular"] = "zeros"
    dilation: Annotated[int, Field(ge=1, le=3)] = 1
    bias: Annotated[Number, Field(ge=-LIMIT, le=LIMIT)] = 0


def _size_formula(size: int, pads: tuple[int, int], kernel: int, dilation: int, stride: int) -> str:
    top, bottom = pads
    inner = (
        f"{size} + {top} + {bottom} − {dilation}×({kernel} − 1) − 1"
        if dilation != 1
        else f"{size} + {top} + {bottom} − {kernel}"
    )
    result = window_count(size + top + bottom, dilation * (kernel - 1) + 1, stride)
    return f"⌊({inner}) ÷ {stride}⌋ + 1 = {format_number(result)}"


def _sizes(inputs: CalculatorInputs) -> dict[str, str]:
    spec = ConvSpec.create(stride=inputs.stride, padding=inputs.padding, dilation=inputs.dilation)
    kernel_size = (len(inputs.kernel), len(inputs.kernel[0]))
    pads = spec.resolve_padding(kernel_size)
    height, width = len(inputs.input), len(inputs.input[0])
    return {
        "rows": _size_formula(height, pads[0], kernel_size[0], *_pair(spec, 0)),
        "cols": _size_formula(width, pads[1], kernel_size[1], *_pair(spec, 1)),
    }


def _pair(spec: ConvSpec, axis: int) -> tuple[int, int]:
    return spec.dilation[axis], spec.stride[axis]


def _catalog() -> list[dict[str, Any]]:
    return [
        {"name": k.name, "title": k.title, "values": k.values.tolist(), "detects": k.detects}
        for k in kernels.KERNELS.values()
        if k.values.shape[0] <= MAX_KERNEL and k.values.shape[1] <= MAX_KERNEL
    ]


def _kernel_words(name: str) -> dict[str, str]:
    if name in kernels.KERNELS:
        kernel = kernels.KERNELS[name]
        return {"title": kernel.title, "detects": kernel.detects}
    return {"title": "Custom kernel", "detects": "Your own weights."}


def build_state(inputs: CalculatorInputs) -> dict[str, Any]:
    """Return the calculator's whole state for ``inputs``, every number from the engine.

    Examples
    --------
    >>> image = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
    >>> sobel_x = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    >>> state = build_state(CalculatorInputs(input=image, kernel=sobel_x))
    >>> state["trace"]["output"][2]
    ['320', '320', '320']
    """
    conv = trace(
        inputs.input,
        inputs.kernel,
        [inputs.bias] if inputs.bias else None,  # with a bias, each step adds "+ bias"
        stride=inputs.stride,
        padding=inputs.padding,
        dilation=inputs.dilation,
        padding_mode=inputs.padding_mode,
    )
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(inputs.input),
        "kernel": text_grid(inputs.kernel),
        "kernel_words": _kernel_words(inputs.kernel_name),
        "bias": format_number(inputs.bias),
        "trace": explained_trace(conv),
        "formulas": _formulas(conv),
        "size": _sizes(inputs),
        "catalog": _catalog(),
        "limits": {"input": MAX_INPUT, "kernel": MAX_KERNEL},
    }


def _formulas(conv: ConvTrace) -> list[dict[str, str]]:
    """Return each output cell's formula in the trace's step order, in names and in numbers."""
    rows, cols = conv.output_shape[2], conv.output_shape[3]
    formulas = []
    for i in range(rows):
        for j in range(cols):
            formula = formula_of(conv, i, j)
            formulas.append({"symbolic": formula.symbolic(), "substituted": formula.substituted()})
    return formulas


WIDGET = Widget(
    name="calculator",
    inputs=CalculatorInputs,
    build=build_state,
    esm=Path(__file__).with_name("calculator.js"),
)
