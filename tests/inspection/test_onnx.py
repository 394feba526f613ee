"""ONNX graphs read without running them, checked against ONNX's own shape inference."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from convscope.inspection import ModelProblem, inspect_layers, inspect_model, onnx_layers

onnx = pytest.importorskip("onnx")
helper = onnx.helper


def weight(name: str, *shape: int) -> Any:
    return onnx.numpy_helper.from_array(np.zeros(shape, dtype=np.float32), name)


def chain_model(nodes: list[Any], initializers: list[Any], size: int = 32) -> Any:
    """A graph whose nodes each read the previous output: x → n1 → … → the last node's."""
    image = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 3, size, size])
    result = helper.make_tensor_value_info(nodes[-1].output[0], onnx.TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "chain", [image], [result], initializers)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def small_net(name: str = "conv1") -> Any:
    nodes = [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name=name, kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1),
        helper.make_node("Conv", ["p1", "w2"], ["c2"], name="dw", kernel_shape=[3, 3], group=8),
        helper.make_node("BatchNormalization", ["c2", "s", "bb", "m", "v"], ["n2"], name="bn"),
        helper.make_node("GlobalAveragePool", ["n2"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "w3", "b3"], ["y"], name="fc", transB=1),
    ]  # fmt: skip
    initializers = [
        weight("w1", 8, 3, 3, 3), weight("b1", 8), weight("w2", 8, 1, 3, 3),
        *(weight(n, 8) for n in ("s", "bb", "m", "v")), weight("w3", 10, 8), weight("b3", 10),
    ]  # fmt: skip
    return chain_model(nodes, initializers)


def test_an_onnx_chain_has_onnxs_inferred_shapes(tmp_path: Path) -> None:
    model = small_net()
    path = tmp_path / "net.onnx"
    onnx.save(model, str(path))
    inferred = onnx.shape_inference.infer_shapes(model).graph.value_info
    shapes = {v.name: tuple(d.dim_value for d in v.type.tensor_type.shape.dim) for v in inferred}
    inspection = inspect_layers(onnx_layers(path), (32, 32))
    outputs = [node.output[0] for node in model.graph.node]
    assert [row.output_shape for row in inspection.rows[:-1]] == [
        shapes[name][1:] for name in outputs[:-1]
    ]
    assert inspection.output_shape == (10,)
    assert inspection.params == 8 * 27 + 8 + 8 * 9 + 16 + 80 + 10


def test_the_same_stack_as_text_gives_the_same_rows(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    onnx.save(small_net(), str(path))
    text = (
        "conv 3 8 3 s2 p1; relu; maxpool 3 s2 p1 ceil; dwconv 8 3 nobias; bn; gap; flatten; "
        "linear 8 10"
    )
    from_onnx, from_text = inspect_model(str(path), 32), inspect_model(text, 32)
    assert [
        (r.output_shape, r.formulas, r.field_size, r.params, r.macs) for r in from_onnx.rows
    ] == [(r.output_shape, r.formulas, r.field_size, r.params, r.macs) for r in from_text.rows]


def test_a_truncated_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cut.onnx"
    path.write_bytes(small_net().SerializeToString()[:300])
    with pytest.raises(ModelProblem, match=r"is not a readable ONNX model \(is it truncated\?\)"):
        onnx_layers(path)


def test_an_unsupported_operator_is_named(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", kernel_shape=[3, 3]),
        helper.make_node("Softmax", ["c1"], ["y"], name="probabilities"),
    ]
    path = tmp_path / "soft.onnx"
    onnx.save(chain_model(nodes, [weight("w1", 8, 3, 3, 3)]), str(path))
    with pytest.raises(
        ModelProblem, match=r"node 'probabilities' is an ONNX Softmax, .* supported: Conv"
    ):
        onnx_layers(path)


def test_a_residual_sum_is_followed_with_onnxs_shapes(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2"], ["c2"], name="conv2", kernel_shape=[3, 3],
                         pads=[1, 1, 1, 1]),
        helper.make_node("Conv", ["x", "w3"], ["s"], name="shortcut", kernel_shape=[1, 1],
                         strides=[2, 2]),
        helper.make_node("Add", ["c2", "s"], ["sum"], name="join"),
        helper.make_node("Concat", ["sum", "s"], ["y"], name="stack", axis=1),
    ]  # fmt: skip
    initializers = [weight("w1", 8, 3, 3, 3), weight("w2", 8, 8, 3, 3), weight("w3", 8, 3, 1, 1)]
    model = chain_model(nodes, initializers, size=33)
    path = tmp_path / "residual.onnx"
    onnx.save(model, str(path))
    inferred = onnx.shape_inference.infer_shapes(model).graph.value_info
    shapes = {v.name: tuple(d.dim_value for d in v.type.tensor_type.shape.dim) for v in inferred}
    rows = {row.name: row for row in inspect_layers(onnx_layers(path), (33, 33)).rows}
    assert rows["join"].output_shape == shapes["sum"][1:] == (8, 17, 17)
    assert rows["join"].inputs == ("conv2", "shortcut") and rows["shortcut"].inputs == ("input",)
    assert rows["stack"].output_shape == (16, 17, 17)
    assert rows["join"].field_size == (7, 7)  # the main path's 3×3 s2 then 3×3 covers the 1×1


def test_an_add_of_a_constant_or_an_unknown_tensor_is_refused_by_name(tmp_path: Path) -> None:
    nodes = [
        helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv1", kernel_shape=[1, 1]),
        helper.make_node("Add", ["c1", "w1"], ["y"], name="plus_weights"),
    ]
    path = tmp_path / "constant.onnx"
    onnx.save(chain_model(nodes, [weight("w1", 3, 3, 1, 1)]), str(path))
    with pytest.raises(ModelProblem, match=r"node 'plus_weights' \(Add\) joins a branch with a"):
        onnx_layers(path)
    nodes = [helper.make_node("Relu", ["nowhere"], ["y"], name="lost")]
    onnx.save(chain_model(nodes, []), str(path))
    with pytest.raises(ModelProblem, match=r"node 'lost' \(Relu\) reads 'nowhere', which neither"):
        onnx_layers(path)


def test_a_file_over_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.onnx"
    with path.open("wb") as handle:
        handle.truncate(200 * 2**20)
    with pytest.raises(ModelProblem, match="is 200 MB, over the 100 MB convscope inspect reads"):
        inspect_model(str(path), 224)


def test_the_first_convolutions_stored_weights_are_drawn(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    onnx.save(small_net(), str(path))
    inspection = inspect_layers(onnx_layers(path), (32, 32))
    assert inspection.first_filters is not None and inspection.first_filters.shape == (8, 3, 3, 3)
    assert inspection.to_html().count('src="data:image/png;base64,') == 8
