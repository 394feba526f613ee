"""The ``channels`` widget: per-channel sums and their total, against the chapter and torch."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest

pytestmark = pytest.mark.anyio

R = [[255, 200, 150, 100], [220, 180, 140, 80], [180, 140, 100, 60], [140, 100, 60, 40]]
G = [[100, 120, 140, 160], [80, 100, 120, 140], [60, 80, 100, 120], [40, 60, 80, 100]]
B = [[50, 80, 110, 140], [70, 100, 130, 160], [90, 120, 150, 180], [110, 140, 170, 200]]
KR = [[1, 0, -1], [2, 0, -2], [1, 0, -1]]
KG = [[0, 1, 0], [1, -4, 1], [0, 1, 0]]
KB = [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]
CENTRE = [[0, 0, 0], [0, 1, 0], [0, 0, 0]]
RGB = {"input": [R, G, B], "weight": [[KR, KG, KB]], "channel_names": ["R", "G", "B"]}
TINY = {
    "input": [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]],
    "weight": [[[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]]]],
}
TWO = {**RGB, "weight": [[KR, KG, KB], [CENTRE, CENTRE, CENTRE]]}


async def state(client: httpx.AsyncClient, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/widgets/channels", json=body)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def test_rgb_example_gives_the_chapters_2x2_output(client: httpx.AsyncClient) -> None:
    answer = await state(client, RGB)
    assert answer["outputs"] == [[["345", "380"], ["320", "320"]]]
    assert [part["sum"] for part in answer["step"]["channels"]] == ["345", "0", "0"]
    assert answer["step"]["total_terms"] == "345 + 0 + 0"
    assert answer["step"]["result"] == "345"
    assert answer["shapes"] == {"input": [3, 4, 4], "weight": [1, 3, 3, 3], "output": [1, 2, 2]}


@pytest.mark.parametrize(("position", "total"), [([0, 1], "380"), ([1, 0], "320"), ([1, 1], "320")])
async def test_every_position_totals_its_channel_sums(
    client: httpx.AsyncClient, position: list[int], total: str
) -> None:
    answer = await state(client, {**RGB, "position": position})
    assert answer["step"]["result"] == total
    rows, cols = answer["step"]["rows"], answer["step"]["cols"]
    assert rows == [position[0] + k for k in range(3)] and cols == [
        position[1] + k for k in range(3)
    ]


async def test_tiny_example_sums_5_13_42_to_60(client: httpx.AsyncClient) -> None:
    answer = await state(client, TINY)
    assert [part["sum"] for part in answer["step"]["channels"]] == ["5", "13", "42"]
    assert answer["step"]["total_text"] == "5 + 13 + 42 = 60"
    assert answer["step"]["channels"][2]["sum_text"] == "9 + 10 + 11 + 12 = 42"


async def test_two_kernels_give_two_maps_equal_to_torch(client: httpx.AsyncClient) -> None:
    torch = pytest.importorskip("torch")
    answer = await state(client, {**TWO, "c_out": 1, "position": [1, 1]})
    expected = torch.nn.functional.conv2d(
        torch.tensor([R, G, B], dtype=torch.float64),
        torch.tensor(TWO["weight"], dtype=torch.float64),
    )
    shown = np.array(
        [[[float(v.replace("−", "-")) for v in row] for row in m] for m in answer["outputs"]]
    )
    np.testing.assert_array_equal(shown, expected.numpy())
    assert answer["step"]["c_out"] == 1
    assert answer["step"]["result"] == f"{int(expected[1, 1, 1])}"


ONE = [[1, 2], [3, 4]]
BAD = [
    ({**TINY, "weight": [[ONE, ONE]]}, "weight", "needs one per input channel (3)"),
    ({"input": [ONE, [[1]]], "weight": [[ONE, ONE]]}, "input", "same height and width"),
    ({**TINY, "c_out": 1}, "c_out", "holds 1 kernel,"),
    ({**TINY, "position": [1, 0]}, "position", "outside the 1×1 output"),
    ({**TINY, "position": [0]}, "position", ""),
    ({**TINY, "input": [[[1] * 9] * 9] * 3}, "input", "9×9"),
    ({**TINY, "input": [ONE] * 5}, "input", ""),
    ({**TINY, "weight": [[[[1]] * 3]] * 5}, "weight", ""),
    ({**TINY, "channel_names": ["a" * 20]}, "channel_names", ""),
    ({**TINY, "input": [[[1, "x"], [3, 4]]] * 3}, "input", "must be a number"),
    ({"weight": TINY["weight"]}, "input", "required"),
]


@pytest.mark.parametrize(("body", "field", "words"), BAD)
async def test_bad_inputs_are_refused_naming_the_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: str, words: str
) -> None:
    response = await client.post("/api/widgets/channels", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert words in response.json()["detail"]
