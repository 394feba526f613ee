"""Reading a PyTorch module given as ``package.module:factory`` into layers, without running it.

A model of ``nn.Sequential`` containers is read module by module. Any other container (a
ResNet block, a whole ResNet) is read through ``torch.fx.symbolic_trace``, which records the
``forward`` with stand-in tensors, no numbers computed: its modules become layers, ``+`` and
``torch.add`` become residual sums, ``torch.cat`` along the channels a concatenation, and
``torch.flatten`` and ``F.relu`` what they are, each naming the layers it reads. A ``forward``
that branches on the data cannot be recorded that way and is refused, as is any other function
it calls, by name.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..engine import ConvSpec, PoolSpec
from .layers import (
    MODEL_INPUT,
    Activation,
    AdaptivePool,
    BatchNorm,
    Conv,
    Flatten,
    Join,
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
    except Exception as error:  # the module's own code failed while it was imported
        raise ModelProblem(
            f"importing {module_name!r} from {reference!r} raised {type(error).__name__}: {error}"
        ) from None
    finally:
        if added:
            sys.path.remove(here)


def torch_layers(model: Any) -> tuple[Layer, ...]:
    """Return the layers of a ``torch.nn.Module`` in order, each naming what it reads when
    that is not the layer before it (see the module's docstring)."""
    try:
        layers = tuple(_layer(name, module) for name, module in _leaves("", model))
    except _NotASequence:
        layers = _recorded_layers(model)
    if not layers:
        raise ModelProblem(f"the module holds no layers; supported: {SUPPORTED}")
    return layers


class _NotASequence(Exception):
    """A container other than ``nn.Sequential``: its ``forward`` must be recorded."""


def _leaves(prefix: str, module: Any) -> Iterator[tuple[str, Any]]:
    import torch.nn

    if isinstance(module, torch.nn.Sequential):
        for name, child in module.named_children():
            yield from _leaves(f"{prefix}.{name}" if prefix else name, child)
        return
    if list(module.children()):
        raise _NotASequence
    yield prefix or type(module).__name__, module


def _recorded_layers(model: Any) -> tuple[Layer, ...]:
    import torch.fx

    try:
        graph = torch.fx.symbolic_trace(model).graph
    except Exception as error:  # fx raises TraceError, TypeError, … on data-dependent code
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ModelProblem(
            f"the {type(model).__name__}'s forward could not be followed without running it "
            f"({reason}); convscope inspect reads modules whose forward calls {SUPPORTED} and "
            "adds, concatenates or flattens their outputs"
        ) from None
    names: dict[Any, str] = {}
    uses: dict[str, int] = {}
    layers: list[Layer] = []
    for node in graph.nodes:
        if node.op == "placeholder":
            if MODEL_INPUT in names.values():
                raise ModelProblem(f"the model takes more than one input ({node.name!r})")
            names[node] = MODEL_INPUT
            continue
        if node.op == "output":
            continue
        inputs = tuple(names[arg] for arg in _node_args(node))
        layer = _recorded_layer(model, node, inputs)
        name = layer.name
        uses[name] = uses.get(name, 0) + 1
        if uses[name] > 1:  # a module called twice (a shared ReLU) is a layer each time
            name = f"{name} ({uses[name]})"
        names[node] = name
        layers.append(replace(layer, name=name, inputs=inputs))
    return tuple(layers)


def _node_args(node: Any) -> list[Any]:
    import torch.fx

    found: list[Any] = []
    torch.fx.node.map_arg((node.args, node.kwargs), found.append)
    return [arg for arg in found if isinstance(arg, torch.fx.Node)]


def _recorded_layer(model: Any, node: Any, inputs: tuple[str, ...]) -> Layer:
    import operator

    import torch

    if node.op == "call_module":
        return _layer(str(node.target), model.get_submodule(node.target))
    target, name = node.target, str(node.name)
    if node.op in ("call_function", "call_method"):
        if target in (operator.add, torch.add, "add") and len(inputs) == 2:
            return Join(name, "add")
        if target is torch.cat and _cat_dim(node) in (1, -3):
            return Join(name, "concat")
        if target in (torch.flatten, "flatten") and _flatten_dims(node) == (1, -1):
            return Flatten(name)
        if target in (torch.relu, torch.nn.functional.relu, "relu"):
            return Activation(name, "relu")
    called = getattr(target, "__name__", str(target))
    raise ModelProblem(
        f"step {name!r} of the forward calls {called}, which convscope inspect does not "
        f"support; it follows {SUPPORTED}, adds (+, torch.add), torch.cat along the channels, "
        "torch.flatten(x, 1) and F.relu"
    )


def _cat_dim(node: Any) -> Any:
    return node.kwargs.get("dim", node.args[1] if len(node.args) > 1 else 0)


def _flatten_dims(node: Any) -> tuple[Any, Any]:
    given = list(node.args[1:3])
    start = node.kwargs.get("start_dim", given[0] if given else 0)
    end = node.kwargs.get("end_dim", given[1] if len(given) > 1 else -1)
    return (start, end)


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
    weight = module.weight.detach().cpu().double().numpy()
    return Conv(name, module.in_channels, module.out_channels, kernel, spec, bias, weight=weight)


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
