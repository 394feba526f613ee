"""The dtype and shape rules: which arrays are accepted, what dtype comes out, which shapes pair."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.engine.arrays import as_numeric_array, compute_dtype, layout_for, result_dtype


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8, np.uint16, np.uint64])
def test_every_integer_width_becomes_int64(dtype: type) -> None:
    assert as_numeric_array(np.ones(3, dtype), "input").dtype == np.int64


def test_python_lists_of_ints_and_floats_become_int64_and_float64() -> None:
    assert as_numeric_array([[1, 2]], "input").dtype == np.int64
    assert as_numeric_array([[1, 2.5]], "input").dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_floats_keep_their_dtype(dtype: type) -> None:
    assert as_numeric_array(np.ones(3, dtype), "weight").dtype == dtype


@pytest.mark.parametrize(
    ("value", "kind"),
    [(np.ones(2, bool), "bool"), (np.ones(2, complex), "complex"), (["x"], "<U1")],
)
def test_refused_dtypes_name_the_argument_and_the_dtype(value: object, kind: str) -> None:
    with pytest.raises(TypeError, match=f"bias must hold integers or floats.*{kind}"):
        as_numeric_array(value, "bias")


@pytest.mark.parametrize(
    ("dtypes", "expected"),
    [
        ((np.int64, np.int64), np.int64),
        ((np.float32, np.int64), np.float32),
        ((np.int64, np.float16), np.float16),
        ((np.float32, np.float64), np.float64),
        ((np.float16, np.float32), np.float32),
    ],
)
def test_result_dtype_never_lets_an_integer_widen_a_float(
    dtypes: tuple[type, type], expected: type
) -> None:
    arrays = [np.ones(1, dtype) for dtype in dtypes]
    assert result_dtype(*arrays, None) == expected


def test_float16_is_summed_in_float32_like_torch_on_cpu() -> None:
    assert compute_dtype(np.dtype(np.float16)) == np.float32
    assert compute_dtype(np.dtype(np.int64)) == np.int64


@pytest.mark.parametrize(
    ("ranks", "teaching", "output_drop"),
    [((2, 2), True, 2), ((3, 3), True, 2), ((3, 4), False, 1), ((4, 4), False, 0)],
)
def test_layouts_of_the_four_accepted_shape_pairs(
    ranks: tuple[int, int], teaching: bool, output_drop: int
) -> None:
    layout = layout_for(*ranks)
    assert layout.teaching is teaching and layout.output_drop == output_drop
    assert layout.input_axes + ranks[0] == 4 and layout.weight_axes + ranks[1] == 4


def test_other_rank_pairs_are_refused() -> None:
    with pytest.raises(ValueError, match="do not go together"):
        layout_for(4, 3)
