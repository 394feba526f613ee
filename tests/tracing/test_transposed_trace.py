"""The transposed-convolution trace: scatter products and the gather view, both the engine's."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope import conv_transpose2d
from convscope.tracing.transposed import trace_transposed


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2),
    st.integers(1, 2),
    st.integers(0, 2**16),
)
def test_products_landing_on_each_cell_sum_to_the_engine_output(
    rows: int, cols: int, kernel: int, stride: int, padding: int, dilation: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    x = rng.integers(-4, 5, (rows, cols))
    w = rng.integers(-3, 4, (kernel, kernel + 1))
    try:
        traced = trace_transposed(x, w, stride=stride, padding=padding, dilation=dilation)
    except ValueError:
        return  # output would be empty
    expected = conv_transpose2d(x, w, stride=stride, padding=padding, dilation=dilation)
    np.testing.assert_array_equal(traced.output, expected)
    for i, j in np.ndindex(*expected.shape):
        step = traced.at(i, j)
        assert sum(c.value * c.weight for c in step.contributions) == expected[i, j]
    if padding <= dilation * (kernel - 1):
        np.testing.assert_array_equal(traced.gather().output, expected)


def test_overlapping_stamps_are_listed_with_their_factors() -> None:
    traced = trace_transposed([[1, 2]], [[1, 1]], stride=1)
    assert traced.output.tolist() == [[1, 3, 2]]
    assert traced.at(0, 1).sum_text() == "1×1 + 2×1 = 3"
    stamps = traced.stamps()
    assert [(s["row"], s["col"], [c["j"] for c in s["cells"]]) for s in stamps] == [
        (0, 0, [0, 1]),
        (0, 1, [1, 2]),
    ]


def test_negative_factors_are_bracketed_with_a_real_minus() -> None:
    assert trace_transposed([[3]], [[-2]]).at(0, 0).sum_text() == "3×(−2) = −6"


def test_gather_view_refuses_padding_past_the_kernel() -> None:
    traced = trace_transposed(
        np.ones((4, 4), dtype=int), np.ones((2, 2), dtype=int), padding=1, stride=2
    )
    traced.gather()  # padding 1 = d(k−1): allowed
    with pytest.raises(ValueError, match="negative padding"):
        trace_transposed(np.ones((4, 4)), np.ones((2, 2)), padding=2, stride=3).gather()


def test_only_2d_shapes_are_traced() -> None:
    with pytest.raises(ValueError, match="2-D input with a 2-D kernel"):
        trace_transposed(np.ones((1, 2, 2)), np.ones((1, 1, 2, 2)))
