"""A small convolutional network for the 8×8 digits, computed by convscope's own engine.

::

    input        (N, 1, 8, 8)   pixels / 16
    conv1        (N, 8, 8, 8)   3×3, 1 → 8 channels, padding 1   convscope.conv2d
    relu1        (N, 8, 8, 8)   max(0, ·)
    pool1        (N, 8, 4, 4)   2×2 max                          convscope.max_pool2d
    conv2        (N, 16, 4, 4)  3×3, 8 → 16 channels, padding 1
    relu2        (N, 16, 4, 4)
    pool2        (N, 16, 2, 2)
    flatten      (N, 64)        channel by channel, row by row (as torch.nn.Flatten)
    logits       (N, 10)        linear: flatten @ weight.T + bias
    probabilities (N, 10)       softmax

The convolutions, the pools and their gradients are the engine's (``convscope.conv2d``,
``convscope.max_pool2d``, ``convscope.grad``); the ReLU, the linear layer and the softmax with
its cross-entropy are a line of NumPy each. Everything is float64.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import NDArray

from .. import grad
from ..engine import conv2d, max_pool2d
from .digits import PIXEL_MAX

Array = NDArray[np.float64]
Weights = dict[str, Array]
"""The network's parameters by name, e.g. ``weights["conv1.weight"]`` of shape (8, 1, 3, 3)."""

PARAMETER_SHAPES: dict[str, tuple[int, ...]] = {
    "conv1.weight": (8, 1, 3, 3),
    "conv1.bias": (8,),
    "conv2.weight": (16, 8, 3, 3),
    "conv2.bias": (16,),
    "linear.weight": (10, 64),
    "linear.bias": (10,),
}
"""Each parameter's shape, in PyTorch's layout (``out, in, kH, kW`` and ``out, in``)."""
PADDING = 1
"""Each 3×3 convolution's padding: it keeps the size, so 8×8 → 4×4 → 2×2 after the pools."""
POOL = 2
ALGORITHM = "shifted_gemm"
"""The engine's algorithm for the forward convolutions: plain NumPy products in a fixed order,
the same with or without the optional compiled loops, so a trained network does not depend on
which extras are installed (and it is among the fastest for these small layers)."""


class Activation(NamedTuple):
    """One layer's output: its name (``"conv1"``, ``"pool2"`` …) and its values."""

    name: str
    values: Array


def as_input(images: object) -> Array:
    """Return images of 0..16 pixels as the network's ``(N, 1, 8, 8)`` float64 input, in 0..1.

    ``images`` is ``(N, 8, 8)`` or one ``(8, 8)`` image.
    """
    pixels = np.asarray(images, dtype=np.float64)
    if pixels.shape[-2:] != (8, 8) or pixels.ndim not in (2, 3):
        raise ValueError(f"images must be (N, 8, 8) or (8, 8), got shape {pixels.shape}")
    return pixels.reshape(-1, 1, 8, 8) / PIXEL_MAX


def forward(weights: Weights, images: object) -> list[Activation]:
    """Return every layer's activations for ``images``, input first, probabilities last.

    Examples
    --------
    >>> from convscope.network import bundled_weights, load_digits
    >>> layers = forward(bundled_weights(), load_digits().images[:1])
    >>> [(layer.name, layer.values.shape) for layer in layers][:3]
    [('input', (1, 1, 8, 8)), ('conv1', (1, 8, 8, 8)), ('relu1', (1, 8, 8, 8))]
    >>> int(layers[-1].values.argmax())
    0
    """
    x = as_input(images)
    conv1 = _conv(x, weights, "conv1")
    relu1 = np.maximum(conv1, 0.0)
    pool1 = _pool(relu1)
    conv2 = _conv(pool1, weights, "conv2")
    relu2 = np.maximum(conv2, 0.0)
    pool2 = _pool(relu2)
    flatten = pool2.reshape(len(pool2), -1)
    logits = flatten @ weights["linear.weight"].T + weights["linear.bias"]
    probabilities = softmax(logits)
    return [
        Activation(name, values)
        for name, values in [
            ("input", x),
            ("conv1", conv1),
            ("relu1", relu1),
            ("pool1", pool1),
            ("conv2", conv2),
            ("relu2", relu2),
            ("pool2", pool2),
            ("flatten", flatten),
            ("logits", logits),
            ("probabilities", probabilities),
        ]
    ]


