"""One activation of the digits network explained: its window, products, sums, ReLU or winner.

Every explanation is computed by convscope's own tools on the network's own layers: a
convolution cell by :func:`convscope.trace` on the layer's input with the network's weights, a
pooled cell by :func:`convscope.tracing.trace_pool` on the ReLU map, a class score by the linear
layer's products ``weight × flatten`` sorted by size. Positions count from 0.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...engine.receptive import path_counts, receptive_field
from ...network.model import PADDING, POOL, Activation, Weights
from ...tracing.numbers import format_number
from ...tracing.pooling import trace_pool
from ...tracing.step import trace

DIGITS = 3
"""Significant digits of the numbers shown in the maps and the explanations."""
TOP_CONTRIBUTIONS = 8
CONV_OF = {"conv1": ("input", "relu1"), "conv2": ("pool1", "relu2")}
POOL_OF = {"pool1": "relu1", "pool2": "relu2"}
FIELD_LAYERS: dict[str, list[dict[str, int]]] = {
    "conv1": [{"kernel_size": 3, "padding": PADDING}],
    "pool1": [{"kernel_size": 3, "padding": PADDING}, {"kernel_size": POOL, "stride": POOL}],
}
FIELD_LAYERS["conv2"] = [*FIELD_LAYERS["pool1"], {"kernel_size": 3, "padding": PADDING}]
FIELD_LAYERS["pool2"] = [*FIELD_LAYERS["conv2"], {"kernel_size": POOL, "stride": POOL}]


def number(value: Any) -> str:
    """Return ``value`` written as the maps and explanations show it (3 significant digits)."""
    value = float(value)
    text = f"{value:.{DIGITS}g}"
    if value == 0:
        return "0"
    if "e" in text or "inf" in text or "nan" in text:
        return format_number(value, digits=DIGITS)  # the package's words for the rare cases
    return text.replace("-", "−")


def numbers(values: Any) -> list[Any]:
    """Return nested values written out with :func:`number`."""
    array = np.asarray(values, dtype=np.float64)
    flat = [number(value) for value in array.ravel().tolist()]
    return np.array(flat, dtype=object).reshape(array.shape).tolist()  # type: ignore[no-any-return]


def flatten_name(index: int) -> str:
    """Return which pooled cell feeds position ``index`` of the flattened vector."""
    channel, rest = divmod(index, 4)
    return f"pool2[{channel}, {rest // 2}, {rest % 2}]"


def explain_conv(
    layers: dict[str, Any], weights: Weights, layer: str, cell: list[int]
) -> dict[str, Any]:
    """Return how ``layer`` (``conv1`` or ``conv2``) computed ``cell``: channel, row, column."""
    source, after = CONV_OF[layer]
    c, i, j = cell
    step = trace(
        layers[source], weights[f"{layer}.weight"], weights[f"{layer}.bias"], padding=PADDING
    ).at(i, j, c_out=c)
    channels = [
        {
            "channel": int(k),
            "window": numbers(step.window[n]),
            "kernel": numbers(step.kernel[n]),
            "products": numbers(step.products[n]),
            "signs": _signs(step.products[n]),
            "sum_text": _short_sum(step.products[n].ravel(), step.channel_sums[n]),
            "sum": number(step.channel_sums[n]),
        }
        for n, k in enumerate(step.channels)
    ]
    activation = float(layers[after][0, c, i, j])
    total = float(np.sum(step.channel_sums))
    return {
        "kind": "conv",
        "source": source,
        "is_padding": step.is_padding.tolist(),
        "rows": step.rows,
        "cols": step.cols,
        "channels": channels,
        "sum_text": _short_sum(step.channel_sums, total),
        "bias": number(step.bias),
        "bias_text": f"{number(total)} + {number(step.bias)} = {number(step.result)}".replace(
            "+ −", "− "
        ),
        "z": number(step.result),
        "z_value": float(step.result),
        "z_forward": float(layers[layer][0, c, i, j]),
        "relu": number(activation),
        "relu_value": activation,
        "relu_text": f"ReLU: max(0, {number(step.result)}) = {number(activation)}",
    }


def explain_pool(layers: dict[str, Any], layer: str, cell: list[int]) -> dict[str, Any]:
    """Return the 2×2 window of the ReLU map behind pooled cell ``cell`` and the one that won."""
    source = POOL_OF[layer]
    c, i, j = cell
    step = trace_pool(layers[source][0, c], "max", POOL).at(i, j)
    assert step.winner is not None
    won = [int(step.rows[step.winner[0]]), int(step.cols[step.winner[1]])]
    return {
        "kind": "pool",
        "source": source,
        "rows": [int(r) for r in step.rows],
        "cols": [int(k) for k in step.cols],
        "window": numbers(step.window),
        "winner": [int(step.winner[0]), int(step.winner[1])],
        "winner_cell": won,
        "result": number(step.result),
        "value": float(step.result),
        "forward": float(layers[layer][0, c, i, j]),
        "text": f"max({', '.join(map(number, np.ravel(step.window)))}) = {number(step.result)}",
    }


def explain_linear(layers: dict[str, Any], weights: Weights, digit: int) -> dict[str, Any]:
    """Return class ``digit``'s score: its largest products ``weight × pooled value``, bias, sum."""
    flat = layers["flatten"][0]
    row = weights["linear.weight"][digit]
    products = row * flat
    order = np.argsort(-np.abs(products), kind="stable")
    top, rest = order[:TOP_CONTRIBUTIONS], order[TOP_CONTRIBUTIONS:]
    bias = float(weights["linear.bias"][digit])
    logit = float(layers["logits"][0, digit])
    rest_sum = float(products[rest].sum())
    return {
        "kind": "linear",
        "digit": digit,
        "terms": [
            {
                "from": flatten_name(int(m)),
                "value": number(flat[m]),
                "weight": number(row[m]),
                "product": number(products[m]),
                "sign": "pos" if products[m] > 0 else "neg" if products[m] < 0 else "zero",
            }
            for m in top
        ],
        "rest_count": len(rest),
        "rest_zero": int(np.count_nonzero(flat[rest] == 0)),
        "rest_sum": number(rest_sum),
        "bias": number(bias),
        "logit": number(logit),
        "logit_value": logit,
        "sum_value": float(products[top].sum()) + rest_sum + bias,
        "probability": _percent(float(layers["probabilities"][0, digit])),
    }


