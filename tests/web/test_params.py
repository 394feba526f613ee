"""The ``params`` widget: the parameter count and cost of a layer, checked against torch."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio


async def count(client: httpx.AsyncClient, **inputs: Any) -> dict[str, Any]:
    response = await client.post("/api/widgets/params", json=inputs)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_first_layer_has_1792_parameters(client: httpx.AsyncClient) -> None:
    answer = await count(client, in_channels=3, out_channels=64)
    assert answer["count"]["total"] == "1,792"
    assert answer["count"]["weights"] == "3 × 3 × 3 × 64 = 1,728"
    assert answer["count"]["sum"] == "1,728 + 64 = 1,792"
    assert answer["weight_shape"] == "(64, 3, 3, 3)"


async def test_64_to_128_has_73856_parameters(client: httpx.AsyncClient) -> None:
    answer = await count(client, in_channels=64, out_channels=128)
    assert answer["count"]["total"] == "73,856"


@pytest.mark.parametrize(
    "layer",
    [
        {
            "in_channels": 3,
            "out_channels": 64,
            "kernel_rows": 3,
            "kernel_cols": 3,
            "bias": True,
            "groups": 1,
        },
        {
            "in_channels": 32,
            "out_channels": 32,
            "kernel_rows": 3,
            "kernel_cols": 3,
            "bias": True,
            "groups": 32,
        },
        {
            "in_channels": 16,
            "out_channels": 8,
            "kernel_rows": 5,
            "kernel_cols": 1,
            "bias": False,
            "groups": 2,
        },
    ],
)
async def test_count_equals_torchs_parameter_count(
    client: httpx.AsyncClient, layer: dict[str, Any]
) -> None:
    torch = pytest.importorskip("torch")
    module = torch.nn.Conv2d(
        layer["in_channels"],
        layer["out_channels"],
        (layer["kernel_rows"], layer["kernel_cols"]),
        bias=layer["bias"],
        groups=layer["groups"],
    )
    expected = sum(p.numel() for p in module.parameters())
    answer = await count(client, **layer)
    assert answer["count"]["total"] == f"{expected:,}"


async def test_cost_counts_one_product_per_weight_per_output_cell(
    client: httpx.AsyncClient,
) -> None:
    answer = await count(client, in_channels=3, out_channels=64, input_rows=224, input_cols=224)
    assert answer["cost"]["output_shape"] == "(64, 224, 224)"
    assert answer["cost"]["macs"] == f"{224 * 224 * 64 * 27:,}"


BAD = [
    ({"in_channels": 5, "groups": 2}, "groups"),
    ({"in_channels": 0}, "in_channels"),
    ({"out_channels": 5000}, "out_channels"),
    ({"kernel_rows": "3"}, "kernel_rows"),
    ({"bias": "yes"}, "bias"),
    ({"kernel_rows": 15, "input_rows": 3, "padding": 0}, "kernel_rows"),
    ({"stride": 0}, "stride"),
    ({"extra": 1}, "extra"),
]


@pytest.mark.parametrize(("inputs", "field"), BAD)
async def test_bad_layers_are_refused_naming_the_field(
    client: httpx.AsyncClient, inputs: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/widgets/params", json=inputs)
    assert 400 <= response.status_code < 500
    assert response.json()["field"] == field, response.json()
