"""``POST /api/widgets/speed``: a new timing of the lesson's loop against the engine."""

from __future__ import annotations

import httpx
import pytest

from convscope.widgets import speed as speed_widget

pytestmark = pytest.mark.anyio


async def test_measure_again_answers_a_new_measurement(client: httpx.AsyncClient) -> None:
    shown = speed_widget.cached_measurement()
    response = await client.post("/api/widgets/speed", json={})
    assert response.status_code == 200, response.text
    state = response.json()
    measured = state["measurement"]
    assert measured["speedup"] == measured["loop_seconds"] / measured["engine_seconds"]
    assert measured["image_shape"] == [64, 64] and measured["kernel_shape"] == [3, 3]
    assert state["exported"] is False
    assert speed_widget.cached_measurement() is not shown  # the next page load shows it


async def test_unknown_inputs_are_refused_with_the_field_named(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/widgets/speed", json={"size": 4096})
    assert response.status_code == 422
    assert "size" in response.text


async def test_lesson_page_carries_the_cached_measurement(client: httpx.AsyncClient) -> None:
    response = await client.get("/lessons/convolution")
    assert response.status_code == 200
    assert 'data-widget="speed"' in response.text
    assert response.text.index('data-widget="code_trace"') < response.text.index(
        'data-widget="speed"'
    )
