"""The JSON written for a reader holds what that reader shows.

For the page (``to_json_text(grid_cells=N)``), arrays drawn as grids (one or two axes, whole,
at most N cells) keep their numbers and get a one-line summary instead of NumPy's ``repr``;
every other array keeps its text and drops its numbers. For the terminal and HTML views
(``to_json(array_text=False)``), which draw every array from its numbers, each array keeps its
numbers and gets the summary. The page, the tables and the HTML built from either JSON are
the same.
"""

from __future__ import annotations

import io
import json
from importlib import resources
from typing import Any

import pytest
from rich.console import Console

from convscope.tracing.code import trace_source
from convscope.tracing.code_render import rich_renderables, trace_page
from convscope.tracing.sandbox import run_traced_source
from convscope.widgets.code_trace import MAX_GRID_CELLS, trace_view

LESSON = resources.files("convscope").joinpath("lessons/examples/conv2d_loop.py").read_text()
SHAPES = """import numpy as np
small = np.arange(9.0).reshape(3, 3)
row = np.arange(144)
wide = np.zeros((20, 20))
cube = np.ones((2, 2, 2), dtype=np.int64)
huge = np.zeros((40, 40))
huge[0, 0] = 1.5
"""
RANDOM_40 = "cross_correlate(np.random.default_rng(0).integers(0, 256, (40, 40)) / 7, sobel_x)"


def changed(trace: dict[str, Any], name: str) -> dict[str, Any]:
    return next(step["changes"][name] for step in trace["steps"] if name in step["changes"])


def test_grids_keep_their_numbers_and_every_other_array_its_text() -> None:
    trace = trace_source(SHAPES)
    full = json.loads(trace.to_json_text())
    page = json.loads(trace.to_json_text(grid_cells=MAX_GRID_CELLS))
    for name in ("small", "row"):
        assert changed(page, name)["data"] == changed(full, name)["data"]
        assert changed(page, name)["text"].startswith("array of shape (")
    assert changed(full, "small")["text"].startswith("array([[0., 1., 2.],")
    for name in ("wide", "cube", "huge"):
        assert changed(page, name)["data"] is None
        assert changed(page, name)["text"] == changed(full, name)["text"]
    assert changed(page, "cube")["text"].startswith("array([[[1, 1],")
    assert changed(full, "wide")["data"] == [[0.0] * 20] * 20
    for name in ("small", "wide", "cube", "huge"):
        shown, written = changed(page, name), changed(full, name)
        assert {key: shown[key] for key in ("shape", "dtype", "truncated")} == {
            key: written[key] for key in ("shape", "dtype", "truncated")
        }


@pytest.mark.parametrize(
    ("source", "call"),
    [(LESSON, None), (LESSON, RANDOM_40), (SHAPES, None)],
    ids=["lesson", "lesson-40x40", "shapes"],
)
def test_the_page_is_the_same_from_either_json(source: str, call: str | None) -> None:
    trace = trace_source(source, call, max_steps=5_000)
    full = json.loads(trace.to_json_text())
    page = json.loads(trace.to_json_text(grid_cells=MAX_GRID_CELLS))
    assert trace_view(source, page, "edited.py") == trace_view(source, full, "edited.py")
    assert len(json.dumps(page)) < len(json.dumps(full))


def printed(trace: dict[str, Any]) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    for part in rich_renderables(trace):
        console.print(part)
    return console.export_text()


def without_array_texts(value: Any) -> Any:
    """Return ``value`` with every array's text removed (the one thing the views' JSON drops)."""
    if isinstance(value, dict):
        kept = {key: without_array_texts(item) for key, item in value.items()}
        if kept.get("kind") == "ndarray":
            kept.pop("text")
        return kept
    if isinstance(value, list):
        return [without_array_texts(item) for item in value]
    return value


@pytest.mark.parametrize(
    ("source", "call"),
    [(LESSON, None), (LESSON, RANDOM_40), (SHAPES, None)],
    ids=["lesson", "lesson-40x40", "shapes"],
)
def test_the_views_are_the_same_without_numpys_repr(source: str, call: str | None) -> None:
    trace = trace_source(source, call, max_steps=5_000)
    full, views = trace.to_json(), trace.to_json(array_text=False)
    assert without_array_texts(views) == without_array_texts(full)
    texts = [value["text"] for step in views["steps"] for value in step["changes"].values()]
    arrays = [text for text in texts if text.startswith("array")]
    assert arrays and all(text.startswith("array of shape (") for text in arrays)
    assert printed(views) == printed(full)
    assert trace_page(views) == trace_page(full)
    assert json.loads(trace.to_json_text(array_text=False)) == views


def test_the_sandbox_writes_the_views_json_when_asked() -> None:
    kept = run_traced_source(SHAPES, require_walls=False)
    views = run_traced_source(SHAPES, require_walls=False, array_text=False)
    assert changed(kept, "small")["text"].startswith("array([[0., 1., 2.],")
    assert changed(views, "small")["text"] == "array of shape (3, 3), dtype float64"
    assert without_array_texts(views) == without_array_texts(kept)
