"""max_pool2d and avg_pool2d against torch, including ceil mode, ties, NaN and indices."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.engine.pool import PoolSpec, avg_pool2d, max_pool2d

torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is the reference")
F = torch.nn.functional


@st.composite
def pool_problems(draw: st.DrawFn) -> dict[str, object]:
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    return {
        "kernel_size": kernel,
        "stride": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        "padding": tuple(draw(st.integers(0, k // 2)) for k in kernel),
        "ceil_mode": draw(st.booleans()),
        "size": (draw(st.integers(1, 8)), draw(st.integers(1, 8))),
        "seed": draw(st.integers(0, 2**16)),
    }


def _valid(problem: dict[str, object]) -> bool:
    try:
        PoolSpec.create(
            problem["kernel_size"], problem["stride"], problem["padding"], 1, problem["ceil_mode"]
        ).output_size(problem["size"])  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def _input(problem: dict[str, object], with_nan: bool) -> np.ndarray:
    rng = np.random.default_rng(problem["seed"])  # type: ignore[arg-type]
    # few distinct values, so ties are common and the tie rule is exercised
    x = rng.integers(0, 4, (2, 2, *problem["size"])).astype(np.float64)  # type: ignore[misc]
    if with_nan:
        x[rng.random(x.shape) < 0.1] = np.nan
    return x


@settings(max_examples=100, deadline=None)
@given(pool_problems(), st.integers(1, 2), st.booleans())
def test_max_pool2d_values_and_indices_equal_torch(
    problem: dict[str, object], dilation: int, with_nan: bool
) -> None:
    if not _valid(problem):
        return
    x = _input(problem, with_nan)
    args = (problem["kernel_size"], problem["stride"], problem["padding"], dilation)
    try:
        expected, expected_indices = F.max_pool2d(
            torch.from_numpy(x), *args, ceil_mode=problem["ceil_mode"], return_indices=True
        )
    except RuntimeError:
        return  # torch refuses this dilated window; ours must refuse too
    values, indices = max_pool2d(x, *args, ceil_mode=problem["ceil_mode"], return_indices=True)  # type: ignore[misc]
    np.testing.assert_array_equal(values, expected.numpy())
    np.testing.assert_array_equal(indices, expected_indices.numpy())


@settings(max_examples=100, deadline=None)
@given(pool_problems(), st.booleans(), st.sampled_from([None, 1, 3]))
def test_avg_pool2d_equals_torch(
    problem: dict[str, object], count_include_pad: bool, divisor_override: int | None
) -> None:
    if not _valid(problem):
        return
    x = _input(problem, with_nan=False)
    args = (problem["kernel_size"], problem["stride"], problem["padding"], problem["ceil_mode"])
    expected = F.avg_pool2d(torch.from_numpy(x), *args, count_include_pad, divisor_override).numpy()
    np.testing.assert_allclose(
        avg_pool2d(x, *args, count_include_pad, divisor_override), expected, rtol=1e-12
    )


def test_first_of_tied_maxima_wins() -> None:
    values, indices = max_pool2d([[7, 1], [7, 7]], 2, return_indices=True)  # type: ignore[misc]
    assert values.tolist() == [[7]] and indices.tolist() == [[0]]


def test_ceil_mode_keeps_a_last_window_hanging_over_the_edge() -> None:
    x = np.arange(25).reshape(5, 5)
    assert max_pool2d(x, 2, ceil_mode=True).tolist() == [[6, 8, 9], [16, 18, 19], [21, 23, 24]]
    assert max_pool2d(x, 2).shape == (2, 2)


def test_integer_average_is_float64() -> None:
    out = avg_pool2d([[1, 2], [3, 5]], 2)
    assert out.dtype == np.float64 and out.tolist() == [[2.75]]


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: max_pool2d(np.ones((4, 4)), 2, padding=2), ValueError, "at most half"),
        (lambda: max_pool2d(np.ones((4, 4)), 0), ValueError, "kernel_size"),
        (lambda: max_pool2d(np.ones((4, 4)), 5), ValueError, "does not fit"),
        (lambda: max_pool2d(np.ones(4), 2), ValueError, r"\(H, W\)"),
        (lambda: avg_pool2d(np.ones((4, 4)), 2, divisor_override=0), ValueError, "divisor"),
        (lambda: max_pool2d(np.ones((4, 4)), 2, ceil_mode=1), TypeError, "ceil_mode"),
        (lambda: max_pool2d([[True]], 1), TypeError, "bool"),
    ],
)
def test_bad_pool_arguments_are_named(call: object, error: type, words: str) -> None:
    assert callable(call)
    with pytest.raises(error, match=words):
        call()


ONE_ELEMENT_TUPLES = [
    {"kernel_size": (2,)},
    {"kernel_size": 2, "stride": (2,)},
    {"kernel_size": 2, "stride": (1,), "padding": (1,)},
    {"kernel_size": (3,), "stride": (2,), "padding": (1,), "ceil_mode": True},
]


@pytest.mark.parametrize("arguments", ONE_ELEMENT_TUPLES, ids=str)
def test_one_element_tuples_mean_both_directions_as_in_torch(arguments: dict[str, object]) -> None:
    x = np.random.default_rng(3).standard_normal((1, 2, 5, 6))
    expected_max = F.max_pool2d(torch.tensor(x), **arguments).numpy()
    expected_avg = F.avg_pool2d(torch.tensor(x), **arguments).numpy()
    np.testing.assert_allclose(max_pool2d(x, **arguments), expected_max)  # type: ignore[arg-type]
    np.testing.assert_allclose(avg_pool2d(x, **arguments), expected_avg, rtol=1e-12)  # type: ignore[arg-type]


def test_a_one_element_dilation_means_both_directions_as_in_torch() -> None:
    x = np.random.default_rng(4).standard_normal((1, 1, 6, 7))
    expected = F.max_pool2d(torch.tensor(x), 2, dilation=(2,)).numpy()
    np.testing.assert_array_equal(max_pool2d(x, 2, dilation=(2,)), expected)  # type: ignore[arg-type]


def test_float16_averages_are_summed_in_float32_as_in_torch() -> None:
    x = np.full((1, 1, 2, 2), 6e4, np.float16)  # the float16 sum 2.4e5 would overflow to inf
    expected = F.avg_pool2d(torch.tensor(x), 2).numpy()
    result = avg_pool2d(x, 2)
    assert result.dtype == np.float16
    np.testing.assert_array_equal(result, expected)
