"""Reading an ONNX file's graph into layers, without running it (needs the ``onnx`` extra).

Each node becomes a layer naming the nodes it reads, so a residual network's ``Add`` (or
``Sum``) of two branches and a ``Concat`` along the channels are followed; an operator outside
:data:`SUPPORTED` is refused by the node's name.
"""

from __future__ import annotations

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
    "Conv, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool, BatchNormalization, Gemm, "
    "Relu, Clip, Sigmoid, Tanh, Dropout, Identity, Flatten, Add, Sum, Concat"
)
_ACTIVATIONS = {
    "Relu": "relu", "Clip": "clip", "Sigmoid": "sigmoid", "Tanh": "tanh",
    "Dropout": "dropout", "Identity": "identity",
}  # fmt: skip


def onnx_layers(path: Path) -> tuple[Layer, ...]:
    """Return the layers of the ONNX model at ``path``, read from its graph alone."""
    try:
        import onnx
    except ImportError:
        raise ModelProblem(
            f"{str(path)!r} is an ONNX model, and the onnx package is not installed; "
            "install convscope[onnx]"
        ) from None
    try:
        model = onnx.load(str(path), load_external_data=False)
    except Exception as error:  # protobuf's DecodeError and its relatives
        raise ModelProblem(
            f"{str(path)!r} is not a readable ONNX model (is it truncated?): {error}"
        ) from None
    graph = model.graph
    if not graph.node:
        raise ModelProblem(f"{str(path)!r} holds no ONNX graph nodes; is it an ONNX model?")
    shapes = {tensor.name: tuple(tensor.dims) for tensor in graph.initializer}
    return _with_first_weights(tuple(_graph(graph, shapes)), graph)


def _with_first_weights(layers: tuple[Layer, ...], graph: Any) -> tuple[Layer, ...]:
    # The first convolution keeps its weights, which the HTML page draws as pictures.
    first = next((i for i, layer in enumerate(layers) if isinstance(layer, Conv)), None)
    node = next((node for node in graph.node if node.op_type == "Conv"), None)
    if first is None or node is None or len(node.input) < 2:
        return layers
    weight = _initializer_values(graph, node.input[1])
    if weight is None:
        return layers
    return (*layers[:first], replace(layers[first], weight=weight), *layers[first + 1 :])


def _initializer_values(graph: Any, name: str) -> Any:
    import onnx
    import onnx.numpy_helper

    for tensor in graph.initializer:
        if tensor.name == name:
            if tensor.data_location == onnx.TensorProto.EXTERNAL:
                return None  # its bytes name a file to read: a model may not make us open one
            try:
                return onnx.numpy_helper.to_array(tensor).astype(float)
            except Exception:  # stored outside the file, or in a type NumPy cannot read
                return None
    return None


def _graph(graph: Any, shapes: dict[str, tuple[int, ...]]) -> list[Layer]:
    made = {graph.input[0].name: MODEL_INPUT} if graph.input else {}
    layers: list[Layer] = []
    for index, node in enumerate(graph.node, start=1):
        name = node.name or f"{node.op_type}_{index}"
        data = [tensor for tensor in node.input if tensor and tensor not in shapes]
        unknown = [tensor for tensor in data if tensor not in made]
        if unknown:
            raise ModelProblem(
                f"node {name!r} ({node.op_type}) reads {unknown[0]!r}, which neither the "
                "graph's input nor an earlier node makes"
            )
        inputs = tuple(made[tensor] for tensor in data)
        layer = _join(name, node, inputs) if node.op_type in _JOINS else _layer(name, node, shapes)
        if not isinstance(layer, Join) and len(inputs) != 1:
            raise ModelProblem(
                f"node {name!r} ({node.op_type}) reads {len(inputs)} tensors that are not "
                "weights; only Add, Sum and Concat join branches"
            )
        layers.append(replace(layer, inputs=inputs))
        made[node.output[0]] = name
    return layers


_JOINS = ("Add", "Sum", "Concat")


def _join(name: str, node: Any, inputs: tuple[str, ...]) -> Join:
    if len(inputs) < 2:
        raise ModelProblem(
            f"node {name!r} ({node.op_type}) joins a branch with a constant; convscope inspect "
            "follows Add, Sum and Concat of two or more branches"
        )
    if node.op_type != "Concat":
        return Join(name, "add")
    axis = _attributes(node).get("axis")
    if axis not in (1, -3):
        raise ModelProblem(f"node {name!r} concatenates along axis {axis}; only 1 (channels) works")
    return Join(name, "concat")


