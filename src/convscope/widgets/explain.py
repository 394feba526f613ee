"""Trace JSON with every number also written out, shared by the widgets that explain a cell.

The browser never formats numbers: each step of a :class:`~convscope.tracing.step.ConvTrace`
gets the strings a person writes (``−10``, ``1,792``) beside its numbers, and a sign per
product so positive and negative terms can be told apart without reading them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..tracing.numbers import format_number
from ..tracing.step import ConvTrace
from .base import text_grid


def _signs(products: Any) -> list[list[str]]:
    values = np.asarray(products, dtype=np.float64)
    return np.where(values > 0, "pos", np.where(values < 0, "neg", "zero")).tolist()  # type: ignore[no-any-return]


def explained_step(step: dict[str, Any]) -> dict[str, Any]:
    """Return one trace step (single channel) with its grids flattened to 2-D and written out."""
    window, kernel, products = step["window"][0], step["kernel"][0], step["products"][0]
    return {
        "i": step["i"],
        "j": step["j"],
        "rows": step["rows"],
        "cols": step["cols"],
        "is_padding": step["is_padding"],
        "window": text_grid(window),
        "kernel": text_grid(kernel),
        "products": text_grid(products),
        "signs": _signs(products),
        "result": format_number(step["result"]),
        "sum_text": step["sum_text"],
        # the sum plus the bias (``6 + 5 = 11``), for a step whose convolution has one
        **({"bias_text": step["bias_text"]} if step.get("bias_text") else {}),
    }


def explained_trace(trace: ConvTrace) -> dict[str, Any]:
    """Return what a grid widget needs from a 2-D trace: padded input, output, every step."""
    data = trace.to_json()
    padded = data["padded_input"][0][0]
    return {
        "dtype": data["dtype"],
        "spec": data["spec"],
        "pad_offset": data["pad_offset"],
        "padding_mask": data["padding_mask"],
        "padded_input": text_grid(padded),
        "output": text_grid(data["output"]),
        "output_shape": data["output_shape"][2:],
        "steps": [explained_step(step) for step in data["steps"]],
    }
