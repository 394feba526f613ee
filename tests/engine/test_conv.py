"""conv2d and conv1d: the chapter's worked numbers, the accepted shapes, bias, NaN and overflow."""

from __future__ import annotations

import warnings
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from convscope import conv1d, conv2d
from convscope.engine import prepare

# The chapter's 5×5 gradient image and Sobel X kernel, written out as the check.
GRADIENT = [
    [10, 20, 30, 40, 50],
    [20, 40, 60, 80, 100],
    [30, 60, 90, 120, 150],
    [40, 80, 120, 160, 200],
    [50, 100, 150, 200, 250],
]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]

# The chapter's 2×2×3 example: a (C, H, W) input with a (C, kH, kW) kernel.
TINY_INPUT = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]
TINY_KERNEL = [[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]]]

# The chapter's 4×4 RGB image with a different 3×3 kernel per colour channel.
RGB_INPUT = [
    [[255, 200, 150, 100], [220, 180, 140, 80], [180, 140, 100, 60], [140, 100, 60, 40]],
    [[100, 120, 140, 160], [80, 100, 120, 140], [60, 80, 100, 120], [40, 60, 80, 100]],
    [[50, 80, 110, 140], [70, 100, 130, 160], [90, 120, 150, 180], [110, 140, 170, 200]],
]
RGB_KERNEL = [
    [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
]


def _torch_conv2d(torch: ModuleType, input: Any, weight: Any, **kwargs: Any) -> np.ndarray:
    """Return torch's float64 answer for PyTorch-shaped arrays."""
    result = torch.nn.functional.conv2d(
        torch.tensor(np.asarray(input, dtype=np.float64)),
        torch.tensor(np.asarray(weight, dtype=np.float64)),
        **kwargs,
    )
    return np.asarray(result.numpy())


# --- the chapter's worked examples -------------------------------------------------------------


def test_chapter_gradient_with_sobel_x_gives_rows_160_240_320(algorithm: str) -> None:
    output = conv2d(GRADIENT, SOBEL_X, algorithm=algorithm)
    assert output.dtype == np.int64
    assert output.tolist() == [[160, 160, 160], [240, 240, 240], [320, 320, 320]]


def test_chapter_gradient_first_window_is_160() -> None:
    window = np.array(GRADIENT)[0:3, 0:3]
    assert conv2d(window, SOBEL_X).tolist() == [[160]]
    assert int((window * np.array(SOBEL_X)).sum()) == 160


def test_chapter_gradient_agrees_with_torch(torch: ModuleType) -> None:
    expected = _torch_conv2d(torch, [[GRADIENT]], [[SOBEL_X]])[0, 0]
    np.testing.assert_array_equal(conv2d(GRADIENT, SOBEL_X), expected)


def test_chapter_two_by_two_by_three_channel_sums_are_5_13_42(algorithm: str) -> None:
    sums = [conv2d(TINY_INPUT[c], TINY_KERNEL[c], algorithm=algorithm).item() for c in range(3)]
    assert sums == [5, 13, 42]


def test_chapter_two_by_two_by_three_total_is_60(algorithm: str) -> None:
    output = conv2d(TINY_INPUT, TINY_KERNEL, algorithm=algorithm)
    assert output.shape == (1, 1) and output.dtype == np.int64
    assert output.item() == 60


def test_chapter_rgb_example_gives_345_380_320_320(algorithm: str) -> None:
    output = conv2d(RGB_INPUT, RGB_KERNEL, algorithm=algorithm)
    assert output.dtype == np.int64
    assert output.tolist() == [[345, 380], [320, 320]]


def test_chapter_rgb_example_agrees_with_torch(torch: ModuleType) -> None:
    expected = _torch_conv2d(torch, [RGB_INPUT], [RGB_KERNEL])[0, 0]
    np.testing.assert_array_equal(conv2d(RGB_INPUT, RGB_KERNEL), expected)


# --- shapes ------------------------------------------------------------------------------------


def test_teaching_shapes_give_a_single_map() -> None:
    assert conv2d(np.ones((5, 5)), np.ones((3, 3))).shape == (3, 3)
    assert conv2d(np.ones((3, 5, 5)), np.ones((3, 3, 3))).shape == (3, 3)


def test_unbatched_pytorch_shape_keeps_the_channel_axis(torch: ModuleType) -> None:
    rng = np.random.default_rng(0)
    image, weight = rng.standard_normal((3, 6, 5)), rng.standard_normal((4, 3, 2, 2))
    output = conv2d(image, weight)
    assert output.shape == (4, 5, 4)
    np.testing.assert_allclose(output, _torch_conv2d(torch, image, weight), rtol=1e-12)


def test_batched_pytorch_shape_with_bias_matches_torch(torch: ModuleType) -> None:
    rng = np.random.default_rng(1)
    batch, weight = rng.standard_normal((2, 4, 7, 7)), rng.standard_normal((6, 2, 3, 3))
    bias = rng.standard_normal(6)
    output = conv2d(batch, weight, bias, stride=2, padding=1, groups=2)
    expected = _torch_conv2d(
        torch, batch, weight, bias=torch.tensor(bias), stride=2, padding=1, groups=2
    )
    np.testing.assert_allclose(output, expected, rtol=1e-12, atol=1e-12)


def test_teaching_bias_is_one_number_added_to_every_cell() -> None:
    output = conv2d(TINY_INPUT, TINY_KERNEL, bias=-10)
    assert output.tolist() == [[50]]
    assert conv2d(GRADIENT, SOBEL_X, bias=[1]).tolist()[0] == [161, 161, 161]


def test_prepare_gives_the_canonical_problem() -> None:
    problem = prepare(TINY_INPUT, TINY_KERNEL, padding=1, flip=True)
    assert problem.input.shape == (1, 3, 2, 2)
    assert problem.weight.shape == (1, 3, 2, 2)
    assert problem.padded_input().shape == (1, 3, 4, 4)
    np.testing.assert_array_equal(
        problem.oriented_weight()[0, 2], np.array(TINY_KERNEL[2])[::-1, ::-1]
    )


# --- flip and padding, worked by hand ----------------------------------------------------------


def test_flip_rotates_the_kernel_half_a_turn() -> None:
    image = np.arange(16).reshape(4, 4)
    kernel = np.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(
        conv2d(image, kernel, flip=True), conv2d(image, kernel[::-1, ::-1])
    )


@pytest.mark.filterwarnings("ignore:Using padding=.same. with even kernel:UserWarning")
def test_same_padding_with_even_kernel_puts_the_extra_cell_bottom_right(
    torch: ModuleType,
) -> None:
    image = np.arange(1, 26).reshape(5, 5)
    kernel = np.array([[1, 2], [3, 4]])
    output = conv2d(image, kernel, padding="same")
    assert output.shape == (5, 5)
    assert output[-1, -1] == 25 * 1  # only the top-left tap meets the input in the corner
    np.testing.assert_array_equal(
        output, _torch_conv2d(torch, [[image]], [[kernel]], padding="same")[0, 0]
    )


@pytest.mark.parametrize(
    ("mode", "expected_corner"),
    [("zeros", 0), ("replicate", 1), ("reflect", 6), ("circular", 16)],
)
def test_padding_mode_decides_what_the_corner_window_sees(mode: str, expected_corner: int) -> None:
    image = np.arange(1, 17).reshape(4, 4)
    picks_top_left = np.zeros((3, 3), dtype=int)
    picks_top_left[0, 0] = 1
    output = conv2d(image, picks_top_left, padding=1, padding_mode=mode)
    assert output[0, 0] == expected_corner


# --- dtypes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.int32, np.int64, np.uint32])
def test_integer_inputs_give_exact_int64(dtype: type) -> None:
    image = np.array(GRADIENT).astype(dtype) if dtype != np.int8 else np.ones((5, 5), dtype)
    output = conv2d(image, np.array(SOBEL_X, dtype=np.int64))
    assert output.dtype == np.int64


def test_uint8_image_does_not_wrap_at_255() -> None:
    image = np.full((3, 3), 255, dtype=np.uint8)
    assert conv2d(image, np.ones((3, 3), dtype=np.uint8)).item() == 9 * 255


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_float_inputs_keep_their_dtype(dtype: type) -> None:
    output = conv2d(np.ones((4, 4), dtype), np.ones((2, 2), dtype))
    assert output.dtype == dtype
    np.testing.assert_array_equal(output, np.full((3, 3), 4.0))


def test_integer_kernel_does_not_widen_a_float32_image() -> None:
    assert conv2d(np.ones((4, 4), np.float32), SOBEL_X).dtype == np.float32


def test_mixed_float_widths_give_the_wider_one() -> None:
    assert conv2d(np.ones((4, 4), np.float32), np.ones((2, 2), np.float64)).dtype == np.float64


def test_float16_matches_torch_within_half_precision(torch: ModuleType) -> None:
    rng = np.random.default_rng(2)
    image = rng.uniform(-1, 1, (1, 3, 8, 8)).astype(np.float16)
    weight = rng.uniform(-1, 1, (2, 3, 3, 3)).astype(np.float16)
    expected = torch.nn.functional.conv2d(torch.tensor(image), torch.tensor(weight)).numpy()
    output = conv2d(image, weight)
    assert output.dtype == np.float16
    # float16 keeps about 3 decimal digits; sums of 27 products here stay below 10 in size.
    np.testing.assert_allclose(output.astype(float), expected.astype(float), rtol=1e-2, atol=1e-2)


def test_int64_overflow_wraps_as_numpy_does(algorithm: str) -> None:
    huge = np.array([[2**62]], dtype=np.int64)
    expected = huge * np.int64(4)  # NumPy's own wrap-around, the documented policy
    assert conv2d(huge, [[4]], algorithm=algorithm).item() == expected.item()


# --- NaN and infinity ----------------------------------------------------------------------------


def test_nan_propagates_like_torch_even_under_a_zero_weight(
    torch: ModuleType, algorithm: str
) -> None:
    image = np.arange(25.0).reshape(1, 1, 5, 5)
    image[0, 0, 2, 2] = np.nan
    weight = np.array(SOBEL_X, dtype=np.float64).reshape(1, 1, 3, 3)  # centre weight is 0
    output = conv2d(image, weight, padding=1, algorithm=algorithm)
    expected = _torch_conv2d(torch, image, weight, padding=1)
    np.testing.assert_array_equal(np.isnan(output), np.isnan(expected))
    assert np.isnan(output[0, 0, 2, 2])
    np.testing.assert_allclose(output[~np.isnan(output)], expected[~np.isnan(expected)])


def test_infinity_times_zero_weight_is_nan_like_torch(torch: ModuleType, algorithm: str) -> None:
    image = np.ones((1, 1, 4, 4))
    image[0, 0, 0, 1] = np.inf
    weight = np.array([[[[0.0, 0.0], [1.0, 1.0]]]])
    output = conv2d(image, weight, algorithm=algorithm)
    expected = _torch_conv2d(torch, image, weight)
    np.testing.assert_array_equal(np.isnan(output), np.isnan(expected))
    np.testing.assert_array_equal(np.isinf(output), np.isinf(expected))


def test_float_overflow_gives_infinity_without_a_warning(algorithm: str) -> None:
    big = np.full((2, 2), 3e38, dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        output = conv2d(big, np.ones((2, 2), np.float32), algorithm=algorithm)
    assert output.dtype == np.float32 and np.isposinf(output.item())


def test_nan_policy_holds_for_a_large_kernel_under_auto(torch: ModuleType) -> None:
    # A kernel this large is where a fast algorithm is most tempting; the policy must not change.
    rng = np.random.default_rng(4)
    image, weight = rng.standard_normal((1, 1, 64, 64)), rng.standard_normal((1, 1, 15, 15))
    image[0, 0, 3, 3] = np.nan
    output = conv2d(image, weight)
    expected = _torch_conv2d(torch, image, weight)
    np.testing.assert_array_equal(np.isnan(output), np.isnan(expected))
    np.testing.assert_allclose(output[~np.isnan(output)], expected[~np.isnan(expected)])


# --- conv1d -------------------------------------------------------------------------------------


def test_conv1d_teaching_shape_gives_differences() -> None:
    assert conv1d([1, 4, 9, 16], [-1, 1]).tolist() == [3, 5, 7]


def test_conv1d_matches_torch_with_stride_padding_and_groups(torch: ModuleType) -> None:
    rng = np.random.default_rng(3)
    signal, weight = rng.standard_normal((2, 4, 11)), rng.standard_normal((6, 2, 3))
    output = conv1d(signal, weight, stride=2, padding=1, dilation=2, groups=2)
    expected = torch.nn.functional.conv1d(
        torch.tensor(signal), torch.tensor(weight), stride=2, padding=1, dilation=2, groups=2
    ).numpy()
    np.testing.assert_allclose(output, expected, rtol=1e-12, atol=1e-12)
