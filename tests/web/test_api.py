"""The JSON API: right answers for good input, 4xx naming the field for bad input, never 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

pytestmark = pytest.mark.anyio

GRADIENT = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
CALC = {"input": GRADIENT, "kernel": SOBEL_X}


def with_(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


GOOD = [
    ("GET", "/", None, 200),
    ("GET", "/lessons/convolution", None, 200),
    ("GET", "/palette.css", None, 200),
    ("GET", "/static/css/convscope.css", None, 200),
    ("GET", "/static/js/host.js", None, 200),
    ("GET", "/static/widgets/calculator/calculator.js", None, 200),
    ("GET", "/static/widgets/flip/flip.js", None, 200),
    ("GET", "/static/widgets/params/params.css", None, 200),
    ("GET", "/static/widgets/_common/_grid.js", None, 200),
    ("GET", "/static/widgets/gallery/gallery.js", None, 200),
    ("GET", "/static/widgets/receptive/receptive.js", None, 200),
    ("GET", "/openapi.json", None, 200),
    ("GET", "/api/kernels", None, 200),
    ("POST", "/api/trace", {"input": GRADIENT, "weight": SOBEL_X}, 200),
    ("POST", "/api/widgets/calculator", CALC, 200),
    ("POST", "/api/widgets/calculator", with_(CALC, padding="same", padding_mode="reflect"), 200),
    ("POST", "/api/widgets/step", with_(CALC, position=[2, 1]), 200),
    ("POST", "/api/widgets/flip", {"signal": GRADIENT, "kernel": [[1, 2], [0, -1]]}, 200),
    ("POST", "/api/widgets/torch_check", {"image": GRADIENT, "kernel": SOBEL_X}, 200),
]

# (method, path, body, status, the field the error must name)
BAD = [
    ("GET", "/lessons/nonexistent", None, 404, None),
    ("POST", "/api/widgets/nonexistent", CALC, 404, None),
    ("GET", "/static/widgets/flip/__init__.py", None, 404, None),
    ("GET", "/static/widgets/flip/nonexistent.js", None, 404, None),
    ("GET", "/static/widgets/flip/..%2F..%2Fkernels.py", None, 404, None),
    # the address the widgets' modules had before each moved to its own folder
    ("GET", "/static/js/widgets/gallery.js", None, 404, None),
    ("GET", "/static/js/widgets/quiz.js", None, 404, None),
    ("POST", "/api/widgets/calculator", with_(CALC, input=[[1, "a"], [3, 4]]), 422, "input"),
    ("POST", "/api/widgets/calculator", with_(CALC, input=[[1, 2], [3]]), 422, "input"),
    ("POST", "/api/widgets/calculator", with_(CALC, input=[[1] * 13] * 13), 422, "input"),
    ("POST", "/api/widgets/calculator", with_(CALC, input=[]), 422, "input"),
    ("POST", "/api/widgets/calculator", with_(CALC, input=[[1, 2], [3, 4]]), 422, "kernel"),
    ("POST", "/api/widgets/calculator", with_(CALC, kernel=[[1] * 8] * 8), 422, "kernel"),
    ("POST", "/api/widgets/calculator", with_(CALC, stride=0), 422, "stride"),
    ("POST", "/api/widgets/calculator", with_(CALC, stride="2"), 422, "stride"),
    ("POST", "/api/widgets/calculator", with_(CALC, padding="sometimes"), 422, "padding"),
    ("POST", "/api/widgets/calculator", with_(CALC, padding="same", stride=2), 422, "padding"),
    ("POST", "/api/widgets/calculator", with_(CALC, dilation=9), 422, "dilation"),
    ("POST", "/api/widgets/calculator", with_(CALC, padding_mode="mirror"), 422, "padding_mode"),
    ("POST", "/api/widgets/calculator", with_(CALC, surprise=1), 422, "surprise"),
    ("POST", "/api/widgets/calculator", {"kernel": SOBEL_X}, 422, "input"),
    ("POST", "/api/widgets/calculator", with_(CALC, input=[[1e300] * 3] * 3), 422, "input"),
    ("POST", "/api/widgets/step", with_(CALC, position=[3, 0]), 422, "position"),
    ("POST", "/api/widgets/flip", {"signal": [[True]], "kernel": [[1]]}, 422, "signal"),
    ("POST", "/api/trace", {"input": [[1, 2], [3]], "weight": SOBEL_X}, 422, "input"),
    ("POST", "/api/trace", {"input": [[1, 2], [3, 4]], "weight": SOBEL_X}, 422, "weight"),
    ("POST", "/api/trace", {"input": [[0] * 100] * 100, "weight": SOBEL_X}, 422, "input"),
    ("POST", "/api/trace", {"input": [[1] * 64] * 64, "weight": [[1]], "padding": 16}, 422, None),
    (
        "POST",
        "/api/trace",
        {"input": [[1, 2], [3, 4]], "weight": [[1]], "groups": 2},
        422,
        "groups",
    ),
]


@pytest.mark.parametrize(("method", "path", "body", "status"), GOOD)
async def test_good_requests_answer(
    client: httpx.AsyncClient, method: str, path: str, body: Any, status: int
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == status, response.text


@pytest.mark.parametrize(("method", "path", "body", "status", "field"), BAD)
async def test_bad_requests_get_a_4xx_naming_the_field(
    client: httpx.AsyncClient, method: str, path: str, body: Any, status: int, field: str | None
) -> None:
    response = await client.request(method, path, json=body)
    assert response.status_code == status, response.text
    if field is not None:
        assert response.json()["field"] == field
        assert response.json()["detail"]


async def test_non_json_body_is_refused_with_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/widgets/calculator",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 422


async def test_oversized_body_is_refused_with_413(client: httpx.AsyncClient) -> None:
    body = b"[" + b"1," * 200_000 + b"1]"
    response = await client.post(
        "/api/trace", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "is more than the 256 KB this address accepts" in response.json()["detail"]


async def test_kernel_too_big_error_uses_the_engines_words(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/widgets/calculator", json=with_(CALC, input=[[1, 2], [3, 4]])
    )
    assert "does not fit the padded input" in response.json()["detail"]


async def test_calculator_shows_the_chapters_output(client: httpx.AsyncClient) -> None:
    state = (await client.post("/api/widgets/calculator", json=CALC)).json()
    assert state["trace"]["output"] == [["160"] * 3, ["240"] * 3, ["320"] * 3]
    first = state["trace"]["steps"][0]
    assert first["sum_text"] == "−10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160"
    assert first["products"][0] == ["−10", "0", "30"]


async def test_calculator_marks_padding_and_fills_the_size_formula(
    client: httpx.AsyncClient,
) -> None:
    state = (await client.post("/api/widgets/calculator", json=with_(CALC, padding=1))).json()
    assert state["trace"]["padding_mask"][0] == [True] * 7
    assert state["trace"]["padding_mask"][1][1:6] == [False] * 5
    assert state["size"]["rows"] == "⌊(5 + 1 + 1 − 3) ÷ 1⌋ + 1 = 5"
    assert state["trace"]["steps"][0]["is_padding"][0] == [True, True, True]


async def test_trace_route_returns_the_documented_json(client: httpx.AsyncClient) -> None:
    data = (await client.post("/api/trace", json={"input": GRADIENT, "weight": SOBEL_X})).json()
    assert data["output"] == [[160] * 3, [240] * 3, [320] * 3]
    assert data["output_shape"] == [1, 1, 3, 3]
    assert data["steps"][0]["result"] == 160


async def test_kernels_route_lists_the_catalog_with_mathml(client: httpx.AsyncClient) -> None:
    kernels = (await client.get("/api/kernels")).json()
    names = [kernel["name"] for kernel in kernels]
    assert names[:3] == ["identity", "sobel_x", "sobel_y"]
    assert all(kernel["formula_mathml"].startswith("<math") for kernel in kernels)


async def test_openapi_documents_every_widget_route(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    for name in ("calculator", "flip", "step", "torch_check"):
        assert f"/api/widgets/{name}" in paths


async def test_torch_check_compares_with_real_torch(client: httpx.AsyncClient) -> None:
    pytest.importorskip("torch")
    body = {"image": GRADIENT, "kernel": SOBEL_X}
    state = (await client.post("/api/widgets/torch_check", json=body)).json()
    assert state["torch"]["available"] is True
    assert state["torch"]["equal"] is True
    assert state["torch"]["shapes"] == {
        "input": [1, 1, 5, 5],
        "weight": [1, 1, 3, 3],
        "output": [1, 1, 3, 3],
    }


async def test_page_makes_no_reference_outside_the_server(client: httpx.AsyncClient) -> None:
    page = (await client.get("/")).text
    page = page.replace("http://www.w3.org/1998/Math/MathML", "")  # a namespace name, not a URL
    assert "http://" not in page
    assert "https://" not in page


@pytest.mark.parametrize(
    "raw",
    [
        b'{"input": [[NaN, 1], [1, 1]], "kernel": [[1]]}',
        b'{"input": [[Infinity, 1], [1, 1]], "kernel": [[1]]}',
        b'{"input": [[1000000000000000000000000000000, 1]], "kernel": [[1]]}',
        b'{"input": [[[1]]], "kernel": [[1]]}',
        b'{"input": 5, "kernel": [[1]]}',
        b"[]",
    ],
)
async def test_numbers_json_cannot_carry_safely_are_refused(
    client: httpx.AsyncClient, raw: bytes
) -> None:
    headers = {"content-type": "application/json"}
    response = await client.post("/api/widgets/calculator", content=raw, headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


async def test_trace_route_refuses_integers_beyond_int64_by_name(client: httpx.AsyncClient) -> None:
    body = {"input": [[10**30, 1], [1, 1]], "weight": [[1]]}
    response = await client.post("/api/trace", json=body)
    assert response.status_code in {400, 422}
    assert response.json()["field"] == "input"
