"""The third lesson's widget routes: gradients equal convscope.grad's and torch.autograd's."""

from __future__ import annotations

import json
from typing import Any

import httpx
import numpy as np
import pytest

from convscope import conv2d, learn_kernel
from convscope.grad import avg_pool2d_input, conv2d_input, conv2d_weight, max_pool2d_input
from convscope.lessons import render_lesson
from convscope.tracing.numbers import format_number
from convscope.widgets.grad_check.variants import GENERATORS as GRAD_QUESTIONS
from convscope.widgets.grad_learn import MAX_STEPS
from convscope.widgets.grad_loss import autograd

pytestmark = pytest.mark.anyio

IMAGE = [[1, 2, 0, 3], [4, 1, 2, 0], [0, 3, 1, 2], [2, 0, 4, 1]]
KERNEL = [[1, 0], [-1, 2]]
VIEW = {"input": IMAGE, "kernel": KERNEL}
TARGET = [[4, 0, 0], [2, 2, 0], [0, 0, 4]]
BIG_KERNEL = {"input": [[1] * 3] * 3, "kernel": [[1] * 4] * 4}
LOSS = {"input": IMAGE, "kernel": KERNEL, "target": TARGET}


@pytest.fixture(autouse=True, scope="module")
def torch_imported() -> None:
    """Import torch before the first request: a cold import can outlast the 10 s request limit."""
    autograd.torch_or_none()


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def written(values: Any) -> list[list[str]]:
    return [[format_number(value) for value in row] for row in np.asarray(values).tolist()]


GOOD = [
    ("GET", "/lessons/how-a-kernel-learns", None),
    ("GET", "/static/widgets/grad_weight/grad_weight.js", None),
    ("GET", "/static/widgets/grad_loss/grad_loss.js", None),
    ("POST", "/api/widgets/grad_weight", VIEW),
    ("POST", "/api/widgets/grad_weight", with_(VIEW, stride=2, padding=1)),
    ("POST", "/api/widgets/grad_weight", with_(VIEW, grad_output=[[1, 0, 2]] * 3)),
    ("POST", "/api/widgets/grad_loss", LOSS),
    ("POST", "/api/widgets/grad_loss", with_(LOSS, input=[[0.5] * 4] * 4)),
]

BAD = [
    ("/api/widgets/grad_weight", with_(VIEW, kernel=[[1] * 5] * 5), 422, "kernel"),
    (
        "/api/widgets/grad_weight",
        BIG_KERNEL,
        422,
        "kernel",
    ),
    ("/api/widgets/grad_weight", with_(VIEW, stride=3), 422, "stride"),
    ("/api/widgets/grad_weight", with_(VIEW, padding=2), 422, "padding"),
    ("/api/widgets/grad_weight", with_(VIEW, grad_output=[[1, 2]]), 422, "grad_output"),
    ("/api/widgets/grad_weight", with_(VIEW, input=[[1, "x"]]), 422, "input"),
    ("/api/widgets/grad_loss", with_(LOSS, target=[[1, 2], [3, 4]]), 422, "target"),
    ("/api/widgets/grad_loss", with_(LOSS, target=[[float("1e300")] * 3] * 3), 422, "target"),
    ("/api/widgets/grad_loss", with_(LOSS, kernel=[[1] * 5] * 5), 422, "kernel"),
]


@pytest.mark.parametrize(("method", "path", "body"), GOOD)
async def test_good_requests_answer_200(
    client: httpx.AsyncClient, method: str, path: str, body: Any
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("path", "body", "status", "field"), BAD)
async def test_bad_requests_get_a_4xx_naming_the_field(
    client: httpx.AsyncClient, path: str, body: Any, status: int, field: str
) -> None:
    response = await client.post(path, json=body)
    assert response.status_code == status, response.text
    assert response.json()["field"] == field, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(("stride", "padding"), [(1, 0), (2, 0), (1, 1), (2, 1)])
