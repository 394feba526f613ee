"""The ``code_trace`` widget: the lesson's loop as the code tracer recorded it, with our notes."""

from __future__ import annotations

import re
import tomllib
from typing import Any

import httpx
import pytest

from convscope.lessons import CONTENT

pytestmark = pytest.mark.anyio


async def traced(client: httpx.AsyncClient, **inputs: Any) -> dict[str, Any]:
    response = await client.post(
        "/api/widgets/code_trace", json={"example": "conv2d_loop", **inputs}
    )
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def loop_line(state: dict[str, Any], header: str) -> dict[str, Any]:
    return next(
        line for line in state["lines"] if line["loop"] and line["loop"]["header"] == header
    )


async def test_inner_loop_has_a_card_for_each_of_the_9_positions(client: httpx.AsyncClient) -> None:
    cards = loop_line(await traced(client), "for c in range(out_cols):")["loop"]["cards"]
    assert [card["title"] for card in cards] == [
        f"r = {r}, c = {c}" for r in range(3) for c in range(3)
    ]
    sums = [card["values"][-1] for card in cards]
    assert {value["name"] for value in sums} == {"np.sum(window * kernel)"}
    assert [value["value"]["text"] for value in sums] == ["160"] * 3 + ["240"] * 3 + ["320"] * 3


async def test_a_card_shows_the_window_and_the_products(client: httpx.AsyncClient) -> None:
    first = loop_line(await traced(client), "for c in range(out_cols):")["loop"]["cards"][0]
    window, products = first["values"][0], first["values"][1]
    assert window["name"] == "window"
    assert window["value"]["grid"] == [["10", "20", "30"], ["20", "40", "60"], ["30", "60", "90"]]
    assert products["value"]["grid"] == [
        ["−10", "0", "30"],
        ["−40", "0", "120"],
        ["−30", "0", "90"],
    ]


async def test_outer_loop_cards_show_the_result_filling_row_by_row(
    client: httpx.AsyncClient,
) -> None:
    cards = loop_line(await traced(client), "for r in range(out_rows):")["loop"]["cards"]
    last = cards[-1]["values"][0]
    assert last["name"] == "result"
    assert last["value"]["grid"] == [["160"] * 3, ["240"] * 3, ["320"] * 3]


async def test_lines_are_coloured_numbered_and_carry_their_notes(client: httpx.AsyncClient) -> None:
    state = await traced(client, notes={"30": "the heart of it"})
    line = state["lines"][29]
    assert line["number"] == 30 and line["note"] == "the heart of it"
    assert '<span class="n">np</span>' in line["html"]
    assert len(line["runs"]) == 9
    assert state["stdout"].startswith("[[160. 160. 160.]")


def _lesson_notes() -> dict[str, str]:
    text = (CONTENT / "convolution.md").read_text(encoding="utf-8")
    body = re.search(r"```\{code_trace\}[^\n]*\n(.*?)```", text, re.DOTALL)
    assert body, "the lesson has a code_trace directive"
    notes: dict[str, str] = tomllib.loads(body[1])["notes"]
    return notes


async def test_every_lesson_note_sits_on_a_line_that_ran(client: httpx.AsyncClient) -> None:
    state = await traced(client, notes=_lesson_notes())
    for line in state["lines"]:
        if line["note"]:
            assert line["runs"], f"the note on line {line['number']} is on a line that never ran"
    assert "for c" in state["lines"][27]["text"] and "inner loop" in state["lines"][27]["note"]


BAD = [
    ({"example": "../../etc/passwd"}, "example"),
    ({"example": "nonexistent"}, "example"),
    ({"example": "conv2d_loop", "notes": {"one": "x"}}, "notes"),
    ({"example": "conv2d_loop", "notes": {"1": "x" * 900}}, "notes"),
    ({"example": "conv2d_loop", "line": -1}, "line"),
    ({"example": "conv2d_loop", "source": "import os"}, "source"),
]


@pytest.mark.parametrize(("inputs", "field"), BAD)
async def test_bad_inputs_are_refused_and_no_code_is_taken(
    client: httpx.AsyncClient, inputs: dict[str, Any], field: str
) -> None:
    response = await client.post("/api/widgets/code_trace", json=inputs)
    assert response.status_code == 422
    assert response.json()["field"] == field
