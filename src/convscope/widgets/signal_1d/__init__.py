"""The ``signal_1d`` widget: a short signal through ``conv1d``, every output sample explained.

A signal is a one-row image, so each output sample's window, products and sum come from
:func:`convscope.trace` on that row, and its formula (``y₃ = w₀·x₃ + w₁·x₄ + w₂·x₅``) from
:func:`convscope.tracing.formula.formula_of` with ``one_d=True``. The output the page shows is
:func:`convscope.conv1d`'s own; the state also carries PyTorch's ``F.conv1d`` on the same
numbers (or says that PyTorch is not installed), and where each output sample sits on the
signal's axis (the middle of its window), so the page can plot both curves without computing.

The transposed operation (``conv_transpose1d``) is there too: each output sample is then the
sum of the samples whose stamps land on it, traced by :func:`convscope.trace_transposed` and
written as a formula by :func:`~convscope.tracing.formula.transposed_formula_of`.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import Field

from ...engine import conv1d, conv_transpose1d
from ...tracing import trace, trace_transposed
from ...tracing.formula import Formula, Term, formula_of, transposed_formula_of
from ...tracing.numbers import format_number
from ...tracing.step import ConvTrace, Step
from ...tracing.transposed import TransposedTrace
from ..base import LIMIT, Number, Widget, WidgetInputs, text_grid
from ..field_errors import field_error
from .series import PROVENANCE, temperature_series

MAX_SAMPLES = 32
MAX_TAPS = 7
KERNELS: dict[str, list[Number]] = {
    "smooth": [0.25, 0.5, 0.25],
    "difference": [-1, 1],
}
"""The two kernels the lesson starts from: a weighted average of three neighbours (its weights
are exact in binary, so the outputs are exact too) and the change from one sample to the next."""

Bounded = Annotated[Number, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)]


class Signal1dInputs(WidgetInputs):
    """Inputs of the ``signal_1d`` widget.

    Attributes
    ----------
    samples : list of 2–32 numbers
        The signal; by default three weeks of made-up daily highs (see :mod:`.series`).
    kernel : list of 1–7 numbers
    kernel_name : {'smooth', 'difference', 'custom'}
        The preset the kernel came from, for the page's buttons.
    padding : {'valid', 'same', 'causal'}
        ``causal`` pads ``dilation × (taps − 1)`` zeros on the left only; the transposed
        operation takes ``valid`` only.
    dilation : int 1–4
    operation : {'conv', 'transposed'}
        ``conv1d``, or ``conv_transpose1d``, which spreads each sample over the output.
    stride : int 1–3
    """

    samples: Annotated[list[Bounded], Field(min_length=2, max_length=MAX_SAMPLES)] = Field(
        default_factory=lambda: list[Number](temperature_series())
    )
    kernel: Annotated[list[Bounded], Field(min_length=1, max_length=MAX_TAPS)] = Field(
        default_factory=lambda: list(KERNELS["smooth"])
    )
    kernel_name: Literal["smooth", "difference", "custom"] = "smooth"
    padding: Literal["valid", "same", "causal"] = "valid"
    dilation: Annotated[int, Field(ge=1, le=4)] = 1
    operation: Literal["conv", "transposed"] = "conv"
    stride: Annotated[int, Field(ge=1, le=3)] = 1


def _left_right(inputs: Signal1dInputs) -> tuple[int, int]:
    """Return the zeros added on each side: PyTorch's rule for 'same', the causal recipe."""
    total = inputs.dilation * (len(inputs.kernel) - 1)
    if inputs.padding == "causal":
        return (total, 0)
    if inputs.padding == "same":
        return (total // 2, total - total // 2)
    return (0, 0)


def _check_fits(inputs: Signal1dInputs) -> None:
    span = inputs.dilation * (len(inputs.kernel) - 1) + 1
    left, right = _left_right(inputs)
    if span > len(inputs.samples) + left + right:
        reach = "" if inputs.dilation == 1 else f" (dilation {inputs.dilation})"
        raise field_error(
            "kernel",
            f"its {len(inputs.kernel)} taps span {span} samples{reach} but the signal has only "
            f"{len(inputs.samples)}; use fewer kernel taps, a smaller dilation, or padding "
            "'same' or 'causal'",
        )


def _taps(step: Step) -> list[dict[str, Any]]:
    return [
        {
            "position": col,
            "padded": bool(step.is_padding[0, b]),
            "value": format_number(step.window[0, 0, b].item()),
            "weight": format_number(step.kernel[0, 0, b].item()),
            "product": format_number(step.products[0, 0, b].item()),
        }
        for b, col in enumerate(step.cols)
    ]


def _step_json(traced: ConvTrace, t: int) -> dict[str, Any]:
    step = traced.at(0, t)
    return {
        "index": t,
        "taps": _taps(step),
        "sum_text": step.sum_text(),
        "result": format_number(step.result),
        "centre": float(np.mean(step.cols)),
        "formula": formula_of(traced, 0, t, one_d=True).to_json(),
    }


def _one_d(formula: Formula) -> Formula:
    """Return a one-row formula with column indices only (``y₂ = w₂·x₀ + w₀·x₁``)."""
    terms = tuple(
        Term(
            (term.weight[-1],),
            None if term.cell is None else (term.cell[-1],),
            term.weight_value,
            term.cell_value,
            term.padded,
        )
        for term in formula.terms
    )
    return Formula(formula.output[-1:], terms, formula.bias, formula.result)


def _transposed_step_json(
    traced: TransposedTrace, j: int, inputs: Signal1dInputs
) -> dict[str, Any]:
    step = traced.at(0, j)
    taps = [
        {
            "position": c.col,
            "tap": c.b,
            "padded": False,
            "value": format_number(c.value),
            "weight": format_number(c.weight),
            "product": format_number(c.product),
        }
        for c in step.contributions
    ]
    return {
        "index": j,
        "taps": taps,
        "sum_text": step.sum_text(),
        "result": format_number(step.result),
        # where the stamps landing here are centred, on the signal's axis, for the plot
        "centre": (j - inputs.dilation * (len(inputs.kernel) - 1) / 2) / inputs.stride,
        "formula": _one_d(transposed_formula_of(step)).to_json(),
    }


@cache
def _torch() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_line(inputs: Signal1dInputs) -> str:
    """Return the PyTorch call that computes the same output, as a learner would type it."""
    left = _left_right(inputs)[0]
    dilation = "" if inputs.dilation == 1 else f", dilation={inputs.dilation}"
    stride = "" if inputs.stride == 1 else f", stride={inputs.stride}"
    if inputs.operation == "transposed":
        return f"F.conv_transpose1d(x, w{stride}{dilation})"
    dilation = stride + dilation
    if inputs.padding == "causal":
        return f"F.conv1d(F.pad(x, ({left}, 0)), w{dilation})"
    padding = ', padding="same"' if inputs.padding == "same" else ""
    return f"F.conv1d(x, w{padding}{dilation})"


def torch_output(inputs: Signal1dInputs) -> list[float] | None:
    """Return ``torch.nn.functional.conv1d``'s answer in float64, or ``None`` without torch."""
    torch = _torch()
    if torch is None:
        return None
    functional = torch.nn.functional
    x = torch.tensor(inputs.samples, dtype=torch.float64).view(1, 1, -1)
    w = torch.tensor(inputs.kernel, dtype=torch.float64).view(1, 1, -1)
    if inputs.operation == "transposed":
        out = functional.conv_transpose1d(x, w, stride=inputs.stride, dilation=inputs.dilation)
    elif inputs.padding == "causal":
        x = functional.pad(x, _left_right(inputs))
        out = functional.conv1d(x, w, stride=inputs.stride, dilation=inputs.dilation)
    else:
        with warnings.catch_warnings():  # 'same' with an even span: torch notes it pads a copy
            warnings.simplefilter("ignore", UserWarning)
            out = functional.conv1d(
                x, w, stride=inputs.stride, padding=inputs.padding, dilation=inputs.dilation
            )
    return [float(value) for value in out.view(-1).tolist()]


def _torch_check(inputs: Signal1dInputs, ours: np.ndarray[Any, Any]) -> dict[str, Any]:
    theirs = torch_output(inputs)
    line = torch_line(inputs)
    if theirs is None:
        return {"available": False, "line": line, "message": "PyTorch is not installed here"}
    return {
        "available": True,
        "line": line,
        "version": str(_torch().__version__),
        "output": text_grid(theirs),
        "equal": bool(np.array_equal(ours.astype(np.float64), np.asarray(theirs))),
    }


def _convolved(inputs: Signal1dInputs) -> tuple[np.ndarray[Any, Any], list[dict[str, Any]]]:
    """Return ``conv1d``'s output and each sample's step, traced on the signal as one row."""
    _check_fits(inputs)
    ours = conv1d(
        inputs.samples,
        inputs.kernel,
        stride=inputs.stride,
        padding=inputs.padding,
        dilation=inputs.dilation,
    )
    traced = trace(
        [inputs.samples],
        [inputs.kernel],
        stride=(1, inputs.stride),
        padding=((0, 0), _left_right(inputs)),
        dilation=(1, inputs.dilation),
    )
    if not np.array_equal(traced.output[0], ours):  # one engine, two doors: they must agree
        raise AssertionError("the traced row differs from conv1d's output")
    return ours, [_step_json(traced, t) for t in range(len(ours))]


def _transposed(inputs: Signal1dInputs) -> tuple[np.ndarray[Any, Any], list[dict[str, Any]]]:
    """Return ``conv_transpose1d``'s output and each sample's gathered stamps."""
    if inputs.padding != "valid":
        raise field_error(
            "padding",
            f"the transposed convolution here adds no padding, not {inputs.padding!r}; "
            "choose 'valid (none)'",
        )
    ours = conv_transpose1d(
        inputs.samples, inputs.kernel, stride=inputs.stride, dilation=inputs.dilation
    )
    traced = trace_transposed(
        [inputs.samples], [inputs.kernel], stride=(1, inputs.stride), dilation=(1, inputs.dilation)
    )
    if not np.array_equal(traced.output[0], ours):
        raise AssertionError("the traced row differs from conv_transpose1d's output")
    return ours, [_transposed_step_json(traced, j, inputs) for j in range(len(ours))]


def build_state(inputs: Signal1dInputs) -> dict[str, Any]:
    """Return the signal, the output and every output sample's window and formula.

    Examples
    --------
    >>> state = build_state(Signal1dInputs(samples=[1, 2, 4, 7], kernel=[-1, 1]))
    >>> state["output"], state["steps"][0]["formula"]["substituted"]
    (['1', '2', '3'], 'y₀ = (−1)·1 + 1·2 = 1')
    >>> up = build_state(Signal1dInputs(samples=[1, 2], kernel=[1, 1], operation="transposed"))
    >>> up["output"], up["steps"][1]["formula"]["symbolic"]
    (['1', '3', '2'], 'y₁ = w₁·x₀ + w₀·x₁')
    """
    if inputs.operation == "transposed":
        ours, steps = _transposed(inputs)
    else:
        ours, steps = _convolved(inputs)
    return {
        "inputs": inputs.model_dump(),
        "samples": text_grid(inputs.samples),
        "sample_values": [float(value) for value in inputs.samples],
        "kernel": text_grid(inputs.kernel),
        "output": text_grid(ours.tolist()),
        "output_values": [float(value) for value in ours.tolist()],
        "padding_sides": list(_left_right(inputs)),
        "steps": steps,
        "presets": {name: text_grid(values) for name, values in KERNELS.items()},
        "preset_values": KERNELS,
        "provenance": PROVENANCE,
        "torch": _torch_check(inputs, ours),
    }


WIDGET = Widget(
    name="signal_1d",
    inputs=Signal1dInputs,
    build=build_state,
    esm=Path(__file__).with_name("signal_1d.js"),
    css=Path(__file__).with_name("signal_1d.css"),
    refuses={
        "input": "samples",
        "weight": "kernel",
        "kernel": "kernel",
        "dilation": "dilation",
        "stride": "stride",
    },
)