def receptive(layer: str, cell: list[int]) -> dict[str, Any]:
    """Return which input pixels reach the activation at ``cell`` and through how many paths."""
    if layer == "linear":
        counts = np.ones((8, 8), dtype=np.int64)
        return {"counts": counts.tolist(), "size": 8, "words": "every pixel of the input"}
    _, i, j = cell
    counts = path_counts(FIELD_LAYERS[layer], 8, i, j)
    size = _field_size(FIELD_LAYERS[layer])
    inside = int(np.count_nonzero(counts))
    words = f"a {size}×{size} field of the input; {inside} of its pixels are on the page"
    if inside == size * size:
        words = f"a {size}×{size} field of the input"
    return {"counts": counts.tolist(), "size": size, "words": words}


def _field_size(layers: list[dict[str, int]]) -> int:
    return int(receptive_field(layers).size[0])


def _signs(products: NDArray[Any]) -> list[list[str]]:
    return np.where(products > 0, "pos", np.where(products < 0, "neg", "zero")).tolist()  # type: ignore[no-any-return]


def _short_sum(terms: NDArray[Any], total: Any) -> str:
    shown = [number(t) for t in np.ravel(terms)]
    text = " + ".join(shown).replace("+ −", "− ")
    return f"{text} = {number(total)}"


def _percent(probability: float) -> str:
    return f"{format_number(round(probability * 100, 1))} %"


def layer_dict(activations: list[Activation]) -> dict[str, Any]:
    """Return the forward pass's layers by name."""
    return {layer.name: layer.values for layer in activations}
