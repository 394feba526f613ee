"""The fifth lesson's widget routes: 1-D, causal, grouped and 3-D numbers equal the engine's and
PyTorch's, and every input is bounded with a refusal naming its control."""

from __future__ import annotations

from typing import Any

import httpx
import numpy as np
import pytest

from convscope import conv1d, conv3d, conv_transpose1d, mac_count, param_count
from convscope.engine import ConvSpec
from convscope.engine.receptive import receptive_field
from convscope.tracing.numbers import format_number
from convscope.widgets.signal_1d.series import temperature_series

pytestmark = pytest.mark.anyio

SIGNAL = [3, 1, 4, 1, 5, 9, 2, 6]


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def written(values: Any) -> list[Any]:
    return np.vectorize(format_number, otypes=[object])(np.asarray(values)).tolist()  # type: ignore[no-any-return]


GOOD = [
    ("GET", "/lessons/beyond-the-image", None),
    ("GET", "/static/widgets/signal_1d/signal_1d.js", None),
    ("GET", "/static/widgets/signal_1d/_beyond.js", None),
    ("GET", "/static/widgets/causal_tree/causal_tree.js", None),
    ("GET", "/static/widgets/groups/groups.js", None),
    ("GET", "/static/widgets/volume_3d/volume_3d.js", None),
    ("GET", "/static/widgets/beyond_check/beyond_check.js", None),
    ("POST", "/api/widgets/signal_1d", {}),
    (
        "POST",
        "/api/widgets/signal_1d",
        {"samples": SIGNAL, "kernel": [1, -2, 1], "padding": "same"},
    ),
    ("POST", "/api/widgets/causal_tree", {}),
    ("POST", "/api/widgets/causal_tree", {"length": 32, "kernel_size": 3, "dilations": [8] * 4}),
    ("POST", "/api/widgets/groups", {"in_channels": 8, "out_channels": 4, "groups": 4}),
    ("POST", "/api/widgets/volume_3d", {"padding": 1}),
    ("POST", "/api/widgets/beyond_check", {"kind": "frames_3d", "variant": 7, "answer": 3}),
]

BAD = [
    ("signal_1d", {"samples": [1] * 33}, "samples", "at most 32"),
    ("signal_1d", {"samples": [1]}, "samples", "at least 2"),
    ("signal_1d", {"samples": [1, "x"]}, "samples", "number"),
    ("signal_1d", {"samples": [1e300, 2]}, "samples", "too large"),
    ("signal_1d", {"kernel": [1] * 8}, "kernel", "at most 7"),
    ("signal_1d", {"samples": [1, 2], "kernel": [1, 1, 1]}, "kernel", "span 3 samples"),
    ("signal_1d", {"samples": [1, 2, 3], "kernel": [1, 1], "dilation": 3}, "kernel", "dilation 3"),
    ("signal_1d", {"dilation": 5}, "dilation", "at most 4"),
    ("signal_1d", {"padding": "full"}, "padding", ""),
    ("signal_1d", {"operation": "transposed", "padding": "same"}, "padding", "valid"),
    ("signal_1d", {"stride": 4}, "stride", "at most 3"),
    ("causal_tree", {"length": 33}, "length", "at most 32"),
    ("causal_tree", {"dilations": [1, 2, 4, 8, 16]}, "dilations", "at most 4"),
    ("causal_tree", {"dilations": [9]}, "dilations", "at most 8"),
    ("causal_tree", {"kernel_size": 4}, "kernel_size", "at most 3"),
    ("groups", {"in_channels": 9}, "in_channels", "at most 8"),
    ("groups", {"groups": 4}, "groups", "choose 1, 2, 3 or 6"),
    ("groups", {"input_size": 1000}, "input_size", "at most 224"),
    ("volume_3d", {"volume": [[[1] * 7]]}, "volume", "6×6"),
    ("volume_3d", {"volume": [[[1]]] * 6}, "volume", "at most 5"),
    ("volume_3d", {"volume": [[[1, 2]], [[1]]]}, "volume", "same size"),
    ("volume_3d", {"volume": [[[1, 2], [3, 4]]], "kernel": [[[1] * 3] * 3] * 3}, "kernel", "fit"),
    ("beyond_check", {"kind": "nope"}, "kind", ""),
    ("beyond_check", {"kind": "frames_3d", "answer": 2.5}, "answer", ""),
]


@pytest.mark.parametrize(("method", "path", "body"), GOOD)
async def test_good_requests_answer_200(
    client: httpx.AsyncClient, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("name", "body", "field", "words"), BAD)
