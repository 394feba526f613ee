"""Numbers written as a person writes them in a hand calculation."""

from __future__ import annotations

import numpy as np
import pytest

from convscope.tracing.numbers import format_number, jsonable, sum_expression, sum_terms


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (160, "160"),
        (-40, "−40"),
        (0, "0"),
        (1792, "1,792"),
        (-73856, "−73,856"),
        (np.int64(-3), "−3"),
        (160.0, "160"),
        (np.float32(0.1), "0.1"),
        (-0.0, "0"),
        (1 / 3, "0.333333"),
        (2.5e-7, "2.5e−7"),
        (12345.5, "12,345.5"),
        (3e20, "3e20"),
        (float("nan"), "NaN"),
        (float("-inf"), "−∞"),
    ],
)
def test_numbers_are_written_with_a_real_minus_and_no_trailing_zero(
    value: object, written: str
) -> None:
    assert format_number(value) == written


def test_bool_is_not_a_number_to_format() -> None:
    with pytest.raises(TypeError, match="takes a number"):
        format_number(True)


def test_chapter_sum_line_folds_signs_into_the_operators() -> None:
    products = [-10, 0, 30, -40, 0, 120, -30, 0, 90]
    assert sum_expression(products, 160) == "−10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160"


def test_a_single_term_keeps_its_sign() -> None:
    assert sum_terms([-5]) == "−5"
    assert sum_expression([-5, -5], -10) == "−5 − 5 = −10"


def test_jsonable_gives_plain_lists_and_null_for_non_finite() -> None:
    assert jsonable(np.array([[1, 2]], dtype=np.int64)) == [[1, 2]]
    assert jsonable(np.array([np.inf, 0.5], dtype=np.float32)) == [None, 0.5]
    assert jsonable(np.int64(7)) == 7 and jsonable(None) is None
