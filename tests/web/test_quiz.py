"""The ``quiz`` widget: marked on the server, the answer hidden until given, fresh variants."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from convscope.widgets.quiz import QuizInputs, build_state

pytestmark = pytest.mark.anyio


async def ask(client: httpx.AsyncClient, **inputs: Any) -> dict[str, Any]:
    response = await client.post("/api/widgets/quiz", json=inputs)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def choice_id(state: dict[str, Any], code: str) -> str:
    return next(c["id"] for c in state["choices"] if c["code"] == code)


async def test_unanswered_state_does_not_hold_the_answer(client: httpx.AsyncClient) -> None:
    state = await ask(client, kind="slice")
    assert state["result"] is None
    assert "correct" not in json.dumps(state) and "right" not in json.dumps(state)
    assert "(1, 1)" in state["question"] and "3×3" in state["question"]
    params = await ask(client, kind="params")
    assert "73,856" not in json.dumps(params) and "73856" not in json.dumps(params)


async def test_slice_at_1_1_is_rows_and_columns_1_to_3(client: httpx.AsyncClient) -> None:
    state = await ask(client, kind="slice")
    right = choice_id(state, "I[1:4, 1:4]")
    marked = await ask(client, kind="slice", answer=right)
    assert marked["result"]["correct"] is True
    assert "rows 1–3, columns 1–3" in marked["result"]["answer_text"]
    assert "(1, 2, 3)" in marked["result"]["explanation"]


async def test_a_first_wrong_slice_gets_a_hint_and_not_the_answer(
    client: httpx.AsyncClient,
) -> None:
    state = await ask(client, kind="slice")
    right = choice_id(state, "I[1:4, 1:4]")
    marked = await ask(client, kind="slice", answer=choice_id(state, "I[0:3, 0:3]"))
    assert marked["result"]["correct"] is False
    assert "starts at row 0, column 0" in marked["result"]["hint"]
    shown = json.dumps(marked)
    assert "answer_text" not in shown and "I[1:4, 1:4]: " not in shown
    assert '"answer": "' + right not in shown.replace(" ", "")
    sized = await ask(client, kind="slice", answer=choice_id(state, "I[1:3, 1:3]"))
    assert "but the kernel is 3×3" in sized["result"]["hint"]


async def test_a_second_wrong_try_or_asking_shows_the_right_slice(
    client: httpx.AsyncClient,
) -> None:
    state = await ask(client, kind="slice")
    right, wrong = choice_id(state, "I[1:4, 1:4]"), choice_id(state, "I[0:3, 0:3]")
    again = await ask(client, kind="slice", answer=wrong, tries=1)
    assert again["result"]["correct"] is False and again["result"]["answer"] == right
    asked = await ask(client, kind="slice", reveal=True)
    assert asked["result"]["correct"] is None and asked["result"]["answer"] == right
    assert "I[1:4, 1:4]" in asked["result"]["answer_text"]


async def test_conv2d_64_128_3_has_73856_parameters(client: httpx.AsyncClient) -> None:
    right = await ask(client, kind="params", answer=73856)
    assert right["result"]["correct"] is True
    assert "nn.Conv2d(64, 128, kernel_size=3)" in right["question"]
    wrong = await ask(client, kind="params", answer=73728)
    assert wrong["result"]["correct"] is False
    assert wrong["result"]["answer"] == "73,856"
    assert "biases were left out" in wrong["result"]["explanation"]


@pytest.mark.parametrize("variant", range(1, 41))
def test_every_slice_variant_has_one_right_choice_among_four(variant: int) -> None:
    state = build_state(QuizInputs(kind="slice", variant=variant))
    assert len({c["code"] for c in state["choices"]}) == 4
    verdicts = [
        build_state(QuizInputs(kind="slice", variant=variant, answer=c["id"]))["result"]["correct"]
        for c in state["choices"]
    ]
    assert verdicts.count(True) == 1
    assert build_state(QuizInputs(kind="slice", variant=variant)) == state  # seeded: repeatable
    assert state["question"] != build_state(QuizInputs(kind="slice"))["question"]


@pytest.mark.parametrize("variant", range(1, 21))
def test_params_variants_are_marked_by_torchs_count(variant: int) -> None:
    torch = pytest.importorskip("torch")
    state = build_state(QuizInputs(kind="params", variant=variant))
    layer = eval(
        state["code"], {"nn": torch.nn}
    )  # the question's own call, e.g. nn.Conv2d(3, 8, …)
    expected = sum(p.numel() for p in layer.parameters())
    marked = build_state(QuizInputs(kind="params", variant=variant, answer=expected))
    assert marked["result"]["correct"] is True


async def test_new_numbers_give_a_different_question(client: httpx.AsyncClient) -> None:
    first = await ask(client, kind="params", variant=0)
    other = await ask(client, kind="params", variant=12345)
    assert first["question"] != other["question"]


BAD = [
    ({"kind": "slice", "answer": "z"}, "answer"),
    ({"kind": "slice", "answer": 3}, "answer"),
    ({"kind": "params", "answer": "73,856"}, "answer"),
    ({"kind": "params", "answer": 7.5}, "answer"),
    ({"kind": "riddle"}, "kind"),
    ({"kind": "slice", "variant": -1}, "variant"),
    ({"kind": "slice", "variant": "2"}, "variant"),
    ({}, "kind"),
]


@pytest.mark.parametrize(("inputs", "field"), BAD)
async def test_bad_answers_are_refused_naming_the_field(
    client: httpx.AsyncClient, inputs: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/widgets/quiz", json=inputs)
    assert response.status_code == 422
    assert response.json()["field"] == field
