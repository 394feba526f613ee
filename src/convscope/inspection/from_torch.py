"""Reading a PyTorch module given as ``package.module:factory`` into layers, without running it.

Only ``nn.Sequential`` containers are followed: any other module with children may compute
anything in its ``forward`` (a residual sum, a branch), so it is refused by name.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..engine import ConvSpec, PoolSpec
from .layers import (
    Activation,
    AdaptivePool,
    BatchNorm,
    Conv,
    Flatten,
    Layer,
    Linear,
    ModelProblem,
    Pool,
)

SUPPORTED = (
    "Sequential, Conv2d, MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, AdaptiveMaxPool2d, "
    "BatchNorm2d, Linear, Flatten, ReLU, ReLU6, Sigmoid, Tanh, SiLU, GELU, Hardswish, Dropout, "
    "Identity"
)
_ACTIVATIONS = {
    "ReLU": "relu", "ReLU6": "relu6", "Sigmoid": "sigmoid", "Tanh": "tanh", "SiLU": "silu",
    "GELU": "gelu", "Hardswish": "hardswish", "Dropout": "dropout", "Identity": "identity",
}  # fmt: skip


def load_factory(reference: str) -> Any:
    """Return the module ``package.module:factory`` builds (calling it when it is callable).

    The current folder is searched first, as ``python -m`` would.
    """
    module_name, _, attribute = reference.partition(":")
    try:
        import torch.nn
    except ImportError:
        raise ModelProblem(
            f"{reference!r} names a PyTorch module, and torch is not installed; "
            "install convscope[torch] or describe the stack as text"
        ) from None
    module = _import(module_name, reference)
    if not hasattr(module, attribute):
        raise ModelProblem(f"{module_name!r} has no {attribute!r}; give package.module:factory")
    made = getattr(module, attribute)
    if not isinstance(made, torch.nn.Module) and callable(made):
        made = made()
    if not isinstance(made, torch.nn.Module):
        raise ModelProblem(f"{reference!r} gave a {type(made).__name__}, not a torch.nn.Module")
    return made


def _import(module_name: str, reference: str) -> Any:
    here = str(Path.cwd())
    added = here not in sys.path
    if added:
        sys.path.insert(0, here)
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        raise ModelProblem(f"cannot import {module_name!r} from {reference!r}: {error}") from None
    finally:
        if added:
            sys.path.remove(here)


def torch_layers(model: Any) -> tuple[Layer, ...]:
    """Return the layers of a ``torch.nn.Module`` in order, following ``nn.Sequential`` only."""
    layers = tuple(_layer(name, module) for name, module in _leaves("", model))
    if not layers:
        raise ModelProblem(f"the module holds no layers; supported: {SUPPORTED}")
    return layers


def _leaves(prefix: str, module: Any) -> Iterator[tuple[str, Any]]:
    import torch.nn

    if isinstance(module, torch.nn.Sequential):
        for name, child in module.named_children():
            yield from _leaves(f"{prefix}.{name}" if prefix else name, child)
        return
    kind = type(module).__name__
    if list(module.children()):
        raise ModelProblem(
            f"layer {prefix or '(the model)'!r} is a {kind}, not a plain sequence: its forward "
            "may add or branch, which convscope inspect cannot follow without running it; "
            f"write its path as an nn.Sequential of {SUPPORTED}"
        )
    yield prefix or kind, module


def _layer(name: str, module: Any) -> Layer:
    kind = type(module).__name__
    read = _READERS.get(kind)
    if read is not None:
        try:
            return read(name, module)
        except (ValueError, TypeError) as error:
            raise ModelProblem(f"layer {name!r} ({kind}): {error}") from None
    if kind in _ACTIVATIONS:
        return Activation(name, _ACTIVATIONS[kind])
    raise ModelProblem(
        f"layer {name!r} is a {kind}, which convscope inspect does not support; "
        f"supported: {SUPPORTED}"
    )


def _conv(name: str, module: Any) -> Layer:
    spec = ConvSpec.create(
        stride=module.stride,
        padding=module.padding,
        dilation=module.dilation,
        groups=module.groups,
    )
    kernel = (int(module.kernel_size[0]), int(module.kernel_size[1]))
    bias = module.bias is not None
    return Conv(name, module.in_channels, module.out_channels, kernel, spec, bias)


def _pool(name: str, module: Any) -> Layer:
    is_max = type(module).__name__ == "MaxPool2d"
    spec = PoolSpec.create(
        module.kernel_size,
        module.stride,
        module.padding,
        module.dilation if is_max else 1,
        bool(module.ceil_mode),
    )
    return Pool(name, "max" if is_max else "avg", spec)


def _adaptive(name: str, module: Any) -> Layer:
    size = module.output_size
    pair = (size, size) if isinstance(size, int) else tuple(size)
    if None in pair:
        raise ValueError("an output size of None (keep that axis) is not supported")
    is_max = "Max" in type(module).__name__
    return AdaptivePool(name, "max" if is_max else "avg", (int(pair[0]), int(pair[1])))


def _batch_norm(name: str, module: Any) -> Layer:
    return BatchNorm(name, module.num_features, bool(module.affine))


def _flatten(name: str, module: Any) -> Layer:
    if module.start_dim != 1 or module.end_dim != -1:
        raise ValueError(
            f"only Flatten(start_dim=1, end_dim=-1) is supported, "
            f"got start_dim={module.start_dim}, end_dim={module.end_dim}"
        )
    return Flatten(name)


def _linear(name: str, module: Any) -> Layer:
    return Linear(name, module.in_features, module.out_features, module.bias is not None)


_READERS = {
    "Conv2d": _conv,
    "MaxPool2d": _pool,
    "AvgPool2d": _pool,
    "AdaptiveAvgPool2d": _adaptive,
    "AdaptiveMaxPool2d": _adaptive,
    "BatchNorm2d": _batch_norm,
    "Flatten": _flatten,
    "Linear": _linear,
}