async def test_weight_view_sums_equal_convscope_grad(
    client: httpx.AsyncClient, stride: int, padding: int
) -> None:
    state = (
        await client.post(
            "/api/widgets/grad_weight", json=with_(VIEW, stride=stride, padding=padding)
        )
    ).json()
    ones = np.ones_like(conv2d(IMAGE, KERNEL, stride=stride, padding=padding))
    weight = conv2d_weight(IMAGE, (2, 2), ones, stride=stride, padding=padding)
    cells = conv2d_input((4, 4), KERNEL, ones, stride=stride, padding=padding)
    assert state["grad_weight"] == written(weight)
    assert [step["result"] for step in state["weight_steps"]] == [
        t for row in written(weight) for t in row
    ]
    assert state["grad_input"] == written(cells) == state["transposed"]
    first = state["weight_steps"][0]
    assert first["label"] == "∂L/∂weight[0, 0]"
    real = [term["factor"] for term in first["terms"] if not term["in_padding"]]
    assert sum(int(text.replace("−", "-")) for text in real) == weight[0, 0]


async def test_loss_gradient_is_output_minus_target_and_flows_to_the_weights(
    client: httpx.AsyncClient,
) -> None:
    state = (await client.post("/api/widgets/grad_loss", json=LOSS)).json()
    errors = conv2d(IMAGE, KERNEL) - np.array(TARGET)
    assert state["grad_output"] == written(errors)
    assert state["loss"] == format_number(int((errors**2).sum()) / 2)
    assert state["grad_weight"] == written(conv2d_weight(IMAGE, (2, 2), errors))
    assert state["grad_input"] == written(conv2d_input((4, 4), KERNEL, errors))
    # a target equal to the output leaves nothing to learn
    output = conv2d(IMAGE, KERNEL).tolist()
    settled = (await client.post("/api/widgets/grad_loss", json=with_(LOSS, target=output))).json()
    assert settled["loss"] == "0"
    assert {text for row in settled["grad_weight"] for text in row} == {"0"}


async def test_torch_autograd_agrees_on_loss_and_both_gradients(
    client: httpx.AsyncClient,
) -> None:
    torch = pytest.importorskip("torch")
    body = with_(LOSS, input=[[0.25, 1.5, -2, 3]] * 4)
    state = (await client.post("/api/widgets/grad_loss", json=body)).json()
    check = state["torch"]
    assert check["available"] and check["agrees"], check
    assert check["version"] == str(torch.__version__)
    x = torch.tensor(body["input"], dtype=torch.float64)[None, None].requires_grad_()
    w = torch.tensor(KERNEL, dtype=torch.float64)[None, None].requires_grad_()
    t = torch.tensor(TARGET, dtype=torch.float64)[None, None]
    (0.5 * ((torch.nn.functional.conv2d(x, w) - t) ** 2).sum()).backward()
    assert state["grad_weight"] == written(w.grad[0, 0].numpy())
    assert state["grad_input"] == written(x.grad[0, 0].numpy())