async def test_every_input_is_bounded_and_refused_beside_its_control(
    client: httpx.AsyncClient, name: str, body: dict[str, Any], field: str, words: str
) -> None:
    response = await client.post(f"/api/widgets/{name}", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field
    assert words in response.json()["detail"]


@pytest.mark.parametrize("padding", ["valid", "same", "causal"])
@pytest.mark.parametrize("dilation", [1, 2])
@pytest.mark.parametrize("kernel", [[0.25, 0.5, 0.25], [-1, 1], [1, 0, -2, 1]])
async def test_signal_outputs_equal_conv1d_and_each_step_sums_to_its_sample(
    client: httpx.AsyncClient, padding: str, dilation: int, kernel: list[float]
) -> None:
    body = {"kernel": kernel, "padding": padding, "dilation": dilation}
    response = await client.post("/api/widgets/signal_1d", json=body)
    assert response.status_code == 200, response.text
    state = response.json()
    ours = conv1d(temperature_series(), kernel, padding=padding, dilation=dilation)
    assert state["output"] == written(ours)
    for t, step in enumerate(state["steps"]):
        assert step["result"] == format_number(ours[t])
        formula = step["formula"]
        assert formula["result"] == ours[t]
        total = sum(term["weight_value"] * term["cell_value"] for term in formula["terms"])
        assert total == ours[t]
        real = [tap["position"] for tap in step["taps"] if not tap["padded"]]
        assert [term["cell"][0] for term in formula["terms"] if term["cell"]] == real
        if padding == "causal":  # a causal output never reads a later sample
            assert max(real) == t


async def test_signal_matches_torch_conv1d(client: httpx.AsyncClient) -> None:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    x = torch.tensor(SIGNAL, dtype=torch.float64).view(1, 1, -1)
    w = torch.tensor([1.0, -2.0, 1.0], dtype=torch.float64).view(1, 1, -1)
    cases = {
        "valid": functional.conv1d(x, w, dilation=2),
        "same": functional.conv1d(x, w, padding="same", dilation=2),
        "causal": functional.conv1d(functional.pad(x, (4, 0)), w, dilation=2),
    }
    for padding, expected in cases.items():
        body = {"samples": SIGNAL, "kernel": [1, -2, 1], "padding": padding, "dilation": 2}
        state = (await client.post("/api/widgets/signal_1d", json=body)).json()
        assert state["torch"]["available"] and state["torch"]["equal"], state["torch"]
        assert state["output"] == written(expected.view(-1).numpy().astype(np.int64))


@pytest.mark.parametrize(("stride", "dilation"), [(1, 1), (2, 1), (3, 2)])
async def test_transposed_samples_equal_conv_transpose1d_and_torch(
    client: httpx.AsyncClient, stride: int, dilation: int
) -> None:
    body = {"samples": SIGNAL, "kernel": [1, -2, 1], "operation": "transposed"}
    body |= {"stride": stride, "dilation": dilation}
    state = (await client.post("/api/widgets/signal_1d", json=body)).json()
    ours = conv_transpose1d(SIGNAL, [1, -2, 1], stride=stride, dilation=dilation)
    assert state["output"] == written(ours)
    for j, step in enumerate(state["steps"]):
        terms = step["formula"]["terms"]
        assert sum(t["weight_value"] * t["cell_value"] for t in terms) == ours[j]
        for term in terms:  # sample i lands on j through weight b when j = i·stride + b·dilation
            assert term["cell"][0] * stride + term["weight"][0] * dilation == j
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.conv_transpose1d(
        torch.tensor(SIGNAL, dtype=torch.float64).view(1, 1, -1),
        torch.tensor([1.0, -2.0, 1.0], dtype=torch.float64).view(1, 1, -1),
        stride=stride,
        dilation=dilation,
    )
    assert np.array_equal(expected.view(-1).numpy(), ours)
    assert state["torch"]["equal"], state["torch"]


async def test_formula_names_taps_and_zeros_of_the_padding(client: httpx.AsyncClient) -> None:
    body = {"samples": [1, 2, 4, 7], "kernel": [-1, 1], "padding": "causal"}
    state = (await client.post("/api/widgets/signal_1d", json=body)).json()
    assert state["steps"][0]["formula"]["symbolic"] == "y₀ = w₀·0 + w₁·x₀"
    assert state["steps"][0]["formula"]["substituted"] == "y₀ = (−1)·0 + 1·1 = 1"
    assert state["steps"][3]["formula"]["symbolic"] == "y₃ = w₀·x₂ + w₁·x₃"


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, 16), ({"kernel_size": 3, "dilations": [1, 1, 1, 1]}, 9), ({"dilations": [2, 2]}, 5)],
)
async def test_causal_tree_reaches_only_the_past_inside_the_receptive_field(
    client: httpx.AsyncClient, body: dict[str, Any], field: int
) -> None:
    state = (await client.post("/api/widgets/causal_tree", json=body)).json()
    inputs = state["inputs"]
    layers = [
        {"kernel_size": (1, inputs["kernel_size"]), "dilation": (1, d)} for d in inputs["dilations"]
    ]
    assert state["field"] == receptive_field(layers).size[1] == field
    for t, output in enumerate(state["outputs"]):
        reached = output["reached"][0]
        assert max(reached) == t  # its own sample, nothing after it
        assert min(reached) >= t - field + 1
        assert sorted(set(reached) | set(output["gaps"])) == list(
            range(max(0, t - field + 1), t + 1)
        )


