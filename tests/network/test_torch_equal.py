"""The engine's network equals the same weights in ``torch.nn.Sequential``: every activation,
every prediction on the held-out split, and every gradient (float64)."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

from convscope.network import bundled_weights, forward, gradients, held_out_split, predict
from convscope.network.model import Weights, backward
from convscope.network.train import initial_weights

torch: ModuleType = pytest.importorskip("torch", reason="torch is the reference")

TORCH_LAYERS = {"conv1": 0, "conv2": 3, "linear": 7}
"""Where each of our parameterised layers sits in the Sequential below."""


def sequential(weights: Weights) -> Any:
    """Return the network as torch layers, in float64, holding ``weights``."""
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64, 10),
        nn.Softmax(dim=1),
    ).double()
    state = {
        f"{TORCH_LAYERS[name.split('.')[0]]}.{name.split('.')[1]}": torch.from_numpy(value)
        for name, value in weights.items()
    }
    model.load_state_dict(state)
    return model


def test_every_activation_equals_torchs() -> None:
    weights = bundled_weights()
    _, held_out = held_out_split()
    ours = forward(weights, held_out.images[:64])
    x = torch.from_numpy(ours[0].values)
    for layer, (name, values) in zip(sequential(weights), ours[1:], strict=True):
        x = layer(x)
        np.testing.assert_allclose(values, x.detach().numpy(), rtol=1e-12, atol=1e-12, err_msg=name)


def test_predictions_on_the_held_out_split_equal_torchs() -> None:
    weights = bundled_weights()
    _, held_out = held_out_split()
    x = torch.from_numpy(held_out.images.astype(np.float64)[:, None] / 16)
    theirs = sequential(weights)(x).argmax(dim=1).numpy()
    np.testing.assert_array_equal(predict(weights, held_out.images), theirs)


@pytest.mark.parametrize("which", ["bundled", "untrained"])
def test_every_gradient_equals_torch_autograd(which: str) -> None:
    weights = bundled_weights() if which == "bundled" else initial_weights(np.random.default_rng(7))
    training, _ = held_out_split()
    images, labels = training.images[:12], training.labels[:12]
    loss, ours = gradients(weights, images, labels)
    model = sequential(weights)
    logits = model[:-1](torch.from_numpy(images.astype(np.float64)[:, None] / 16))
    theirs = torch.nn.functional.cross_entropy(logits, torch.from_numpy(labels.astype(np.int64)))
    theirs.backward()
    assert loss == pytest.approx(theirs.item(), rel=1e-12)
    for name, value in ours.items():
        layer, kind = name.split(".")
        reference = getattr(model[TORCH_LAYERS[layer]], kind).grad.numpy()
        np.testing.assert_allclose(value, reference, rtol=1e-10, atol=1e-13, err_msg=name)


def test_every_layers_gradient_equals_torch_autograd() -> None:
    weights = initial_weights(np.random.default_rng(11))
    training, _ = held_out_split()
    images, labels = training.images[:12], training.labels[:12]
    layers = forward(weights, images)
    ours = backward(weights, layers, labels)
    x = torch.from_numpy(layers[0].values)
    outputs = []
    for layer in sequential(weights)[:-1]:
        x = layer(x)
        x.retain_grad()
        outputs.append(x)
    target = torch.from_numpy(labels.astype(np.int64))
    torch.nn.functional.cross_entropy(outputs[-1], target).backward()
    for (name, _), output in zip(layers[1:-1], outputs, strict=True):
        reference = output.grad.numpy()
        np.testing.assert_allclose(ours[name], reference, rtol=1e-10, atol=1e-13, err_msg=name)
