"""The layers ``convscope inspect`` understands, whatever the model was written in.

A stack description, a PyTorch module and an ONNX graph are each read into a tuple of these
frozen records; :func:`~convscope.inspection.walk.inspect_layers` then does the arithmetic
once, through the engine's own specs.

Every record may say which layers it reads (``inputs``, by name; ``"input"`` is the model's
input). Left empty, a layer reads the one before it, so a plain stack needs no wiring; a
residual network's shortcut and its :class:`Join` name theirs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from numpy.typing import NDArray

from ..engine import ConvSpec, PoolSpec
from ..engine.spec import Pair

ACTIVATIONS = (
    "relu",
    "relu6",
    "sigmoid",
    "tanh",
    "silu",
    "gelu",
    "hardswish",
    "dropout",
    "identity",
)
"""Layers that keep the shape and hold no parameters (dropout and identity included)."""


class ModelProblem(ValueError):
    """A model ``convscope inspect`` cannot read; the message names the layer and what works."""


@dataclass(frozen=True)
class Conv:
    """A 2-D convolution, as ``nn.Conv2d(in_channels, out_channels, kernel, ...)``."""

    name: str
    in_channels: int
    out_channels: int
    kernel: Pair
    spec: ConvSpec
    bias: bool = True
    inputs: tuple[str, ...] = ()
    weight: NDArray[Any] | None = field(default=None, compare=False, repr=False)
    """The learned ``(C_out, C_in/groups, kH, kW)`` weights when the model holds them."""


@dataclass(frozen=True)
class Pool:
    """A max or average pooling window, as ``nn.MaxPool2d`` or ``nn.AvgPool2d``."""

    name: str
    kind: Literal["max", "avg"]
    spec: PoolSpec
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdaptivePool:
    """A pooling to a fixed output size, as ``nn.AdaptiveAvgPool2d(output)``."""

    name: str
    kind: Literal["max", "avg"]
    output: Pair
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class BatchNorm:
    """A batch normalisation; ``channels`` is None when the description leaves it implied."""

    name: str
    channels: int | None = None
    affine: bool = True
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activation:
    """A layer that keeps the shape and holds no parameters: one of :data:`ACTIVATIONS`."""

    name: str
    function: str
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Flatten:
    """Channels, rows and columns laid out as one vector of features."""

    name: str
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Linear:
    """A fully connected layer, as ``nn.Linear(in_features, out_features)``."""

    name: str
    in_features: int
    out_features: int
    bias: bool = True
    inputs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Join:
    """Maps of the same size meeting: summed (``add``, a residual connection) or stacked along
    the channels (``concat``). Holds no parameters."""

    name: str
    kind: Literal["add", "concat"]
    inputs: tuple[str, ...] = ()


MODEL_INPUT = "input"
"""The name a layer uses in ``inputs`` for the model's own input."""

Layer: TypeAlias = Conv | Pool | AdaptivePool | BatchNorm | Activation | Flatten | Linear | Join
