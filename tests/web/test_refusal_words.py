"""Refusals in a learner's words, the same wherever they are read; faults are logged 500s."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from convscope.web import create_app
from convscope.widgets import registry
from convscope.widgets.params import WIDGET as PARAMS

pytestmark = pytest.mark.anyio

GRADIENT = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
CALC = {"input": GRADIENT, "kernel": SOBEL_X}
PYDANTIC_WORDS = ("Input should", "greater than or equal", "valid integer", "got None", "_")

# (route, body, the field, the whole sentence the learner reads)
WORDS = [
    (
        "params",
        {"in_channels": 0},
        "in_channels",
        "Input channels must be at least 1, got 0",
    ),
    (
        "params",
        {"in_channels": 3.5},
        "in_channels",
        "Input channels must be a whole number, got 3.5",
    ),
    (
        "params",
        {"out_channels": 5000},
        "out_channels",
        "Output channels must be at most 4,096, got 5,000",
    ),
    (
        "params",
        {"input_rows": -10},
        "input_rows",
        "Image rows must be at least 1, got −10",
    ),
    (
        "params",
        {"in_channels": 5, "groups": 2},
        "groups",
        "groups must divide both the input channels (5) and the output channels (64); 2 does not",
    ),
    (
        "calculator",
        {**CALC, "input": [[1, "1e400"], [3, 4]], "kernel": [[1]]},
        "input",
        "input row 0, column 1 is too large (1e400); use numbers from −1,000,000,000 to "
        "1,000,000,000",
    ),
    (
        "calculator",
        {**CALC, "input": [[1, 2], [3, 4e12]], "kernel": [[1]]},
        "input",
        "input row 1, column 1 is too large (4e+12); use numbers from −1,000,000,000 to "
        "1,000,000,000",
    ),
    (
        "calculator",
        {**CALC, "kernel": [[1, 0], [0, "x"]]},
        "kernel",
        "kernel row 1, column 1 must be a number, got 'x'",
    ),
    (
        "calculator",
        {**CALC, "padding_mode": "mirror"},
        "padding_mode",
        "Padding mode must be 'zeros', 'reflect', 'replicate' or 'circular', got 'mirror'",
    ),
    (
        "step",
        {**CALC, "position": [3, 0]},
        "position",
        "Output position is [3, 0], outside the 3×3 output; rows are counted 0 to 2 and "
        "columns 0 to 2",
    ),
]


@pytest.mark.parametrize(("route", "body", "field", "words"), WORDS)
async def test_a_refusal_is_one_sentence_in_the_learner_s_words(
    client: httpx.AsyncClient, route: str, body: dict[str, Any], field: str, words: str
) -> None:
    response = await client.post(f"/api/widgets/{route}", json=body)
    assert response.status_code == 422, response.text
    assert response.json() == {"detail": words, "field": field}
    assert not any(code in words for code in PYDANTIC_WORDS)


async def test_the_api_and_a_notebook_or_export_use_the_same_words(
    client: httpx.AsyncClient,
) -> None:
    body = {"in_channels": 3.5}
    answer = (await client.post("/api/widgets/params", json=body)).json()
    with pytest.raises(ValueError) as refused:
        PARAMS.state(body)
    assert PARAMS.refusal(refused.value) == answer


async def test_one_row_under_reflect_padding_is_counted_in_the_singular(
    client: httpx.AsyncClient,
) -> None:
    body = {"input": [[1, 2, 3]], "kernel": [[1]], "padding": 1, "padding_mode": "reflect"}
    response = await client.post("/api/widgets/calculator", json=body)
    assert response.json()["field"] == "padding_mode"
    assert "an input of 1 row;" in response.json()["detail"]


async def test_an_oversized_body_is_refused_in_megabytes(client: httpx.AsyncClient) -> None:
    huge = b"\0" * (9 * 1024 * 1024)
    files = {"image": ("huge.png", huge, "image/png")}
    response = await client.post("/api/gallery/upload", files=files)
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert detail.startswith("what was sent (9 MB) is more than the 8.1 MB")
    assert "bytes" not in detail


@pytest.fixture
async def faulty_client(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    def broken(inputs: Any) -> dict[str, Any]:
        raise ValueError("in_channels went missing: a bug, not a learner's mistake")

    faulty = dataclasses.replace(PARAMS, build=broken)
    monkeypatch.setitem(registry.WIDGETS, "params", faulty)
    transport = httpx.ASGITransport(app=create_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://convscope.test") as client:
        yield client


async def test_a_fault_in_a_state_builder_is_a_logged_500_not_a_learner_s_mistake(
    faulty_client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="convscope.web"):
        response = await faulty_client.post("/api/widgets/params", json={})
    assert response.status_code == 500
    assert response.json()["field"] is None
    assert "in_channels" not in response.json()["detail"]
    assert "not a mistake in what you typed" in response.json()["detail"]
    logged = [record for record in caplog.records if record.name == "convscope.web"]
    assert logged and "/api/widgets/params" in logged[0].getMessage()
    assert logged[0].exc_info is not None


async def test_openapi_states_the_limits_validation_enforces(client: httpx.AsyncClient) -> None:
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    calculator = schemas["CalculatorInputs"]["properties"]
    assert calculator["input"]["maxItems"] == 12
    assert calculator["input"]["items"]["maxItems"] == 12
    assert calculator["input"]["items"]["items"]["maximum"] == 1e9
    assert calculator["kernel"]["maxItems"] == 7
    params = schemas["ParamsInputs"]["properties"]
    assert params["in_channels"]["minimum"] == 1
    assert params["in_channels"]["maximum"] == 4096
