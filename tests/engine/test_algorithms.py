"""Every algorithm behind the dispatch point against torch, integer exactness on each fast path,
and the choices the cost model makes for ``auto``."""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
import warnings
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from convscope.engine import ALGORITHMS, _gemm, _numba_direct, _winograd, conv2d, prepare
from convscope.engine import algorithms as dispatch
from convscope.engine._separable import kernel_factors

SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
NAMES = sorted(ALGORITHMS)
needs_numba = pytest.mark.skipif(
    not _numba_direct.AVAILABLE, reason="numba (the 'fast' extra) is not installed"
)


@st.composite
def problems(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a small conv2d problem: any groups, stride, dilation, padding, rank-1 or not."""
    groups = draw(st.integers(1, 3))
    per_group_in, per_group_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    rows = draw(st.integers(max(1, dilation[0] * (kernel[0] - 1) + 1 - 2 * padding[0]), 12))
    cols = draw(st.integers(max(1, dilation[1] * (kernel[1] - 1) + 1 - 2 * padding[1]), 12))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    image = rng.standard_normal((draw(st.integers(1, 2)), groups * per_group_in, rows, cols))
    shape = (groups * per_group_out, per_group_in, *kernel)
    weight = rng.standard_normal(shape)
    if draw(st.booleans()):  # rank-1 kernels, so the separable path is taken too
        weight = rng.standard_normal((*shape[:3], 1)) * rng.standard_normal(
            (*shape[:2], 1, *shape[3:])
        )
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return dict(
        input=image, weight=weight, stride=stride, padding=padding, dilation=dilation, groups=groups
    )


def _torch_conv2d(torch: ModuleType, case: dict[str, Any]) -> np.ndarray:
    arguments = {k: v for k, v in case.items() if k not in ("input", "weight")}
    return torch.nn.functional.conv2d(
        torch.from_numpy(np.asarray(case["input"], np.float64)),
        torch.from_numpy(np.asarray(case["weight"], np.float64)),
        **arguments,
    ).numpy()


@pytest.mark.parametrize("name", NAMES)
@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(case=problems())
def test_every_algorithm_matches_torch_on_random_problems(
    torch: ModuleType, name: str, case: dict[str, Any]
) -> None:
    expected = _torch_conv2d(torch, case)
    result = conv2d(**case, algorithm=name)
    assert result.shape == expected.shape
    np.testing.assert_allclose(result, expected, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize(
    ("channels", "groups", "kernel"),
    [(1, 1, "random"), (1, 1, "sobel"), (3, 3, "random"), (3, 3, "sobel"), (4, 2, "random")],
)
def test_large_planes_match_torch_in_float32(
    torch: ModuleType, name: str, channels: int, groups: int, kernel: str
) -> None:
    # Planes of 4,000+ cells take the BLAS axpy path of shift-and-add and the fused passes.
    rng = np.random.default_rng(channels + groups)
    image = rng.standard_normal((1, channels, 70, 66)).astype(np.float32)
    if kernel == "sobel":
        weight = np.tile(np.array(SOBEL_X, np.float32), (channels, channels // groups, 1, 1))
    else:
        weight = rng.standard_normal((channels, channels // groups, 3, 5)).astype(np.float32)
    case = dict(input=image, weight=weight, padding=(1, 2), groups=groups)
    result = conv2d(**case, algorithm=name)
    assert result.dtype == np.float32
    np.testing.assert_allclose(result, _torch_conv2d(torch, case), rtol=1e-4, atol=1e-4)


def _exact_correlation(image: np.ndarray, weight: np.ndarray, groups: int) -> np.ndarray:
    """Direct int64 sum over every window (values keep every product below 2**63)."""
    out_channels, per_group = weight.shape[0], weight.shape[1]
    windows = sliding_window_view(image, weight.shape[2:], axis=(2, 3))  # (N, C, H', W', kH, kW)
    maps = []
    for o in range(out_channels):
        first = (o // (out_channels // groups)) * per_group
        block = windows[:, first : first + per_group]
        maps.append(np.einsum("ncijab,cab->nij", block, weight[o]))
    return np.stack(maps, axis=1)


@pytest.mark.parametrize("name", [*NAMES, "auto"])
@pytest.mark.parametrize(
    ("channels", "groups", "kernel"),
    [(2, 1, "random"), (3, 3, "random"), (1, 1, "sobel"), (2, 2, "rank1"), (6, 2, "random")],
)
def test_integers_stay_exact_on_every_path(
    name: str, channels: int, groups: int, kernel: str
) -> None:
    # Products near 2**55 would lose their last bits in float64: exact only if no path rounds.
    rng = np.random.default_rng(7)
    image = rng.integers(-(2**30), 2**30, (1, channels, 60, 70), dtype=np.int64)
    shape = (channels, channels // groups, 3, 3)
    if kernel == "sobel":
        weight = np.tile(np.array(SOBEL_X, np.int64), (channels, channels // groups, 1, 1))
    elif kernel == "rank1":
        weight = rng.integers(-9, 9, (*shape[:3], 1)) * rng.integers(
            -(2**12), 2**12, (*shape[:2], 1, 3)
        )
    else:
        weight = rng.integers(-(2**24), 2**24, shape, dtype=np.int64)
    result = conv2d(image, weight, groups=groups, algorithm=name)
    assert result.dtype == np.int64
    np.testing.assert_array_equal(result, _exact_correlation(image, weight, groups))


@pytest.mark.parametrize("name", NAMES)
def test_float32_is_computed_in_float32(name: str) -> None:
    problem = prepare(
        np.ones((1, 2, 40, 40), np.float32), np.ones((2, 1, 9, 9), np.float32), groups=2
    )
    result = dispatch.run(problem.padded_input(), problem.oriented_weight(), problem.spec, name)
    assert result.dtype == np.float32


def _chosen(image: np.ndarray, weight: np.ndarray, **arguments: Any) -> str:
    problem = prepare(image, weight, **arguments)
    return dispatch.choose(problem.padded_input(), problem.oriented_weight(), problem.spec)


def test_auto_picks_fft_for_a_large_float_kernel() -> None:
    rng = np.random.default_rng(0)
    image = rng.random((512, 512), dtype=np.float32)
    weight = rng.standard_normal((31, 31)).astype(np.float32)
    assert _chosen(image, weight, padding="same") == "fft"


def test_auto_picks_separable_for_sobel_on_a_large_float_image_without_numba(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(_numba_direct, "AVAILABLE", False)
    image = np.random.default_rng(1).random((2048, 2048), dtype=np.float32)
    assert _chosen(image, np.array(SOBEL_X, np.float32), padding=1) == "separable"


@needs_numba
@pytest.mark.parametrize("kernel", [(3, 3), (7, 7)])
def test_auto_picks_the_compiled_loops_for_small_kernels_on_images(kernel: tuple[int, int]) -> None:
    rng = np.random.default_rng(1)
    image = rng.random((1, 3, 1024, 1024), dtype=np.float32)
    weight = rng.standard_normal((3, 1, *kernel)).astype(np.float32)
    assert _chosen(image, weight, padding="same", groups=3) == "numba_direct"


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_compiled_loops_share_pieces_between_threads_and_match_torch(
    torch: ModuleType, dtype: type
) -> None:
    # Big enough to be cut into pieces for the thread pool, with a channel multiplier of 2.
    rng = np.random.default_rng(5)
    image = rng.standard_normal((2, 3, 256, 240)).astype(dtype)
    weight = rng.standard_normal((6, 1, 3, 5)).astype(dtype)
    case = dict(input=image, weight=weight, padding=(1, 2), dilation=(2, 1), groups=3)
    products = image.size * 2 * weight[0].size
    assert products >= _numba_direct.THREAD_MIN_PRODUCTS
    result = conv2d(**case, algorithm="numba_direct")
    assert result.dtype == dtype
    tolerance = 1e-4 if dtype == np.float32 else 1e-10
    np.testing.assert_allclose(result, _torch_conv2d(torch, case), rtol=tolerance, atol=tolerance)


def test_tiny_problems_skip_the_cost_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> dict[str, float]:
        raise AssertionError("the cost model ran for a lesson-size problem")

    monkeypatch.setattr(dispatch, "estimate_costs", refuse)
    image = np.arange(36).reshape(6, 6)
    assert _chosen(image, np.array(SOBEL_X), padding=1) in ("numba_direct", "depthwise")
    assert _chosen(np.ones((3, 5, 5)), np.ones((2, 3, 3, 3))) == "im2col_gemm"
    np.testing.assert_array_equal(
        conv2d(image, SOBEL_X),
        _exact_correlation(image[None, None], np.array(SOBEL_X)[None, None], 1)[0, 0],
    )


def test_without_numba_the_numpy_paths_do_everything() -> None:
    # A fresh interpreter where importing numba fails, as on a machine without the extra.
    program = (
        "import sys; sys.modules['numba'] = None\n"
        "import numpy as np\n"
        "from convscope.engine import ALGORITHMS, conv2d\n"
        "from convscope.engine._numba_direct import warm\n"
        "assert 'numba_direct' not in ALGORITHMS, sorted(ALGORITHMS)\n"
        "warm()\n"
        "image = np.arange(600 * 600).reshape(1, 1, 600, 600) % 251\n"
        "out = conv2d(image, np.ones((1, 1, 3, 3), np.int64), padding=1)\n"
        "assert out[0, 0, 1, 1] == image[0, 0, :3, :3].sum()\n"
        "print('ok', sorted(ALGORITHMS))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "separable" in done.stdout


@pytest.mark.parametrize("size", [64, 512])
def test_auto_never_picks_fft_for_integers(size: int) -> None:
    rng = np.random.default_rng(2)
    image = rng.integers(0, 256, (size, size))
    weight = rng.integers(-5, 5, (31, 31))
    assert _chosen(image, weight, padding="same") != "fft"


@pytest.mark.parametrize("compiled", [pytest.param(True, marks=needs_numba), False])
def test_auto_picks_winograd_for_a_many_channel_3x3_layer_only_when_compiled(
    monkeypatch: pytest.MonkeyPatch, compiled: bool
) -> None:
    monkeypatch.setattr(_winograd, "NUMBA_AVAILABLE", compiled)
    rng = np.random.default_rng(3)
    image = rng.random((8, 64, 56, 56), dtype=np.float32)
    weight = rng.standard_normal((64, 64, 3, 3)).astype(np.float32)
    expected = {"winograd"} if compiled else {"tap_gemm", "im2col_gemm"}
    assert _chosen(image, weight, padding=1) in expected
    assert _chosen(image, weight[..., :2], padding=1) in ("tap_gemm", "im2col_gemm")  # 3×2


def test_auto_keeps_matrix_products_for_a_first_layer_of_three_channels() -> None:
    rng = np.random.default_rng(3)
    image = rng.random((1, 3, 224, 224), dtype=np.float32)
    weight = rng.standard_normal((64, 3, 3, 3)).astype(np.float32)
    assert _chosen(image, weight, padding=1) == "im2col_gemm"


def _counting_tap_gemm(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = _gemm.tap_gemm

    def counted(*arguments: Any) -> Any:
        calls.append(1)
        return original(*arguments)

    monkeypatch.setattr(_gemm, "tap_gemm", counted)
    return calls


@pytest.mark.parametrize("compiled", [pytest.param(True, marks=needs_numba), False])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("chunk_bytes", [2_000, 1 << 24])  # bands of tile rows; whole images
def test_winograd_matches_torch_on_odd_and_even_sizes_in_any_chunking(
    torch: ModuleType,
    monkeypatch: pytest.MonkeyPatch,
    compiled: bool,
    dtype: type,
    chunk_bytes: int,
) -> None:
    monkeypatch.setattr(_winograd, "NUMBA_AVAILABLE", compiled)
    monkeypatch.setattr(_winograd, "CHUNK_BYTES", chunk_bytes)
    handed_on = _counting_tap_gemm(monkeypatch)
    rng = np.random.default_rng(11)
    for size in [(9, 8), (6, 11), (1, 1), (16, 3)]:
        image = rng.standard_normal((3, 5, *size)).astype(dtype)
        weight = rng.standard_normal((4, 5, 3, 3)).astype(dtype)
        case = dict(input=image, weight=weight, padding=1)
        result = conv2d(**case, algorithm="winograd")
        assert result.dtype == dtype
        tolerance = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(
            result, _torch_conv2d(torch, case), rtol=tolerance, atol=tolerance
        )
    assert handed_on == []  # every one of them went through the transforms


@pytest.mark.parametrize("compiled", [pytest.param(True, marks=needs_numba), False])
def test_winograd_redoes_non_finite_results_by_the_direct_sum(
    torch: ModuleType, monkeypatch: pytest.MonkeyPatch, compiled: bool
) -> None:
    monkeypatch.setattr(_winograd, "NUMBA_AVAILABLE", compiled)
    handed_on = _counting_tap_gemm(monkeypatch)
    rng = np.random.default_rng(12)
    image = rng.standard_normal((1, 2, 9, 9))
    image[0, 1, 3, 4], image[0, 0, 7, 1] = np.inf, np.nan
    weight = rng.standard_normal((3, 2, 3, 3))
    result = conv2d(image, weight, padding=1, algorithm="winograd")
    expected = _torch_conv2d(torch, dict(input=image, weight=weight, padding=1))
    np.testing.assert_array_equal(np.isnan(result), np.isnan(expected))
    np.testing.assert_array_equal(np.isinf(result), np.isinf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(result[finite], expected[finite])
    assert len(handed_on) == 1
    # Finite values whose transform overflows float32 (3e38 - -3e38) while the sum does not.
    signs = rng.choice([-1.0, 1.0], (1, 2, 8, 8))
    big = (signs * 3e38).astype(np.float32)
    small = np.full((2, 2, 3, 3), 1e-3, np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result = conv2d(big, small, algorithm="winograd")
    assert len(handed_on) == 2  # handed on again
    assert np.isfinite(result).all()
    np.testing.assert_array_equal(result, conv2d(big, small, algorithm="tap_gemm"))


def test_integer_rank_one_kernels_factor_exactly_into_integers() -> None:
    weight = np.array([[[[2, 4, -6], [3, 6, -9]]], [[[-1, 0, 1], [-2, 0, 2]]]], np.int64)
    factors = kernel_factors(weight)
    assert factors is not None
    columns, rows = factors
    assert columns.dtype == np.int64 and rows.dtype == np.int64
    np.testing.assert_array_equal(np.einsum("oa,ob->oab", columns, rows), weight[:, 0])


def test_kernels_of_rank_two_are_not_split() -> None:
    assert kernel_factors(np.array([[[[1, 0], [0, 1]]]], np.int64)) is None
    assert kernel_factors(np.array([[[[1.0, 0.0], [0.0, 1.0]]]])) is None


def test_a_gaussian_kernel_is_found_separable() -> None:
    taps = np.exp(-0.5 * (np.arange(7) - 3.0) ** 2)
    factors = kernel_factors(np.outer(taps, taps).reshape(1, 1, 7, 7))
    assert factors is not None
    np.testing.assert_allclose(np.outer(factors[0][0], factors[1][0]), np.outer(taps, taps))


def test_winograd_buffers_fit_the_problem_not_the_chunk_size() -> None:
    # One 64×64 plane needs about 0.1 MB of tiles; the buffers must not be CHUNK_BYTES large.
    image = np.ones((1, 1, 64, 64), np.float32)
    weight = np.ones((1, 1, 3, 3), np.float32)
    conv2d(image, weight, algorithm="winograd")
    tracemalloc.start()
    try:
        conv2d(image, weight, algorithm="winograd")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
