"""Shared fixtures for the engine tests: every registered algorithm, and torch as the reference."""

from __future__ import annotations

from types import ModuleType

import pytest

from convscope.engine import ALGORITHMS


@pytest.fixture(scope="session", params=["auto", *ALGORITHMS])
def algorithm(request: pytest.FixtureRequest) -> str:
    """Each registered algorithm by name, plus "auto"; new ones are picked up by themselves."""
    return str(request.param)


@pytest.fixture(scope="session")
def torch() -> ModuleType:
    """The torch module, or a skip with the reason when it is not installed."""
    return pytest.importorskip("torch", reason="torch is the reference; install the test extra")