def _attributes(node: Any) -> dict[str, Any]:
    import onnx

    return {
        attribute.name: onnx.helper.get_attribute_value(attribute) for attribute in node.attribute
    }


def _layer(name: str, node: Any, shapes: dict[str, tuple[int, ...]]) -> Layer:
    read = _READERS.get(node.op_type)
    try:
        if read is not None:
            return read(name, node, _attributes(node), shapes)
    except (ValueError, TypeError, KeyError, IndexError) as error:
        raise ModelProblem(f"node {name!r} ({node.op_type}): {error}") from None
    if node.op_type in _ACTIVATIONS:
        return Activation(name, _ACTIVATIONS[node.op_type])
    raise ModelProblem(
        f"node {name!r} is an ONNX {node.op_type}, which convscope inspect does not support; "
        f"supported: {SUPPORTED}"
    )


def _padding(attributes: dict[str, Any]) -> tuple[tuple[int, int], tuple[int, int]]:
    auto_pad = attributes.get("auto_pad", b"NOTSET")
    auto_pad = auto_pad.decode() if isinstance(auto_pad, bytes) else str(auto_pad)
    if auto_pad not in {"NOTSET", "VALID"}:
        raise ValueError(f"auto_pad={auto_pad} is not supported; export with explicit pads")
    top, left, bottom, right = attributes.get("pads", [0, 0, 0, 0])
    return ((int(top), int(bottom)), (int(left), int(right)))


def _conv(name: str, node: Any, attributes: dict[str, Any], shapes: dict[str, Any]) -> Layer:
    if node.input[1] not in shapes:
        raise ValueError("its weight is not a stored initializer, so its shape is unknown")
    out_channels, per_group, *kernel = shapes[node.input[1]]
    groups = int(attributes.get("group", 1))
    spec = ConvSpec.create(
        stride=tuple(attributes.get("strides", [1, 1])),
        padding=_padding(attributes),
        dilation=tuple(attributes.get("dilations", [1, 1])),
        groups=groups,
    )
    bias = len(node.input) > 2 and bool(node.input[2])
    return Conv(name, per_group * groups, out_channels, (kernel[0], kernel[1]), spec, bias)


def _pool(name: str, node: Any, attributes: dict[str, Any], shapes: dict[str, Any]) -> Layer:
    (top, bottom), (left, right) = _padding(attributes)
    if top != bottom or left != right:
        raise ValueError(f"uneven pads {attributes['pads']} are not supported for pooling")
    spec = PoolSpec.create(
        tuple(attributes["kernel_shape"]),
        tuple(attributes.get("strides", [1, 1])),
        (top, left),
        tuple(attributes.get("dilations", [1, 1])),
        bool(attributes.get("ceil_mode", 0)),
    )
    return Pool(name, "max" if node.op_type == "MaxPool" else "avg", spec)


def _global(name: str, node: Any, attributes: dict[str, Any], shapes: dict[str, Any]) -> Layer:
    return AdaptivePool(name, "max" if "Max" in node.op_type else "avg", (1, 1))


def _batch_norm(name: str, node: Any, attributes: dict[str, Any], shapes: dict[str, Any]) -> Layer:
    return BatchNorm(name, int(shapes[node.input[1]][0]))


def _flatten(name: str, node: Any, attributes: dict[str, Any], shapes: dict[str, Any]) -> Layer:
    if int(attributes.get("axis", 1)) != 1:
        raise ValueError(f"only Flatten with axis=1 is supported, got axis={attributes['axis']}")
    return Flatten(name)


def _gemm(name: str, node: Any, attributes: dict[str, Any], shapes: dict[str, Any]) -> Layer:
    if node.input[1] not in shapes:
        raise ValueError("its weight is not a stored initializer, so its shape is unknown")
    rows, cols = shapes[node.input[1]]
    in_features, out_features = (cols, rows) if attributes.get("transB", 0) else (rows, cols)
    bias = len(node.input) > 2 and bool(node.input[2])
    return Linear(name, int(in_features), int(out_features), bias)


_READERS = {
    "Conv": _conv,
    "MaxPool": _pool,
    "AveragePool": _pool,
    "GlobalAveragePool": _global,
    "GlobalMaxPool": _global,
    "BatchNormalization": _batch_norm,
    "Flatten": _flatten,
    "Gemm": _gemm,
}
