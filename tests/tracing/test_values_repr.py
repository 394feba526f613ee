"""The array text of the trace JSON is NumPy's ``repr``, whether NumPy or a quick path writes it.

``values.whole_number_repr`` writes the ``repr`` of small whole-number arrays directly (NumPy's
formatter costs about 50 µs an array). Hypothesis compares it with NumPy on arrays of every
kind it must write or refuse: whole numbers small and huge, signs, zeros and ``-0.0``, ratios
that make NumPy switch to exponents, fractions, NaN and infinity, wide rows that wrap.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from convscope.tracing.values import MAX_REPR_CELLS, ArraySnapshot, encode, whole_number_repr

WHOLE = st.one_of(
    st.integers(-300, 300), st.integers(-(10**9), 10**9), st.sampled_from([0, 1, -1, 1000, 10**8])
)
FLOATS = st.one_of(
    WHOLE.map(float),
    st.sampled_from([-0.0, 0.5, -2.25, 1e-5, float("nan"), float("inf"), 99_999_999.0]),
)
SHAPES = st.one_of(
    hnp.array_shapes(min_dims=1, max_dims=1, min_side=1, max_side=MAX_REPR_CELLS),
    hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=10),
)


def numpy_repr(array: np.ndarray) -> str:
    with np.printoptions(threshold=MAX_REPR_CELLS, edgeitems=3):
        return repr(array)


@given(hnp.arrays(np.float64, SHAPES, elements=FLOATS))
def test_floats_are_written_as_numpy_writes_them_or_left_to_numpy(array: np.ndarray) -> None:
    quick = whole_number_repr(array)
    assert quick is None or quick == numpy_repr(array)
    assert encode(ArraySnapshot(array))["text"] == numpy_repr(array)


@given(hnp.arrays(np.float64, SHAPES, elements=st.integers(-999, 999).map(float)))
def test_short_whole_number_arrays_always_take_the_quick_path(array: np.ndarray) -> None:
    # below 1,000 no ratio makes NumPy write exponents: only a row NumPy wraps, or one within
    # 5 characters of wrapping, is left to NumPy
    expected = numpy_repr(array).splitlines()
    rows = 1 if array.ndim == 1 else array.shape[0]
    if len(expected) == rows and max(len(line) for line in expected) <= 70:
        assert whole_number_repr(array) == "\n".join(expected)


@given(hnp.arrays(np.int64, SHAPES, elements=WHOLE))
def test_integers_are_written_as_numpy_writes_them_or_left_to_numpy(array: np.ndarray) -> None:
    quick = whole_number_repr(array)
    assert quick is None or quick == numpy_repr(array)


@pytest.mark.parametrize(
    "array",
    [
        np.array([[10.0, 20.0, 30.0], [20.0, 40.0, 60.0], [30.0, 60.0, 90.0]]),  # a window
        np.array([[-10.0, 0.0, 30.0], [-40.0, 0.0, 120.0], [-30.0, 0.0, 90.0]]),  # its products
        np.arange(12).reshape(3, 4),
        np.array([7.0]),
    ],
)
def test_the_lessons_arrays_take_the_quick_path(array: np.ndarray) -> None:
    assert whole_number_repr(array) == numpy_repr(array)


@pytest.mark.parametrize(
    "array",
    [
        np.array([1.0, 2000.0]),  # NumPy writes exponents
        np.array([-0.0, 1.0]),
        np.array([0.5]),
        np.arange(9, dtype=np.float32),  # its repr names the dtype
        np.zeros((2, 2, 2)),
        np.arange(40.0),  # wraps
    ],
)
def test_arrays_numpy_writes_differently_are_left_to_numpy(array: np.ndarray) -> None:
    assert whole_number_repr(array) is None
    assert encode(ArraySnapshot(array))["text"] == numpy_repr(array)


def test_changed_print_options_are_followed() -> None:
    window = np.array([[10.0, 20.0], [30.0, 40.0]])
    with np.printoptions(sign="+"):
        assert whole_number_repr(window) is None
        assert encode(ArraySnapshot(window))["text"] == numpy_repr(window)
        assert "+10." in numpy_repr(window)
