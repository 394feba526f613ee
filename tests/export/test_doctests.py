"""The docstring examples of the teacher-facing modules run and print what they claim."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["convscope.export.precomputed", "convscope.lessons.sources", "convscope.jupyter"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name: str) -> None:
    if name == "convscope.jupyter":
        pytest.importorskip("anywidget")
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