async def test_without_torch_the_check_says_not_installed(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(autograd, "torch_or_none", lambda: None)
    state = (await client.post("/api/widgets/grad_loss", json=LOSS)).json()
    assert state["torch"]["available"] is False
    assert "not installed" in state["torch"]["message"]
    assert "grad_weight" not in state["torch"]


async def test_lesson_index_lists_the_third_lesson_after_the_second(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/lessons")).text
    second = page.index('href="/lessons/stride-padding-pooling"')
    third = page.index('href="/lessons/how-a-kernel-learns"')
    assert second < third
    assert "How a kernel learns" in page


LEARN: dict[str, Any] = {"target": "sobel_x", "image": "lesson", "learning_rate": 0.005}


async def _learn(client: httpx.AsyncClient, inputs: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/api/widgets/grad_learn", json=inputs)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_learning_live_in_small_requests_equals_learn_kernel(
    client: httpx.AsyncClient,
) -> None:
    state = await _learn(client, LEARN)
    sizes, steps = [], []
    while state["step"] < 70:
        state = await _learn(client, state["inputs"] | {"steps": 7})
        sizes.append(len(json.dumps(state["inputs"])))
        steps.append(state["step"])
    assert steps[8:11] == [63, 66, 73]  # the request that converges stops at that step
    expected = learn_kernel("sobel_x", steps=73)
    assert state["converged_at"] == expected.converged_at == 66
    assert state["status"] == "converged"
    assert state["inputs"]["learner"]["losses"] == expected.losses
    assert state["kernel"] == written(np.round(expected.kernels[-1], 4))
    assert state["inputs"]["steps"] == 0  # a reload shows the run, it does not step it again
    assert max(sizes) < 8_000, sizes  # the page's payload stays small


async def test_a_rate_too_large_stops_the_run_and_says_why(client: httpx.AsyncClient) -> None:
    state = await _learn(client, LEARN | {"learning_rate": 0.05, "steps": 20})
    assert state["status"] == "diverged"
    assert "too large" in state["message"] and "0.014" in state["message"]
    again = await _learn(client, state["inputs"] | {"steps": 5})
    assert again["step"] == state["step"]  # a diverged run makes no more steps


async def test_a_photo_learns_from_crops_and_shows_pictures(client: httpx.AsyncClient) -> None:
    state = await _learn(client, LEARN | {"image": "camera", "learning_rate": 0.2, "steps": 10})
    losses = state["inputs"]["learner"]["losses"]
    assert state["step"] == 10 and losses[-1] < losses[0]
    assert state["outputs"] is None
    assert state["pictures"]["now"].startswith("data:image/png;base64,")


async def test_the_run_stops_at_its_longest(client: httpx.AsyncClient) -> None:
    state = await _learn(client, LEARN | {"steps": 1})
    learner = state["inputs"]["learner"] | {"losses": [1.0] * (MAX_STEPS + 1)}
    full = await _learn(client, state["inputs"] | {"learner": learner, "steps": 5})
    assert full["step"] == MAX_STEPS and full["made"] == 0
    assert "Reset" in full["message"]


BAD_LEARN = [
    (LEARN | {"learning_rate": 50}, "learning_rate"),
    (LEARN | {"learning_rate": "fast"}, "learning_rate"),
    (LEARN | {"momentum": 1}, "momentum"),
    (LEARN | {"steps": 21}, "steps"),
    (LEARN | {"batch": 17}, "batch"),
    (LEARN | {"target": "mystery"}, "target"),
    (LEARN | {"image": "../secret"}, "image"),
]


@pytest.mark.parametrize(("inputs", "field"), BAD_LEARN)
async def test_bad_learning_choices_are_refused_naming_the_control(
    client: httpx.AsyncClient, inputs: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/widgets/grad_learn", json=inputs)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


async def test_a_run_that_does_not_fit_the_choices_is_refused(client: httpx.AsyncClient) -> None:
    state = await _learn(client, LEARN | {"steps": 1})
    small = state["inputs"]["learner"] | {"kernel": [[1, 2]], "velocity": [[0, 0]]}
    for learner in (
        small,
        state["inputs"]["learner"] | {"losses": [1.0] * (MAX_STEPS + 2)},
        state["inputs"]["learner"] | {"random": {"bit_generator": "MT19937"}},
    ):
        response = await client.post(
            "/api/widgets/grad_learn", json=state["inputs"] | {"learner": learner, "steps": 1}
        )
        assert response.status_code == 422, response.text
        assert response.json()["field"] == "learner"
    bigger = await client.post(
        "/api/widgets/grad_learn",
        json=state["inputs"] | {"target": "laplacian_of_gaussian", "steps": 1},
    )
    assert bigger.status_code == 422 and "Reset" in bigger.json()["detail"]


CHAIN_IMAGE = [
    [3, 3, 1, 0, 3, 0],
    [0, 1, 1, 1, 1, 0],
    [2, 2, 2, 3, 3, 0],
    [3, 1, 3, 2, 0, 3],
    [3, 3, 0, 0, 2, 2],
    [0, 3, 0, 0, 3, 2],
]
CHAIN = {"input": CHAIN_IMAGE, "kernel": [[1, 0, -1]] * 3, "kind": "max"}


def _chain_weight_grad(kind: str, grad_p: Any) -> Any:
    pre = conv2d(CHAIN_IMAGE, CHAIN["kernel"])
    activation = np.maximum(pre, 0)
    if kind == "max":
        grad_a = max_pool2d_input(activation, grad_p, 2, 2)
    else:
        grad_a = avg_pool2d_input(activation.shape, grad_p, 2, 2)
    return conv2d_weight(CHAIN_IMAGE, (3, 3), np.where(pre > 0, grad_a, 0))


@pytest.mark.parametrize("kind", ["max", "avg"])
async def test_the_chain_gradient_reaches_the_weights_through_relu_and_pool(
    client: httpx.AsyncClient, kind: str
) -> None:
    grad_p = [[1, 2], [-1, 3]]
    response = await client.post(
        "/api/widgets/grad_chain", json=CHAIN | {"kind": kind, "grad_pooled": grad_p}
    )
    state = response.json()
    assert state["grad_weight"] == written(_chain_weight_grad(kind, np.array(grad_p)))
    pre = conv2d(CHAIN_IMAGE, CHAIN["kernel"])
    assert state["passes"] == (pre > 0).tolist()
    blocked = [
        text
        for row, passes in zip(state["grad_z"], state["passes"], strict=True)
        for text, on in zip(row, passes, strict=True)
        if not on
    ]
    assert set(blocked) == {"0"}
    if kind == "max":
        assert state["winners"][0] == [0, 1]  # a[0, 1] = 2 is its window's largest
        assert state["winners"][3] == [2, 2]  # an all-zero window: the first cell wins, as torch
        assert "ReLU gave 0" in state["relu_words"][2 * 4 + 2]
    if state["torch"]["available"]:
        assert state["torch"]["agrees"], state["torch"]


BAD_CHAIN = [
    (CHAIN | {"kind": "min"}, "kind"),
    (CHAIN | {"input": [[1, 2, 3]] * 3}, "kernel"),
    (CHAIN | {"grad_pooled": [[1]]}, "grad_pooled"),
    (CHAIN | {"kernel": [[1] * 4] * 4}, "kernel"),
]


@pytest.mark.parametrize(("inputs", "field"), BAD_CHAIN)
async def test_bad_chain_inputs_are_refused_naming_the_field(
    client: httpx.AsyncClient, inputs: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/widgets/grad_chain", json=inputs)
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field


@pytest.mark.parametrize("kind", ["weight_gradient", "input_gradient", "gradient_shape"])
@pytest.mark.parametrize("variant", [0, 1, 7])
async def test_quick_checks_keep_their_answer_until_asked_and_mark_it(
    client: httpx.AsyncClient, kind: str, variant: int
) -> None:
    question = GRAD_QUESTIONS[kind](variant)
    body = {"kind": kind, "variant": variant}
    fresh = (await client.post("/api/widgets/grad_check", json=body)).json()
    assert fresh["result"] is None and fresh["question"] == question.question
    assert question.working not in json.dumps(fresh)
    right = (
        await client.post("/api/widgets/grad_check", json=body | {"answer": question.answer})
    ).json()
    wrong = (
        await client.post("/api/widgets/grad_check", json=body | {"answer": question.answer + 1})
    ).json()
    assert right["result"]["correct"] and not wrong["result"]["correct"]
    assert wrong["result"]["explanation"] == question.working


def test_quick_check_answers_are_the_engines() -> None:
    asked = GRAD_QUESTIONS["weight_gradient"](3).parameters
    a, b = asked["position"]
    ones = np.ones((3, 3), dtype=np.int64)
    expected = conv2d_weight(asked["image"], (2, 2), ones)[a, b]
    assert GRAD_QUESTIONS["weight_gradient"](3).answer == expected
    cell = GRAD_QUESTIONS["input_gradient"](4).parameters
    size, k = cell["size"], cell["kernel_size"]
    out = np.ones((size - k + 1,) * 2, dtype=np.int64)
    grads = conv2d_input((size, size), np.ones((k, k), dtype=np.int64), out)
    assert GRAD_QUESTIONS["input_gradient"](4).answer == grads[cell["cell"]]


def test_the_lesson_renders_every_gradient_widget_without_a_mistake() -> None:
    lesson = render_lesson("how-a-kernel-learns")
    assert lesson.errors == []
    assert lesson.title == "How a kernel learns"
    assert lesson.widgets == [
        "grad_weight",
        "grad_loss",
        "grad_learn",
        "grad_chain",
        "grad_check",
        "grad_check",
        "grad_check",
    ]
    assert "66 steps" in lesson.html  # the prose's promise, which the route test checks
