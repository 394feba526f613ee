"""A cell's formula is the engine's arithmetic in names: evaluated, it gives the engine's number."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import assume, given, settings

from convscope import conv_transpose2d, trace
from convscope.tracing.formula import formula_of, transposed_formula_of
from convscope.tracing.transposed import trace_transposed

from .test_step_property import _fits_padding_mode, problems


@settings(max_examples=60, deadline=None)
@given(problems())
def test_every_cells_formula_evaluates_to_the_engines_number(case: dict[str, Any]) -> None:
    assume(_fits_padding_mode(case))
    traced = trace(**case)
    batch, out_channels, rows, cols = traced.output_shape
    canonical = traced.output.reshape(traced.output_shape)
    for n, c_out, i, j in np.ndindex(batch, out_channels, rows, cols):
        formula = formula_of(traced, i, j, n=n, c_out=c_out)
        assert formula.result == canonical[n, c_out, i, j]
        if canonical.dtype.kind == "i":
            assert formula.evaluate() == formula.result
        else:
            assert np.isclose(formula.evaluate(), formula.result, rtol=1e-9, atol=1e-9)
        kernel_taps = int(np.prod(case_kernel_shape(case)[1:]))
        assert len(formula.terms) == kernel_taps


def case_kernel_shape(case: dict[str, Any]) -> tuple[int, ...]:
    weight = np.asarray(case["weight"])
    return weight.shape if weight.ndim == 4 else (1, *weight.shape[-3:])


def test_the_lessons_sobel_cell_reads_as_nine_named_products() -> None:
    image = [[10, 20, 30], [20, 40, 60], [30, 60, 90]]
    sobel_x = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    formula = formula_of(trace(image, sobel_x), 0, 0)
    assert formula.symbolic() == (
        "y₀₀ = w₀₀·x₀₀ + w₀₁·x₀₁ + w₀₂·x₀₂ + w₁₀·x₁₀ + w₁₁·x₁₁ + w₁₂·x₁₂ "
        "+ w₂₀·x₂₀ + w₂₁·x₂₁ + w₂₂·x₂₂"
    )
    assert formula.substituted() == (
        "y₀₀ = (−1)·10 + 0·20 + 1·30 + (−2)·20 + 0·40 + 2·60 + (−1)·30 + 0·60 + 1·90 = 160"
    )


def test_zero_padding_is_a_zero_term_and_reflect_names_the_copied_cell() -> None:
    image = [[1, 2, 3], [4, 5, 6]]
    zeros = formula_of(trace(image, [[1, 1, 1]], padding=((0, 0), (1, 1))), 0, 0)
    assert zeros.symbolic() == "y₀₀ = w₀₀·0 + w₀₁·x₀₀ + w₀₂·x₀₁"
    assert zeros.terms[0].padded and zeros.terms[0].cell is None
    mirrored = trace(image, [[1, 1, 1]], padding=((0, 0), (1, 1)), padding_mode="reflect")
    formula = formula_of(mirrored, 0, 0)
    assert formula.symbolic() == "y₀₀ = w₀₀·x₀₁ + w₀₁·x₀₀ + w₀₂·x₀₁"  # reflect copies x₀₁
    assert formula.terms[0].padded and formula.substituted() == "y₀₀ = 1·2 + 1·1 + 1·2 = 5"


def test_channels_and_bias_and_two_digit_indices_are_named_unambiguously() -> None:
    image = np.arange(2 * 12 * 12).reshape(2, 12, 12)
    kernel = np.ones((1, 2, 1, 2), dtype=int)
    formula = formula_of(trace(image, kernel, [5]), 11, 10)
    assert (
        formula.symbolic()
        == "y₁₁,₁₀ = w₀₀₀·x₀,₁₁,₁₀ + w₀₀₁·x₀,₁₁,₁₁ + w₁₀₀·x₁,₁₁,₁₀ + w₁₀₁·x₁,₁₁,₁₁ + b"
    )
    assert formula.evaluate() == formula.result


def test_a_signals_formula_has_one_index() -> None:
    signal = np.array([[3, 1, 4, 1, 5]])
    formula = formula_of(trace(signal, [[1, 0, -1]], dilation=(1, 2)), 0, 0, one_d=True)
    assert formula.symbolic() == "y₀ = w₀·x₀ + w₁·x₂ + w₂·x₄"
    assert formula.substituted() == "y₀ = 1·3 + 0·4 + (−1)·5 = −2"


def test_a_transposed_cells_formula_sums_what_lands_on_it() -> None:
    x = np.array([[1, 2], [3, 4]])
    w = np.array([[1, -1], [2, 0]])
    traced = trace_transposed(x, w, stride=2)
    out = conv_transpose2d(x, w, stride=2)
    for i, j in np.ndindex(*out.shape):
        formula = transposed_formula_of(traced.at(i, j))
        assert formula.evaluate() == formula.result == out[i, j]
    assert transposed_formula_of(traced.at(2, 1)).symbolic() == "y₂₁ = w₀₁·x₁₀"
