"""A few seconds of the class load test (``benchmarks/load_test.py``): every route answers 200."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "load_test.py"
ROUTES = {"GET page", "GET asset", "GET gallery thumb", "GET /api/kernels"}


def _load_test() -> ModuleType:
    spec = importlib.util.spec_from_file_location("convscope_load_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory from /proc")
def test_a_short_class_gets_no_errors_and_bounded_memory() -> None:
    figures = _load_test().run_load(learners=6, seconds=6.0, workers=1, arrival_seconds=1.0)
    assert figures["errors"] == {}
    assert set(figures["routes"]) >= ROUTES  # every learner loaded the page and its assets
    actions = set(figures["routes"]) - ROUTES - {"GET gallery large", "POST upload"}
    assert len(actions) >= 2  # and then did something with the widgets
    assert figures["memory"]["peak_mb"] < 2048
