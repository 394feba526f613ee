"""The second lesson's widget routes and pages: right states, 4xx naming the field, never 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

GRID = [[1, 3, 2, 9], [5, 6, 1, 2], [8, 0, 4, 4], [2, 7, 3, 5]]
PAD = {"input": GRID, "padding": 1}
POOL = {"input": GRID, "kind": "max", "kernel_size": 2, "stride": 2}
TRANS = {"input": [[1, 2], [3, 4]], "kernel": [[1, 0, -1], [2, 1, 0], [0, 1, 1]], "stride": 2}
CHECK = {"stride": 2, "kernel_a": 3, "kernel_b": 4}
STACK = [{"kind": "conv", "kernel_size": 3}, {"kind": "max", "kernel_size": 2, "stride": 2}]
FIELD = {"input_size": 12, "layers": STACK}
QUIZ = {"kind": "output_size", "variant": 3}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


GOOD = [
    ("GET", "/lessons", None),
    ("GET", "/lessons/stride-padding-pooling", None),
    ("GET", "/static/css/lesson2.css", None),
    ("GET", "/static/widgets/_common/_parts.js", None),
    ("POST", "/api/widgets/padding_modes", PAD),
    ("POST", "/api/widgets/padding_modes", with_(PAD, padding="same", kernel_size=4)),
    ("POST", "/api/widgets/padding_modes", with_(PAD, padding=3, photo="chelsea")),
    ("POST", "/api/widgets/pooling", POOL),
    ("POST", "/api/widgets/pooling", with_(POOL, kind="avg", kernel_size=3, stride=1, padding=1)),
    ("POST", "/api/widgets/pooling", with_(POOL, kernel_size=1, stride=4)),
    ("POST", "/api/widgets/pooling", with_(POOL, kernel_size=2, ceil_mode=True, dilation=2)),
    # rounding down no dilated 3×3 window fits 4 cells; rounding up, one does (as in PyTorch)
    ("POST", "/api/widgets/pooling", with_(POOL, kernel_size=3, ceil_mode=True, dilation=2)),
    ("POST", "/api/widgets/pooling", with_(POOL, kind="avg", padding=1, count_include_pad=False)),
    ("POST", "/api/widgets/transposed", TRANS),
    ("POST", "/api/widgets/transposed", with_(TRANS, kernel=[[1, 0], [2, 1]], stride=3, padding=2)),
    ("POST", "/api/widgets/transposed", with_(TRANS, output_padding=1)),
    ("POST", "/api/widgets/checkerboard", CHECK),
    ("POST", "/api/widgets/checkerboard", with_(CHECK, stride=1, kernel_a=1, kernel_b=6)),
    ("POST", "/api/widgets/receptive", FIELD),
    ("POST", "/api/widgets/receptive", with_(FIELD, cell=[0, 4])),
    ("POST", "/api/widgets/quick_check", QUIZ),
    ("POST", "/api/widgets/quick_check", with_(QUIZ, kind="receptive_field", answer=7)),
]

# (path, body, status, the field the error must name)
BAD = [
    ("/api/widgets/padding_modes", with_(PAD, input=[[1] * 7] * 7), 422, "input"),
    ("/api/widgets/padding_modes", with_(PAD, input=[[1, "x"]]), 422, "input"),
    ("/api/widgets/padding_modes", with_(PAD, padding=4), 422, "padding"),
    ("/api/widgets/padding_modes", with_(PAD, padding="full"), 422, "padding"),
    ("/api/widgets/padding_modes", with_(PAD, kernel_size=0), 422, "kernel_size"),
    ("/api/widgets/padding_modes", with_(PAD, photo="../etc/passwd"), 422, "photo"),
    ("/api/widgets/pooling", with_(POOL, kind="min"), 422, "kind"),
    ("/api/widgets/pooling", with_(POOL, kernel_size=2, padding=2), 422, "padding"),
    ("/api/widgets/pooling", with_(POOL, input=[[1]]), 422, "kernel_size"),
    ("/api/widgets/pooling", with_(POOL, stride=0), 422, "stride"),
    ("/api/widgets/pooling", with_(POOL, input=[[1e300, 1], [1, 1]]), 422, "input"),
    ("/api/widgets/pooling", with_(POOL, kind="avg", dilation=2), 422, "dilation"),
    ("/api/widgets/pooling", with_(POOL, dilation=3), 422, "dilation"),
    ("/api/widgets/pooling", with_(POOL, ceil_mode="sometimes"), 422, "ceil_mode"),
    ("/api/widgets/transposed", with_(TRANS, kernel=[[1] * 5] * 5), 422, "kernel"),
    ("/api/widgets/transposed", with_(TRANS, output_padding=2), 422, "output_padding"),
    ("/api/widgets/transposed", with_(TRANS, kernel=[[1]], padding=1, stride=1), 422, "padding"),
    ("/api/widgets/transposed", with_(TRANS, stride=True), 422, "stride"),
    ("/api/widgets/checkerboard", with_(CHECK, kernel_a=7), 422, "kernel_a"),
    ("/api/widgets/checkerboard", with_(CHECK, stride="2"), 422, "stride"),
    ("/api/widgets/receptive", with_(FIELD, layers=[]), 422, "layers"),
    ("/api/widgets/receptive", with_(FIELD, layers=[{"kernel_size": 9}]), 422, "layers"),
    (
        "/api/widgets/receptive",
        with_(FIELD, layers=[{"kind": "max", "kernel_size": 2, "padding": 2}]),
        422,
        "layers",
    ),
    (
        "/api/widgets/receptive",
        with_(FIELD, layers=[{"kernel_size": 7, "stride": 4}] * 3),
        422,
        "layers",
    ),
    ("/api/widgets/receptive", with_(FIELD, cell=[9, 9]), 422, "cell"),
    ("/api/widgets/receptive", with_(FIELD, input_size=99), 422, "input_size"),
    ("/api/widgets/quick_check", with_(QUIZ, kind="anything"), 422, "kind"),
    ("/api/widgets/quick_check", with_(QUIZ, answer="12"), 422, "answer"),
    ("/api/widgets/quick_check", with_(QUIZ, variant=-1), 422, "variant"),
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


async def test_lesson_index_lists_both_lessons_in_order(client: httpx.AsyncClient) -> None:
    page = (await client.get("/lessons")).text
    first = page.index('href="/lessons/convolution"')
    second = page.index('href="/lessons/stride-padding-pooling"')
    assert first < second
    assert "The convolution operation" in page
    assert "Stride, padding, pooling and the receptive field" in page


async def test_first_lesson_ends_with_a_link_to_the_second(client: httpx.AsyncClient) -> None:
    page = (await client.get("/lessons/convolution")).text
    nav = page[page.index('<nav class="cs-next"') :]
    assert 'href="/lessons/stride-padding-pooling" rel="next"' in nav
    back = (await client.get("/lessons/stride-padding-pooling")).text
    assert 'Previous: <a href="/lessons/convolution">' in back


async def test_quick_check_hides_the_answer_until_asked(client: httpx.AsyncClient) -> None:
    fresh = (await client.post("/api/widgets/quick_check", json=QUIZ)).json()
    assert fresh["result"] is None
    assert "working" not in str(fresh)
    state = (await client.post("/api/widgets/quick_check", json=with_(QUIZ, answer=0))).json()
    assert state["result"]["correct"] is False
    assert state["result"]["explanation"].endswith(f"= {state['result']['answer']}")
