"""The docstring examples of the engine and the kernel catalog run and print what they claim.

pyproject's ``addopts`` stays as it is; this file runs ``doctest.testmod`` on each module, so a
docstring example that drifts from the code fails here like any other test. Engine modules are
found by walking the package, so a new one is checked without editing this list.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path
from types import ModuleType

import pytest

import convscope
import convscope.engine


def _engine_module_names() -> list[str]:
    prefix = convscope.engine.__name__ + "."
    return [info.name for info in pkgutil.iter_modules(convscope.engine.__path__, prefix)]


MODULE_NAMES = [
    "convscope",
    "convscope.engine",
    *_engine_module_names(),
    "convscope.kernels",
    "convscope.learn",
    "convscope.tracing.formula",
]


@pytest.mark.parametrize("module_name", MODULE_NAMES)
def test_docstring_examples_run(module_name: str) -> None:
    module: ModuleType = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} of {result.attempted} failed in {module_name}"


def test_the_core_modules_have_examples() -> None:
    for name in ["convscope.engine.conv", "convscope.engine.spec", "convscope.kernels"]:
        finder = doctest.DocTestFinder()
        examples = sum(len(test.examples) for test in finder.find(importlib.import_module(name)))
        assert examples > 0, name


def test_engine_guide_examples_run() -> None:
    guide = Path(__file__).resolve().parents[1] / "docs" / "engine.md"
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testfile(str(guide), module_relative=False, optionflags=flags)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} of {result.attempted} failed in docs/engine.md"
