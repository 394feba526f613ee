"""The trace can never tell a different story from the engine: every step's result is conv2d's."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convscope import conv2d, trace


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a convolution that fits: shapes, hyper-parameters, padding modes, dtype, bias."""
    groups = draw(st.integers(1, 2))
    group_channels, per_group_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    span = [d * (k - 1) + 1 for d, k in zip(dilation, kernel, strict=True)]
    size = (span[0] + draw(st.integers(0, 3)), span[1] + draw(st.integers(0, 3)))
    stride = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            st.tuples(
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
            ),
            st.sampled_from(["valid", "full"]),
        )
    )
    if draw(st.booleans()):
        padding, stride = "same", (1, 1)
    shape_in = (draw(st.integers(1, 2)), groups * group_channels, *size)
    shape_w = (groups * per_group_out, group_channels, *kernel)
    floats = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    make = (lambda s: rng.normal(size=s)) if floats else (lambda s: rng.integers(-9, 10, size=s))
    return {
        "input": make(shape_in),
        "weight": make(shape_w),
        "bias": make(shape_w[0]) if draw(st.booleans()) else None,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "groups": groups,
        "padding_mode": draw(st.sampled_from(["zeros", "reflect", "replicate", "circular"])),
        "flip": draw(st.booleans()),
    }


def _fits_padding_mode(case: dict[str, Any]) -> bool:
    # reflect needs padding < size and circular padding <= size, as in PyTorch; the engine
    # refuses the rest, which test_step.py checks separately.
    try:
        conv2d(**case)
    except ValueError:
        return False
    return True


@settings(max_examples=80, deadline=None)
@given(problems())
def test_every_step_result_equals_conv2d(case: dict[str, Any]) -> None:
    assume(_fits_padding_mode(case))
    expected = conv2d(**case)
    traced = trace(**case)
    np.testing.assert_array_equal(traced.output, expected)
    results = np.array([step.result for step in traced.steps()]).reshape(expected.shape)
    np.testing.assert_array_equal(results, expected)  # exact, float32 included


def test_a_float32_step_result_is_the_output_not_a_second_sum() -> None:
    rng = np.random.default_rng(7)
    image = rng.standard_normal((2, 9, 9)).astype(np.float32)
    kernel = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    traced = trace(image, kernel, np.float32([0.1, -0.2, 0.3]), padding=1)
    results = np.array([step.result for step in traced.steps()], dtype=np.float32)
    np.testing.assert_array_equal(results.reshape(traced.output.shape), traced.output)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_every_step_is_its_own_window_times_its_kernel(case: dict[str, Any]) -> None:
    assume(_fits_padding_mode(case))
    traced = trace(**case)
    mask = traced.padding_mask
    top, left = traced.pad_offset
    for step in traced.steps():
        rows = np.array(step.rows) + top
        cols = np.array(step.cols) + left
        channels = list(step.channels)
        expected_window = traced.padded_input[step.n][np.ix_(channels, rows, cols)]
        np.testing.assert_array_equal(step.window, expected_window)
        np.testing.assert_array_equal(step.is_padding, mask[np.ix_(rows, cols)])
        np.testing.assert_array_equal(step.products, step.window * step.kernel)
        np.testing.assert_array_equal(step.kernel, traced.kernel_used[step.c_out])


def test_teaching_shapes_trace_like_their_outputs() -> None:
    rng = np.random.default_rng(7)
    image, kernel = rng.integers(-5, 6, (3, 6, 5)), rng.integers(-5, 6, (3, 3, 2))
    traced = trace(image, kernel, bias=4, padding="same", padding_mode="circular")
    assert traced.output.shape == (6, 5)
    assert traced.at(5, 4).index == (5, 4)
    results = np.array([s.result for s in traced.steps()]).reshape(6, 5)
    np.testing.assert_array_equal(
        results, conv2d(image, kernel, 4, padding="same", padding_mode="circular")
    )
