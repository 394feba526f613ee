"""An exported page answers every preset button and every single change of a layer stack."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from convscope.export.precomputed import canonical, engine_fields, preset_changes, state_table
from convscope.export.site import OFFLINE_NOTE, _marked
from convscope.lessons import Lesson, PlacedWidget
from convscope.lessons.sources import LessonLibrary
from convscope.widgets.registry import WIDGETS


@cache
def _lesson(slug: str) -> Lesson:
    return LessonLibrary.builtin().render(slug)


def _placed(slug: str, name: str) -> PlacedWidget:
    return next(placed for placed in _lesson(slug).placed if placed.name == name)


@pytest.fixture(scope="module")
def params() -> tuple[dict[str, Any], dict[str, Any]]:
    placed = _placed("convolution", "params")
    return placed.state["inputs"], state_table(WIDGETS["params"], placed.state)


@pytest.fixture(scope="module")
def receptive() -> tuple[dict[str, Any], dict[str, Any]]:
    placed = _placed("stride-padding-pooling", "receptive")
    return placed.state["inputs"], state_table(WIDGETS["receptive"], placed.state)


def test_the_params_module_shows_three_presets() -> None:
    presets = preset_changes(WIDGETS["params"])
    assert [(p["in_channels"], p["out_channels"], p["groups"]) for p in presets] == [
        (3, 64, 1),
        (64, 128, 1),
        (32, 32, 32),
    ]


def test_every_params_preset_and_its_bias_box_are_answered(
    params: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    inputs, table = params
    totals = []
    for preset in preset_changes(WIDGETS["params"]):
        applied = {**inputs, **preset}
        state = table[canonical(applied)]
        assert "refused" not in state
        totals.append(state["count"]["total"])
        unbiased = table[canonical({**applied, "bias": False})]
        assert unbiased["inputs"]["bias"] is False
    assert totals == ["1,792", "73,856", "320"]  # 3·3·3·64+64; 3·3·64·128+128; 3·3·1·32+32


def _layer_changes(inputs: dict[str, Any]) -> list[dict[str, Any]]:
    """Every change the receptive widget's menus and buttons send from ``inputs``."""
    changes = []
    menus = {"kernel_size": range(1, 8), "stride": range(1, 5), "padding": range(0, 4)}
    menus["dilation"] = range(1, 4)
    layers = inputs["layers"]
    for index, layer in enumerate(layers):
        edits = [{"kind": kind, "dilation": 1} for kind in ("conv", "max", "avg")]
        edits += [{name: value} for name, values in menus.items() for value in values]
        for edit in edits:
            if any(layer[key] != value for key, value in edit.items()):
                changed = [*layers[:index], {**layer, **edit}, *layers[index + 1 :]]
                changes.append({**inputs, "layers": changed, "cell": None})
        changes.append({**inputs, "layers": layers[:index] + layers[index + 1 :], "cell": None})
    added = {"kind": "conv", "kernel_size": 3, "stride": 1, "padding": 0, "dilation": 1}
    changes.append({**inputs, "layers": [*layers, added], "cell": None})
    changes += [{**inputs, "input_size": side, "cell": None} for side in range(4, 25)]
    return [change for change in changes if canonical(change) != canonical(inputs)]


def test_every_single_change_of_the_layer_stack_is_answered(
    receptive: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    inputs, table = receptive
    changes = _layer_changes(inputs)
    assert len(changes) == 3 * 17 + 1 + 20
    missing = [canonical(change) for change in changes if canonical(change) not in table]
    assert missing == []
    wider = table[canonical({**inputs, "input_size": 16, "cell": None})]
    assert "refused" not in wider and wider["inputs"]["input_size"] == 16


def test_every_cell_of_the_last_map_is_answered(
    receptive: tuple[dict[str, Any], dict[str, Any]],
) -> None:
    inputs, table = receptive
    side = len(table[canonical(inputs)]["maps"][-1]["counts"])
    for row in range(side):
        for col in range(side):
            state = table[canonical({**inputs, "cell": [row, col]})]
            assert "refused" not in state and state["cell"] == [row, col]


@pytest.mark.parametrize("slug", ["convolution", "stride-padding-pooling"])
def test_the_lessons_prose_does_not_say_a_server_computes(slug: str) -> None:
    # the same words stand in an exported page, where no server runs
    assert re.findall(r"[^.]*\bserver\b[^.]*", _lesson(slug).html) == []


def test_a_note_stands_before_each_widget_with_fields_only_the_engine_answers() -> None:
    lesson = _lesson("convolution")
    body = _marked(lesson, lesson.html)
    for placed in lesson.placed:
        start = f'<div class="cs-widget" id="{placed.element_id}"'
        marked = OFFLINE_NOTE + start in body
        assert marked is bool(engine_fields(WIDGETS[placed.name])), placed.name
    assert (
        OFFLINE_NOTE + f'<div class="cs-widget" id="{_placed("convolution", "params").element_id}"'
        in body
    )


def test_plays_whole_run_from_the_lesson_is_worked_out_ahead() -> None:
    # Play's requests, each from the state the one before answered, until the run converges
    placed = _placed("how-a-kernel-learns", "grad_learn")
    widget = WIDGETS["grad_learn"]
    table = state_table(widget, placed.state)
    state, requests = placed.state, 0
    while (following := widget.follow_up(state)) is not None:
        assert following["steps"] == state["play_steps"] == 2
        state = table[canonical(following)]  # a KeyError here is a Play the page cannot answer
        requests += 1
    assert state["status"] == "converged" and state["step"] == 66 and requests == 33
    assert state["converged_at"] == widget.state(state["inputs"])["converged_at"]
