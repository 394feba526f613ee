"""A small CNN for the 8×8 handwritten digits, trained and run by convscope's own engine.

:mod:`.digits` holds the bundled UCI digits and their fixed held-out split, :mod:`.model` the
network (``forward`` gives every layer's activations, ``backward`` every layer's gradient through
``convscope.grad``), :mod:`.train` SGD with momentum and the weights files; ``convscope
train-digits`` runs it from the command line. See ``docs/network.md``.

Examples
--------
>>> from convscope import network
>>> network.held_out_accuracy() >= 0.95
True
"""

from .digits import Digits, held_out_split, load_digits
from .model import (
    PARAMETER_SHAPES,
    Activation,
    Weights,
    backward,
    forward,
    gradients,
    predict,
)
from .train import (
    TrainingConfig,
    accuracy,
    bundled_weights,
    bundled_weights_path,
    held_out_accuracy,
    load_weights,
    save_weights,
    train,
)

__all__ = [
    "PARAMETER_SHAPES",
    "Activation",
    "Digits",
    "TrainingConfig",
    "Weights",
    "accuracy",
    "backward",
    "bundled_weights",
    "bundled_weights_path",
    "forward",
    "gradients",
    "held_out_accuracy",
    "held_out_split",
    "load_digits",
    "load_weights",
    "predict",
    "save_weights",
    "train",
]