async def test_causal_tree_with_doubling_dilations_reaches_every_sample_once(
    client: httpx.AsyncClient,
) -> None:
    state = (await client.post("/api/widgets/causal_tree", json={})).json()
    last = state["outputs"][23]
    assert last["reached"][0] == list(range(8, 24))
    assert last["paths"] == [1] * 16 and last["gaps"] == []
    # the same by the engine: an impulse at sample 8 reaches output 23, one at 7 does not
    for sample, reaches in ((8, True), (7, False)):
        signal = np.zeros(24, dtype=np.int64)
        signal[sample] = 1
        for d in (1, 2, 4, 8):
            signal = conv1d(signal, [1, 1], padding="causal", dilation=d)
        assert bool(signal[23]) is reaches


@pytest.mark.parametrize("groups", [1, 2, 3, 6])
async def test_group_counts_are_param_count_and_mac_count(
    client: httpx.AsyncClient, groups: int
) -> None:
    state = (await client.post("/api/widgets/groups", json={"groups": groups})).json()
    layer = state["layer"]
    assert layer["params"] == param_count(6, 6, 3, groups=groups)
    assert layer["macs"] == mac_count(6, 6, 3, 32, ConvSpec.create(padding=1, groups=groups))
    assert layer["weight_shape"] == [6, 6 // groups, 3, 3]
    assert len(state["connections"]) == 6 * 6 // groups
    assert state["group_choices"] == [1, 2, 3, 6]


async def test_depthwise_separable_pair_against_a_full_convolution(
    client: httpx.AsyncClient,
) -> None:
    body = {"in_channels": 8, "out_channels": 8, "kernel_size": 5, "input_size": 64}
    pair = (await client.post("/api/widgets/groups", json=body)).json()["separable"]
    depthwise, pointwise = param_count(8, 8, 5, groups=8), param_count(8, 8, 1)
    assert pair["pair_params"] == format_number(depthwise + pointwise)
    assert pair["full"]["params"] == param_count(8, 8, 5) == 1608
    assert pair["same_shape"] and pair["full"]["output_shape"] == [8, 64, 64]
    assert pair["params_share"] == f"{100 * (depthwise + pointwise) / 1608:.0f}%"


async def test_volume_cells_equal_conv3d_and_torch(client: httpx.AsyncClient) -> None:
    state = (await client.post("/api/widgets/volume_3d", json={"padding": 1})).json()
    volume, kernel = state["inputs"]["volume"], state["inputs"]["kernel"]
    ours = conv3d(volume, kernel, padding=1)
    assert state["output"] == written(ours)
    assert state["output_shape"] == list(ours.shape) == [5, 6, 6]
    first = state["cells"][0]
    assert first["slices"][0]["padded"] and first["slices"][0]["sum"] == "0"
    flat = ours.reshape(-1)
    for cell, expected_value in zip(state["cells"], flat, strict=True):
        terms = cell["formula"]["terms"]
        assert sum(t["weight_value"] * t["cell_value"] for t in terms) == expected_value
        z, i, j = cell["index"]
        for term in terms:  # x[z + a − 1, i + m − 1, j + n − 1] meets w[a, m, n]
            if term["cell"] is not None:
                assert term["cell"] == [
                    z + term["weight"][0] - 1,
                    i + term["weight"][1] - 1,
                    j + term["weight"][2] - 1,
                ]
    torch = pytest.importorskip("torch")
    expected = torch.nn.functional.conv3d(
        torch.tensor(volume, dtype=torch.float64)[None, None],
        torch.tensor(kernel, dtype=torch.float64)[None, None],
        padding=1,
    )
    assert np.array_equal(expected[0, 0].numpy(), ours)


async def test_quick_checks_mark_with_the_engine(client: httpx.AsyncClient) -> None:
    cases = [("causal_length", 49), ("separable_params", param_count(32, 32, 3, groups=32) + 2112)]
    for kind, answer in cases:
        body = {"kind": kind, "answer": answer}
        state = (await client.post("/api/widgets/beyond_check", json=body)).json()
        assert state["result"]["correct"], state
    wrong = {"kind": "frames_3d", "answer": 15}
    state = (await client.post("/api/widgets/beyond_check", json=wrong)).json()
    assert not state["result"]["correct"] and state["result"]["answer"] == "16"
