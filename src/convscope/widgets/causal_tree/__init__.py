"""The ``causal_tree`` widget: a stack of causal dilated 1-D layers and who reaches whom.

Each layer is ``conv1d(..., padding='causal', dilation=d)``, so it keeps the signal's length
and output ``t`` reads samples ``t, t − d, …, t − d(k − 1)`` and nothing later. Which samples
reach an output is computed by the engine, not by drawing rules: an impulse at every node of a
level is run through the remaining layers with kernels of ones, and the answer at each output
is the number of paths from that node to it. The receptive field of
:func:`convscope.engine.receptive.receptive_field` is stated beside it, and the builder checks
that every sample reached lies inside it; a stack whose dilations skip (all 2, say) leaves
gaps there, which the state lists.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import Field

from ...engine import conv1d
from ...engine.receptive import receptive_field
from ..base import Widget, WidgetInputs

Dilation = Annotated[int, Field(ge=1, le=8)]


class CausalTreeInputs(WidgetInputs):
    """Inputs of the ``causal_tree`` widget.

    Attributes
    ----------
    length : int 4–32
        Samples in the signal (and in every layer: causal padding keeps the length).
    kernel_size : int 2–3
        Taps of every layer's kernel.
    dilations : list of 1–4 ints, each 1–8
        One dilation per layer, from the input up; WaveNet's stack doubles them.
    """

    length: Annotated[int, Field(ge=4, le=32)] = 24
    kernel_size: Annotated[int, Field(ge=2, le=3)] = 2
    dilations: Annotated[list[Dilation], Field(min_length=1, max_length=4)] = Field(
        default_factory=lambda: [1, 2, 4, 8]
    )


def _paths(inputs: CausalTreeInputs, first: int) -> NDArray[np.int64]:
    """Return ``paths[u, t]``: how many paths lead from node ``u`` of level ``first`` to
    output ``t``, by running an impulse at each node through the layers above it."""
    ones = np.ones((1, 1, inputs.kernel_size), dtype=np.int64)
    signal = np.eye(inputs.length, dtype=np.int64).reshape(inputs.length, 1, inputs.length)
    for dilation in inputs.dilations[first:]:
        signal = conv1d(signal, ones, padding="causal", dilation=dilation)
    return signal[:, 0, :]


def _edges(inputs: CausalTreeInputs, dilation: int) -> list[list[int]]:
    """Return ``[from, to]`` for each tap of one layer that meets a sample, not padding."""
    k = inputs.kernel_size
    return [
        [u - dilation * (k - 1 - m), u]
        for u in range(inputs.length)
        for m in range(k)
        if u - dilation * (k - 1 - m) >= 0
    ]


def _field_words(inputs: CausalTreeInputs, size: int) -> str:
    reaches = " + ".join(str(d) for d in inputs.dilations)
    return f"1 + ({inputs.kernel_size} − 1) × ({reaches}) = {size} samples"


def _output_json(t: int, levels: list[NDArray[np.int64]], size: int) -> dict[str, Any]:
    reached = [np.flatnonzero(paths[:, t]).tolist() for paths in levels]
    first = max(0, t - size + 1)
    if not set(reached[0]) <= set(range(first, t + 1)):  # the paths and the field must agree
        raise AssertionError(f"output {t}: paths reach {reached[0]}, the field is {first}…{t}")
    return {
        "index": t,
        "reached": reached,
        "paths": [int(levels[0][s, t]) for s in reached[0]],
        "first": first,
        "gaps": sorted(set(range(first, t + 1)) - set(reached[0])),
        "cut_by_start": t - size + 1 < 0,
    }


def build_state(inputs: CausalTreeInputs) -> dict[str, Any]:
    """Return the layers, their connections and, for every output, the nodes that reach it.

    Examples
    --------
    >>> state = build_state(CausalTreeInputs(length=6, dilations=[1, 2]))
    >>> state["field"], state["outputs"][5]["reached"][0]
    (4, [2, 3, 4, 5])
    """
    layers = [
        {"kernel_size": (1, inputs.kernel_size), "dilation": (1, d)} for d in inputs.dilations
    ]
    size = receptive_field(layers).size[1]
    levels = [_paths(inputs, first) for first in range(len(inputs.dilations) + 1)]
    return {
        "inputs": inputs.model_dump(),
        "levels": [
            "input",
            *(f"layer {n + 1}, dilation {d}" for n, d in enumerate(inputs.dilations)),
        ],
        "edges": [_edges(inputs, d) for d in inputs.dilations],
        "field": size,
        "field_words": _field_words(inputs, size),
        "outputs": [_output_json(t, levels, size) for t in range(inputs.length)],
        "pytorch": (
            f"F.conv1d(F.pad(x, (d × {inputs.kernel_size - 1}, 0)), w, dilation=d) for d in "
            f"{', '.join(str(d) for d in inputs.dilations)}"
        ),
    }


WIDGET = Widget(
    name="causal_tree",
    inputs=CausalTreeInputs,
    build=build_state,
    esm=Path(__file__).with_name("causal_tree.js"),
    css=Path(__file__).with_name("causal_tree.css"),
)
