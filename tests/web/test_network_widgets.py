"""The fourth lesson's widgets: a drawn digit through the digits network, every explained
activation equal to the network's own forward pass (and to torch's when installed), refusals in
the learner's words, and the learned filters beside the catalogue."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import httpx
import numpy as np
import pytest

from convscope.kernels import KERNELS
from convscope.network import bundled_weights, forward, held_out_split
from convscope.widgets.first_filters import FirstFiltersInputs, cosine
from convscope.widgets.first_filters import build_state as filters_state
from convscope.widgets.network_maps import WIDGET as MAPS
from convscope.widgets.network_maps import NetworkMapsInputs, examples
from convscope.widgets.network_maps import build_state as maps_state
from convscope.widgets.network_maps.activations import number

SEVEN = [
    [0] * 8,
    [0, 16, 16, 16, 16, 16, 16, 0],
    *[[0, 0, 0, 0, 0, 16, 0, 0]] * 3,
    *[[0, 0, 0, 16, 0, 0, 0, 0]] * 3,
]


def layers_of(image: Any) -> dict[str, Any]:
    return {layer.name: layer.values for layer in forward(bundled_weights(), image)}


def test_a_drawing_gives_the_networks_own_probabilities_and_maps() -> None:
    state = maps_state(NetworkMapsInputs(pixels=SEVEN))
    layers = layers_of(np.asarray(SEVEN))
    shown = [p["value"] for p in state["probabilities"]]
    np.testing.assert_array_equal(shown, layers["probabilities"][0])
    assert state["predicted"] == int(layers["probabilities"][0].argmax())
    assert [p["text"] for p in state["probabilities"]][state["predicted"]].endswith(" %")
    conv1 = state["maps"][0]
    assert conv1["title"] == "conv1 → ReLU" and conv1["shape"] == [8, 8, 8]
    relu1 = layers["relu1"][0]
    assert conv1["values"][2][1][5] == number(relu1[2, 1, 5])
    assert max(max(max(row) for row in channel) for channel in conv1["levels"]) == 8
    assert state["seen"][1][1] == "1" and state["seen"][0][0] == "0"  # ink 16 becomes 1


def test_a_picked_held_out_digit_is_that_image() -> None:
    held_out = held_out_split()[1]
    for digit in (0, 7):
        state = maps_state(NetworkMapsInputs(example=digit))
        index = examples()[digit]["index"]
        assert held_out.labels[index] == digit and state["label"] == digit
        assert state["pixels"] == held_out.images[index].tolist()


@pytest.mark.parametrize(
    ("layer", "cell"),
    [("conv1", (5, 7, 4)), ("conv1", (0, 0, 0)), ("conv2", (3, 1, 2)), ("conv2", (1, 0, 3))],
)
def test_an_explained_convolution_cell_adds_up_to_the_forward_pass(
    layer: str, cell: tuple[int, int, int]
) -> None:
    c, i, j = cell
    state = maps_state(NetworkMapsInputs(example=3, layer=layer, channel=c, row=i, col=j))  # type: ignore[arg-type]
    step = state["explanation"]
    layers = layers_of(held_out_split()[1].images[examples()[3]["index"]])
    assert step["kind"] == "conv" and len(step["channels"]) == (1 if layer == "conv1" else 8)
    np.testing.assert_allclose(step["z_value"], layers[layer][0, c, i, j], rtol=1e-12, atol=1e-12)
    assert step["z_forward"] == layers[layer][0, c, i, j]
    relu = "relu1" if layer == "conv1" else "relu2"
    assert step["relu_value"] == layers[relu][0, c, i, j]
    assert step["relu_text"] == f"ReLU: max(0, {step['z']}) = {step['relu']}"
    weight = bundled_weights()[f"{layer}.weight"][c]
    assert step["channels"][0]["kernel"][0][0] == number(weight[0, 0, 0])
    assert step["bias_text"].endswith(f"= {step['z']}")


def test_a_corner_cell_shows_the_padding_it_reaches() -> None:
    step = maps_state(NetworkMapsInputs(example=3, layer="conv1", channel=0, row=0, col=0))[
        "explanation"
    ]
    assert step["is_padding"][0] == [True, True, True] and step["is_padding"][1][0] is True
    assert step["channels"][0]["window"][0] == ["0", "0", "0"]
    assert step["rows"] == [-1, 0, 1]


def test_a_pooled_cell_names_its_winner_and_equals_the_forward_pass() -> None:
    state = maps_state(NetworkMapsInputs(example=3, layer="pool2", channel=3, row=1, col=0))
    step = state["explanation"]
    layers = layers_of(np.asarray(state["pixels"]))
    r, c = step["winner_cell"]
    assert step["value"] == layers["pool2"][0, 3, 1, 0] == layers["relu2"][0, 3, r, c]
    assert step["rows"] == [2, 3] and step["cols"] == [0, 1]
    assert step["text"].endswith(f"= {step['result']}")


def test_a_class_score_lists_its_largest_products_and_adds_up() -> None:
    state = maps_state(NetworkMapsInputs(pixels=SEVEN, layer="linear", channel=7))
    step = state["explanation"]
    layers = layers_of(np.asarray(SEVEN))
    products = bundled_weights()["linear.weight"][7] * layers["flatten"][0]
    largest = np.sort(np.abs(products))[::-1][:8]
    shown = [abs(float(t["product"].replace("−", "-"))) for t in step["terms"]]
    np.testing.assert_allclose(shown, largest, rtol=5e-3)
    np.testing.assert_allclose(step["sum_value"], layers["logits"][0, 7], rtol=1e-12)
    assert step["logit_value"] == layers["logits"][0, 7]
    assert step["rest_count"] == 56


def test_the_receptive_field_grows_layer_by_layer() -> None:
    sizes = {}
    for layer in ("conv1", "pool1", "conv2", "pool2"):
        field = MAPS.state({"example": 3, "layer": layer, "row": 1, "col": 1})["field"]
        sizes[layer] = field["size"]
    assert sizes == {"conv1": 3, "pool1": 4, "conv2": 8, "pool2": 10}
    counts = np.array(
        maps_state(NetworkMapsInputs(example=3, layer="conv1", row=4, col=4))["field"]["counts"]
    )
    assert np.argwhere(counts > 0).tolist() == [[r, c] for r in (3, 4, 5) for c in (3, 4, 5)]


@pytest.mark.parametrize(
    ("raw", "field", "words"),
    [
        ({"pixels": [[0] * 8] * 7}, "pixels", "8 rows of 8 cells"),
        (
            {"pixels": [[0] * 8] * 7 + [[0, 0, 17, 0, 0, 0, 0, 0]]},
            "pixels",
            "drawing cell [7, 2] holds 17; each cell holds 0 (blank) to 16",
        ),
        ({}, "pixels", "draw a digit on the pad or pick a held-out one"),
        (
            {"example": 3, "layer": "pool2", "row": 2},
            "row",
            "pool2 has 2 rows, numbered 0 to 1; got row 2",
        ),
        ({"example": 3, "layer": "linear", "channel": 12}, "channel", "10 digits"),
    ],
)
def test_refusals_name_the_control(raw: dict[str, Any], field: str, words: str) -> None:
    with pytest.raises(Exception) as refused:
        MAPS.state(raw)
    answer = MAPS.refusal(refused.value)
    assert answer["field"] == field and words in str(answer["detail"])


def test_the_first_filters_are_the_networks_with_their_closest_kernel() -> None:
    state = filters_state(FirstFiltersInputs(filter=2))
    weights = bundled_weights()["conv1.weight"][:, 0]
    assert len(state["filters"]) == 8
    assert state["filters"][2]["values"][0][1] == "1.258"
    best = state["ranking"][0]
    scores = {
        name: cosine(weights[2], kernel.values)
        for name, kernel in KERNELS.items()
        if kernel.values.shape == (3, 3)
    }
    assert best["name"] == max(scores, key=lambda name: abs(scores[name]))
    assert best["value"] == scores[best["name"]]
    assert state["filters"][2]["closest"]["name"] == best["name"]
    assert cosine(KERNELS["sobel_x"].values, -KERNELS["sobel_x"].values) == pytest.approx(-1)


torch: ModuleType | None
try:
    import torch
except ImportError:  # pragma: no cover - torch is optional
    torch = None


@pytest.mark.skipif(torch is None, reason="torch is the reference")
def test_an_explained_activation_equals_torchs() -> None:
    assert torch is not None
    weights = {k: torch.from_numpy(v) for k, v in bundled_weights().items()}
    x = torch.tensor(SEVEN, dtype=torch.float64)[None, None] / 16
    conv1 = torch.nn.functional.conv2d(x, weights["conv1.weight"], weights["conv1.bias"], padding=1)
    pool1 = torch.nn.functional.max_pool2d(conv1.relu(), 2)
    conv2 = torch.nn.functional.conv2d(
        pool1, weights["conv2.weight"], weights["conv2.bias"], padding=1
    )
    for layer, theirs, cell in (("conv1", conv1, (4, 3, 5)), ("conv2", conv2, (7, 2, 1))):
        picked = dict(zip(("channel", "row", "col"), cell, strict=True))
        step = MAPS.state({"pixels": SEVEN, "layer": layer, **picked})["explanation"]
        np.testing.assert_allclose(step["z_value"], float(theirs[0][cell]), rtol=1e-12, atol=1e-12)


pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("name", "body", "status"),
    [
        ("network_maps", {"example": 1, "layer": "pool1", "channel": 2, "row": 1, "col": 1}, 200),
        ("network_maps", {"pixels": SEVEN}, 200),
        ("network_maps", {"pixels": [[99] * 8] * 8}, 422),
        ("network_maps", {"example": 10}, 422),
        ("network_maps", {"example": 1, "secret": 1}, 422),
        ("first_filters", {"filter": 7}, 200),
        ("first_filters", {"filter": 8}, 422),
        ("network_check", {"kind": "flatten_size", "answer": 64}, 200),
        ("network_check", {"kind": "shapes"}, 422),
    ],
)
async def test_the_routes_answer_and_refuse(
    client: httpx.AsyncClient, name: str, body: dict[str, Any], status: int
) -> None:
    answer = await client.post(f"/api/widgets/{name}", json=body)
    assert answer.status_code == status, answer.text
    if status == 422:
        assert answer.json()["detail"]


@pytest.mark.parametrize(
    ("kind", "answer"), [("conv2_params", 1168), ("flatten_size", 64), ("linear_params", 650)]
)
def test_the_quick_checks_ask_about_the_lessons_network(kind: str, answer: int) -> None:
    from convscope.network.model import parameter_count
    from convscope.widgets.network_check import WIDGET as CHECK

    state = CHECK.state({"kind": kind, "answer": answer})
    assert state["result"]["correct"] is True
    assert CHECK.state({"kind": kind, "answer": answer + 1})["result"]["correct"] is False
    assert parameter_count() == 80 + 1168 + 650  # conv1 + conv2 + linear


def test_a_new_quick_check_variant_is_the_engines_answer() -> None:
    from convscope import conv2d, max_pool2d
    from convscope.network.model import POOL
    from convscope.widgets.network_check.variants import flatten_size, linear_params

    for seed in range(1, 30):
        question = flatten_size(seed)
        side, channels = question.parameters["side"], question.parameters["channels"]
        x = np.zeros((1, 1, side, side))
        w1 = np.zeros((4, 1, 3, 3))
        w2 = np.zeros((channels, 4, 3, 3))
        first = np.asarray(max_pool2d(conv2d(x, w1, padding=1), POOL))
        out = np.asarray(max_pool2d(conv2d(first, w2, padding=1), POOL))
        assert question.answer == out.size
        assert linear_params(seed).parameters["features"] == out.size
