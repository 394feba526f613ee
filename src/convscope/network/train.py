"""Training the digits network by mini-batch SGD with momentum, reproducibly from a seed.

Everything that varies between two runs comes from ``numpy.random.default_rng(seed)``: the
starting weights, then each epoch's order of the training images. The arithmetic is float64 and
runs in the same order every time, so the same seed on the same computer (same NumPy, same
BLAS) gives the same weights bit for bit; the bundled file was made by
``convscope train-digits`` with the defaults.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .digits import Digits, digits_folder, held_out_split
from .files import read_npz, write_npz
from .model import PARAMETER_SHAPES, Weights, gradients, predict

BUNDLED_WEIGHTS = "digits_cnn.npz"


@dataclass(frozen=True)
class TrainingConfig:
    """How to train: the seed and the optimiser's settings.

    Attributes
    ----------
    seed : int
        Seeds the starting weights and the order of the images in each epoch.
    epochs : int
        Passes over the training split.
    batch_size : int
        Images per step; the last batch of an epoch holds the remainder.
    learning_rate, momentum : float
        SGD with momentum as ``torch.optim.SGD``: ``v = momentum * v + g``, ``w -= lr * v``.
    max_steps : int or None
        Stop after this many steps (for quick checks), whatever ``epochs`` says.
    """

    seed: int = 0
    epochs: int = 20
    batch_size: int = 32
    learning_rate: float = 0.03
    momentum: float = 0.9
    max_steps: int | None = None

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if self.max_steps is not None and self.max_steps < 1:
            raise ValueError(f"steps must be >= 1, got {self.max_steps}")
        if not self.learning_rate > 0 or not 0 <= self.momentum < 1:
            raise ValueError(
                f"learning_rate must be > 0 and momentum in [0, 1), "
                f"got {self.learning_rate} and {self.momentum}"
            )

    def steps(self, images: int) -> int:
        """Return how many steps a run over ``images`` training images takes."""
        per_epoch = -(-images // self.batch_size)
        total = self.epochs * per_epoch
        return total if self.max_steps is None else min(total, self.max_steps)


StepReport = Callable[[int, float], None]
"""Called after each step with the step's number (from 1) and its batch's loss."""


def initial_weights(rng: np.random.Generator) -> Weights:
    """Return starting weights: He-normal for each layer's weight, zero biases."""
    weights: Weights = {}
    for name, shape in PARAMETER_SHAPES.items():
        if name.endswith(".bias"):
            weights[name] = np.zeros(shape)
        else:
            fan_in = int(np.prod(shape[1:]))
            weights[name] = rng.normal(0.0, np.sqrt(2.0 / fan_in), shape)
    return weights


def train(config: TrainingConfig | None = None, on_step: StepReport | None = None) -> Weights:
    """Return weights trained on the training split by ``config`` (the defaults if None)."""
    config = config or TrainingConfig()
    training, _ = held_out_split()
    rng = np.random.default_rng(config.seed)
    weights = initial_weights(rng)
    velocity = {name: np.zeros_like(value) for name, value in weights.items()}
    step, total = 0, config.steps(len(training))
    while step < total:
        for batch in _batches(training, rng, config.batch_size):
            loss, grads = gradients(weights, batch.images, batch.labels)
            for name, gradient in grads.items():
                velocity[name] = config.momentum * velocity[name] + gradient
                weights[name] = weights[name] - config.learning_rate * velocity[name]
            step += 1
            if on_step is not None:
                on_step(step, loss)
            if step == total:
                break
    return weights


def accuracy(weights: Weights, digits: Digits) -> float:
    """Return the fraction of ``digits`` the network labels correctly."""
    return float(np.mean(predict(weights, digits.images) == digits.labels))


def held_out_accuracy(weights: Weights | None = None) -> float:
    """Return the accuracy on the held-out 20 % of the digits (the bundled weights if None).

    Examples
    --------
    >>> held_out_accuracy() >= 0.95
    True
    """
    _, held_out = held_out_split()
    return accuracy(bundled_weights() if weights is None else weights, held_out)


def save_weights(weights: Weights, path: Path, config: TrainingConfig) -> None:
    """Write ``weights`` and the ``config`` that trained them to the ``.npz`` at ``path``."""
    check_weights(weights, str(path))
    record = np.array(json.dumps(asdict(config), sort_keys=True))
    write_npz(path, {**{name: weights[name] for name in PARAMETER_SHAPES}, "training": record})


def load_weights(path: Path) -> Weights:
    """Return the weights of a file :func:`save_weights` wrote, checked against the network."""
    arrays = read_npz(path, "weights file")
    weights = {name: value for name, value in arrays.items() if name != "training"}
    check_weights(weights, str(path))
    return {name: weights[name].astype(np.float64) for name in PARAMETER_SHAPES}


def training_config(path: Path) -> TrainingConfig | None:
    """Return the config recorded in a weights file, or None when it holds none."""
    record = read_npz(path, "weights file").get("training")
    return None if record is None else TrainingConfig(**json.loads(str(record.item())))


def bundled_weights_path() -> Path:
    """Return the path of the weights shipped with convscope."""
    return digits_folder() / BUNDLED_WEIGHTS


@cache
def _bundled() -> Weights:
    return load_weights(bundled_weights_path())


def bundled_weights() -> Weights:
    """Return a copy of the weights shipped with convscope (trained with the default config)."""
    return {name: value.copy() for name, value in _bundled().items()}


def check_weights(weights: dict[str, np.ndarray], where: str) -> None:
    """Raise ValueError naming the first parameter ``weights`` lacks or holds in a wrong shape."""
    unknown = sorted(set(weights) - set(PARAMETER_SHAPES))
    if unknown:
        raise ValueError(f"weights {where!r}: unknown parameter {unknown[0]!r}; {_expected()}")
    for name, shape in PARAMETER_SHAPES.items():
        if name not in weights:
            raise ValueError(f"weights {where!r}: {name} is missing; {_expected()}")
        value = weights[name]
        if value.shape != shape or value.dtype.kind not in "fiu":
            raise ValueError(
                f"weights {where!r}: {name} is {value.dtype} of shape {value.shape}, "
                f"expected numbers of shape {shape}; {_expected()}"
            )
        if not np.isfinite(value).all():
            raise ValueError(f"weights {where!r}: {name} holds NaN or infinity; retrain it")


def _expected() -> str:
    return "this network needs " + ", ".join(
        f"{name} {shape}" for name, shape in PARAMETER_SHAPES.items()
    )


def _batches(digits: Digits, rng: np.random.Generator, size: int) -> list[Digits]:
    order = rng.permutation(len(digits))
    return [digits.subset(order[start : start + size]) for start in range(0, len(order), size)]
