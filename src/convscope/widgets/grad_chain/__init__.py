"""The ``grad_chain`` widget: a gradient followed back through a pool and a ReLU to the weights.

The chain is ``z = conv2d(x, w)``, ``a = relu(z)``, ``p = pool(a)`` (2×2 windows, stride 2, max
or average) and the loss ``L = Σ g·p`` for a gradient ``g`` at the pooled output (ones unless
the lesson gives one). Going back, the pool hands each ``g`` to its window's winner (max) or
shares it by the divisor (average), :func:`convscope.tracing.trace_pool_grad`; the ReLU passes a
gradient where ``z > 0`` and blocks it elsewhere (PyTorch's rule, 0 at ``z = 0``); the weights'
gradient is then the weight view of ``∂L/∂z`` (:mod:`..grad_weight.views`). Cells that receive no
gradient are marked with the reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from ...engine import avg_pool2d, max_pool2d
from ...tracing.numbers import format_number
from ...tracing.pool_grad import PoolGradStep, trace_pool_grad
from ...tracing.pooling import PoolTrace
from ..base import Widget, WidgetInputs, grid, text_grid
from ..field_errors import field_error
from ..grad_weight.views import forward_output, gradient_views
from .autograd import chain_check

POOL = 2  # window and stride of the pool


class GradChainInputs(WidgetInputs):
    """Inputs of the ``grad_chain`` widget.

    Attributes
    ----------
    input : grid of at most 7×7 numbers
    kernel : grid of at most 3×3 numbers
    kind : {'max', 'avg'}
        The pool after the ReLU: 2×2 windows, stride 2.
    grad_pooled : grid of numbers or None
        ``∂L/∂p``, one number per pooled cell; None: ones (the loss is the sum of ``p``).
    """

    input: grid(7, 7)  # type: ignore[valid-type]
    kernel: grid(3, 3)  # type: ignore[valid-type]
    kind: Literal["max", "avg"] = "max"
    grad_pooled: grid(4, 4) | None = None  # type: ignore[valid-type]


def _pooled(activation: NDArray[Any], kind: str) -> NDArray[Any]:
    if min(activation.shape) < POOL:
        raise field_error(
            "kernel",
            f"the convolution's output is {activation.shape[0]}×{activation.shape[1]}, too small "
            f"for a {POOL}×{POOL} pool; use a larger input or a smaller kernel",
        )
    if kind == "max":
        return np.asarray(max_pool2d(activation, POOL, POOL))
    return avg_pool2d(activation, POOL, POOL)


def _grad_pooled(given: Any, shape: tuple[int, ...]) -> NDArray[Any]:
    if given is None:
        return np.ones(shape, dtype=np.int64)
    grad = np.asarray(given)
    if grad.shape != shape:
        raise field_error(
            "grad_pooled",
            f"grad_pooled is {grad.shape[0]}×{grad.shape[1]} but the pooled output is "
            f"{shape[0]}×{shape[1]}; give one number per pooled cell",
        )
    return grad


def _pool_words(step: PoolGradStep) -> list[str]:
    """Return one sentence per pooling window covering an activation cell."""
    here = tuple(step.cell[-2:])
    words = []
    for window in step.windows:
        i, j = window.output
        into = f"p[{i}, {j}] (∂L/∂p = {format_number(window.grad_output)})"
        share = format_number(window.share)
        if window.divisor is not None:
            count = window.divisor
            words.append(f"{into} is the mean of {count} cells: each gets ÷ {count} → {share}")
        elif window.winner == here:
            words.append(f"{into} took its value from this cell, its window's largest → {share}")
        else:
            assert window.winner is not None
            winner = f"a[{window.winner[0]}, {window.winner[1]}]"
            words.append(f"{into} took its value from {winner}, not this cell → 0")
    if not step.windows:
        words.append("no pooling window covers this cell (the pool drops it) → 0")
    return words


def _relu_words(pre: Any, grad_after: Any, passed: bool) -> str:
    z, g = format_number(pre), format_number(grad_after)
    if passed:
        return f"z = {z} > 0: the ReLU passed z on unchanged, so it passes the gradient back: {g}"
    return f"z = {z} ≤ 0: the ReLU gave 0 and is flat here, so the gradient {g} stops → 0"


def _winners(forward: PoolTrace, shape: tuple[int, ...]) -> list[list[int]]:
    """Return the ``[row, col]`` in ``a`` that won each pooling window, in reading order."""
    found = []
    for i, j in _cells(*shape):
        step = forward.at(i, j)
        assert step.winner is not None
        found.append([step.rows[step.winner[0]], step.cols[step.winner[1]]])
    return found


def _cells(rows: int, cols: int) -> list[tuple[int, int]]:
    return [(r, c) for r in range(rows) for c in range(cols)]


def build_state(inputs: GradChainInputs) -> dict[str, Any]:
    """Return the forward chain, every gradient back to the weights, and why cells get none.

    Examples
    --------
    >>> state = build_state(GradChainInputs(input=[[1, 2, 0], [0, 3, 1], [2, 0, 1]],
    ...                                     kernel=[[1, -1], [1, 0]]))
    >>> state["relu"], state["grad_z"], state["grad_weight"]
    ([['0', '5'], ['0', '2']], [['0', '1'], ['0', '0']], [['2', '0'], ['3', '1']])
    """
    image, kernel = np.asarray(inputs.input), np.asarray(inputs.kernel)
    pre = forward_output(image, kernel, 1, 0)
    activation = np.maximum(pre, 0)
    pooled = _pooled(activation, inputs.kind)
    grad_p = _grad_pooled(inputs.grad_pooled, pooled.shape)
    traced = trace_pool_grad(activation, inputs.kind, grad_p, POOL, POOL)
    grad_a = traced.grad_input
    passes = pre > 0
    grad_z = np.where(passes, grad_a, 0 * grad_a)
    steps = [traced.at(r, c) for r, c in _cells(*activation.shape)]
    winners = _winners(traced.forward, pooled.shape) if inputs.kind == "max" else None
    won = {tuple(cell) for cell in winners or []}
    return {
        "inputs": inputs.model_dump(),
        "input": text_grid(image.tolist()),
        "kernel": text_grid(kernel.tolist()),
        "conv": text_grid(pre.tolist()),
        "relu": text_grid(activation.tolist()),
        "pooled": text_grid(pooled.tolist()),
        "grad_pooled": text_grid(grad_p.tolist()),
        "grad_a": text_grid(grad_a.tolist()),
        "grad_z": text_grid(grad_z.tolist()),
        "passes": passes.tolist(),
        "winners": winners,
        "wins": None
        if winners is None
        else [[(r, c) in won for c in range(pre.shape[1])] for r in range(pre.shape[0])],
        "pool_words": [_pool_words(step) for step in steps],
        "pool_windows": [[list(w.output) for w in step.windows] for step in steps],
        "relu_words": [
            _relu_words(pre[r, c], grad_a[r, c], bool(passes[r, c]))
            for r, c in _cells(*activation.shape)
        ],
        "ones": inputs.grad_pooled is None,
        **{
            key: value
            for key, value in gradient_views(image, kernel, grad_z).items()
            if key in ("grad_weight", "weight_steps", "frame")
        },
        "torch": chain_check(image, kernel, inputs.kind, grad_p),
    }


WIDGET = Widget(
    name="grad_chain",
    inputs=GradChainInputs,
    build=build_state,
    esm=Path(__file__).with_name("grad_chain.js"),
    css=Path(__file__).with_name("grad_chain.css"),
)
