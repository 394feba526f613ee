"""The pooling trace tells the engine's numbers: winners, sums and divisors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.engine.pool import PoolSpec
from convscope.tracing.pooling import trace_pool


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["max", "avg"]),
    st.integers(1, 3),
    st.integers(1, 3),
    st.booleans(),
    st.booleans(),
    st.integers(2, 7),
    st.integers(0, 2**16),
)
def test_every_step_equals_the_engine(
    kind: str, kernel: int, stride: int, ceil_mode: bool, count_pad: bool, size: int, seed: int
) -> None:
    padding = kernel // 2
    try:
        PoolSpec.create(kernel, stride, padding, 1, ceil_mode).output_size((size, size + 1))
    except ValueError:
        return
    x = np.random.default_rng(seed).integers(-3, 4, (size, size + 1))
    pooled = trace_pool(
        x,
        kind,
        kernel,
        stride,
        padding,
        ceil_mode=ceil_mode,  # type: ignore[arg-type]
        count_include_pad=count_pad,
    )
    for i, j in np.ndindex(*pooled.output.shape):
        step = pooled.at(i, j)
        assert step.result == pytest.approx(pooled.output[i, j])
        if kind == "max":
            assert step.winner is not None and not step.is_padding[step.winner]
            assert step.window[step.winner] == pooled.output[i, j]


def test_max_step_names_the_first_of_tied_winners() -> None:
    step = trace_pool([[5, 1], [5, 5]], "max", 2).at(0, 0)
    assert step.winner == (0, 0)
    assert step.explanation() == "max(5, 1, 5, 5) = 5"


def test_average_with_padding_counts_padded_cells_unless_told_not_to() -> None:
    x = [[4, 8], [0, 4]]
    counted = trace_pool(x, "avg", 2, padding=1).at(0, 0)
    assert counted.divisor == 4 and counted.result == 1.0
    real_only = trace_pool(x, "avg", 2, padding=1, count_include_pad=False).at(0, 0)
    assert real_only.divisor == 1 and real_only.result == 4.0
    assert real_only.is_padding.tolist() == [[True, True], [True, False]]


def test_ceil_mode_overhang_is_marked_as_padding() -> None:
    step = trace_pool(np.arange(9).reshape(3, 3), "max", 2, ceil_mode=True).at(1, 1)
    assert step.rows == [2, 3] and step.cols == [2, 3]
    assert step.is_padding.tolist() == [[False, True], [True, True]]
    assert step.result == 8


def test_bad_kind_and_position_are_named() -> None:
    with pytest.raises(ValueError, match="'max' or 'avg'"):
        trace_pool([[1]], "min", 1)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="outside the 1×1 output"):
        trace_pool([[1, 2], [3, 4]], "max", 2).at(1, 0)


def test_a_position_outside_is_written_from_0_like_the_lessons() -> None:
    with pytest.raises(ValueError) as refused:
        trace_pool(np.arange(36).reshape(6, 6), "max", 2).at(3, 0)
    assert str(refused.value) == (
        "output[3, 0] is outside the 3×3 output: rows run from 0 to 2 and columns from 0 to 2"
    )
