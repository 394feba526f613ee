"""The signed pictures' grey scale: the quick top percentile equals NumPy's, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.render.images import percentile_of_largest


@pytest.mark.parametrize("seed", range(40))
def test_percentile_of_largest_equals_numpy_exactly(seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = int(rng.integers(70_000, 400_000))
    dtype = np.float32 if seed % 2 else np.float64
    values = np.abs(rng.standard_normal(count) * 100).astype(dtype)
    if seed % 3 == 0:
        values = np.round(values)  # many ties
    if seed % 5 == 0:
        values[rng.integers(0, count, 50)] = np.inf
    q = 99.5 if seed % 4 else 97.0
    assert percentile_of_largest(values, q) == float(np.percentile(values, q))


@pytest.mark.parametrize("case", ["nan", "zeros", "small"])
def test_percentile_of_largest_falls_back_to_numpy_where_unusual(case: str) -> None:
    values = np.abs(np.random.default_rng(1).standard_normal(100_000)).astype(np.float32)
    if case == "nan":
        values[7] = np.nan
    elif case == "zeros":
        values[:] = 0
    else:
        values = values[:500]
    expected = float(np.percentile(values, 99.5))
    result = percentile_of_largest(values, 99.5)
    assert result == expected or (np.isnan(result) and np.isnan(expected))
