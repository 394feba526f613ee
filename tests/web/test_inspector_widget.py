"""The ``inspector`` widget: convscope inspect's table on the page, for a typed stack or an ONNX
file sent as base64, with every refusal next to the field it concerns."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import numpy as np
import pytest

from convscope.inspection import inspect_layers, parse_stack
from convscope.widgets.inspector import EXAMPLE, MAX_ONNX_BYTES

pytestmark = pytest.mark.anyio


async def ask(client: httpx.AsyncClient, **inputs: Any) -> httpx.Response:
    return await client.post("/api/widgets/inspector", json=inputs)


async def test_the_lessons_stack_gives_inspect_layers_numbers(client: httpx.AsyncClient) -> None:
    state = (await ask(client)).json()
    expected = inspect_layers(parse_stack(EXAMPLE), (8, 8))
    assert [row["output"] for row in state["rows"]] == [
        "×".join(map(str, row.output_shape)) for row in expected.rows
    ]
    assert state["totals"] == {"params": f"{expected.params:,}", "macs": f"{expected.macs:,}"}
    assert state["totals"]["params"] == "1,898"  # the digits network's own count
    assert state["rows"][0]["formulas"][0] == "⌊(8 + 2·1 − 3)/1⌋ + 1 = 8"


async def test_a_typo_an_impossible_stack_and_a_bad_size_are_refused_by_field(
    client: httpx.AsyncClient,
) -> None:
    typo = await ask(client, stack="cnov 1 8 3", input_size="8")
    assert typo.status_code == 422 and typo.json()["field"] == "stack"
    assert "did you mean 'conv'" in typo.json()["detail"]
    too_small = await ask(client, stack="conv 1 8 9", input_size="4")
    assert too_small.json()["field"] == "stack" and "does not fit" in too_small.json()["detail"]
    size = await ask(client, input_size="big")
    assert size.status_code == 422 and size.json()["field"] == "input_size"
    long = await ask(client, stack="relu; " * 1000)
    assert long.status_code == 422 and long.json()["field"] == "stack"


async def test_an_onnx_file_is_read_from_its_graph(client: httpx.AsyncClient) -> None:
    onnx = pytest.importorskip("onnx")
    helper = onnx.helper
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"], name="conv1", kernel_shape=[3, 3],
                         strides=[2, 2], pads=[1, 1, 1, 1]),
        helper.make_node("Relu", ["c"], ["y"], name="relu1"),
    ]  # fmt: skip
    weight = onnx.numpy_helper.from_array(np.zeros((4, 1, 3, 3), np.float32), "w")
    image = helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1, 1, 9, 9])
    out = helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, "small", [image], [out], [weight])
    data = helper.make_model(graph).SerializeToString()
    state = await ask(
        client, onnx=base64.b64encode(data).decode(), onnx_name="small.onnx", input_size="9"
    )
    assert state.status_code == 200, state.text
    rows = state.json()["rows"]
    assert [(r["name"], r["output"]) for r in rows] == [("conv1", "4×5×5"), ("relu1", "4×5×5")]
    assert "small.onnx" in state.json()["source"]
    broken = await ask(client, onnx=base64.b64encode(data[:40]).decode(), input_size="9")
    assert broken.status_code == 422 and broken.json()["field"] == "onnx"
    assert "truncated" in broken.json()["detail"]


async def test_an_onnx_file_over_the_page_limit_is_refused_with_the_terminal_way(
    client: httpx.AsyncClient,
) -> None:
    big = base64.b64encode(b"\0" * (MAX_ONNX_BYTES + 1)).decode()
    answer = await ask(client, onnx=big, input_size="9")
    assert answer.status_code in (413, 422)
    if answer.status_code == 422:
        assert answer.json()["field"] == "onnx" and "convscope inspect" in answer.json()["detail"]
    not_base64 = await ask(client, onnx="%%%", input_size="9")
    assert not_base64.status_code == 422 and not_base64.json()["field"] == "onnx"