def predict(weights: Weights, images: object) -> NDArray[np.intp]:
    """Return the digit the network gives each image: its most probable class."""
    return np.asarray(forward(weights, images)[-1].values.argmax(axis=1))


def softmax(logits: Array) -> Array:
    """Return each row of ``logits`` as probabilities (shifted by its maximum, so no overflow)."""
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return np.asarray(shifted / shifted.sum(axis=1, keepdims=True))


def cross_entropy(probabilities: Array, labels: NDArray[Any]) -> float:
    """Return the mean of ``-log p(true label)`` over the batch."""
    chosen = probabilities[np.arange(len(labels)), labels]
    return float(-np.mean(np.log(chosen)))


def gradients(weights: Weights, images: object, labels: NDArray[Any]) -> tuple[float, Weights]:
    """Return the batch's mean cross-entropy and its gradient with respect to every weight."""
    layers = forward(weights, images)
    every = backward(weights, layers, labels)
    loss = cross_entropy(layers[-1].values, labels)
    return loss, {name: every[name] for name in PARAMETER_SHAPES}


def backward(weights: Weights, layers: list[Activation], labels: NDArray[Any]) -> dict[str, Array]:
    """Return the mean cross-entropy's gradient with respect to each layer and each parameter.

    ``layers`` is what :func:`forward` gave. The keys are the layers' names from ``logits``
    back to ``conv1`` (the gradient with respect to that layer's output) and the parameters'
    names. The pass walks the layers in reverse: softmax with cross-entropy gives
    ``(p - one_hot) / N`` at the logits; the linear layer two matrix products; each pool sends
    its gradient to its window's winner (``convscope.grad.max_pool2d_input``); each ReLU keeps
    the gradient where its input was positive; each convolution gives its weight's, its bias's
    and its input's gradients (``convscope.grad.conv2d_weight``, ``conv2d_bias``,
    ``conv2d_input``).
    """
    values = dict(layers)
    d_logits = values["probabilities"].copy()
    d_logits[np.arange(len(labels)), labels] -= 1.0
    d: dict[str, Array] = {"logits": d_logits / len(labels)}
    d["linear.weight"] = d["logits"].T @ values["flatten"]
    d["linear.bias"] = d["logits"].sum(axis=0)
    d["flatten"] = d["logits"] @ weights["linear.weight"]
    d["pool2"] = d["flatten"].reshape(values["pool2"].shape)
    d["relu2"] = grad.max_pool2d_input(values["relu2"], d["pool2"], POOL)
    d["conv2"] = d["relu2"] * (values["conv2"] > 0.0)
    d |= _conv_gradients("conv2", weights, values["pool1"], d["conv2"])
    d["pool1"] = grad.conv2d_input(
        values["pool1"].shape, weights["conv2.weight"], d["conv2"], padding=PADDING
    )
    d["relu1"] = grad.max_pool2d_input(values["relu1"], d["pool1"], POOL)
    d["conv1"] = d["relu1"] * (values["conv1"] > 0.0)
    d |= _conv_gradients("conv1", weights, values["input"], d["conv1"])
    return d


def parameter_count() -> int:
    """Return how many numbers the network learns (1,898)."""
    return sum(int(np.prod(shape)) for shape in PARAMETER_SHAPES.values())


def _conv(values: Array, weights: Weights, layer: str) -> Array:
    weight, bias = weights[f"{layer}.weight"], weights[f"{layer}.bias"]
    return conv2d(values, weight, bias, padding=PADDING, algorithm=ALGORITHM)


def _pool(values: Array) -> Array:
    return np.asarray(max_pool2d(values, POOL))


def _conv_gradients(layer: str, weights: Weights, layer_input: Array, d_out: Array) -> Weights:
    shape = weights[f"{layer}.weight"].shape
    return {
        f"{layer}.weight": grad.conv2d_weight(layer_input, shape, d_out, padding=PADDING),
        f"{layer}.bias": grad.conv2d_bias(d_out),
    }
