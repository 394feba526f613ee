"""Each class of bad input gets a ValueError or TypeError naming the argument and what works.

Each case asserts the exception type and the key words of its message, so an unclear message
(or a bare NumPy traceback) fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from convscope import conv1d, conv2d

IMAGE = np.ones((5, 5))
KERNEL = np.ones((3, 3))


def _raises(error: type[Exception], *words: str) -> Callable[[Callable[[], Any]], None]:
    def check(call: Callable[[], Any]) -> None:
        with pytest.raises(error) as caught:
            call()
        message = str(caught.value)
        for word in words:
            assert word in message, f"{word!r} missing from: {message}"

    return check


def test_kernel_larger_than_padded_input_quotes_sizes_and_suggests_padding() -> None:
    _raises(ValueError, "kernel 5×5", "padded input 4×4", "input 2×2", "padding", "at least 3")(
        lambda: conv2d(np.ones((2, 2)), np.ones((5, 5)), padding=1)
    )


def test_dilated_kernel_that_does_not_fit_says_how_far_it_spans() -> None:
    _raises(ValueError, "kernel 3×3", "spanning 5×5", "dilation")(
        lambda: conv2d(np.ones((4, 4)), KERNEL, dilation=2)
    )


def test_channel_mismatch_quotes_both_shapes() -> None:
    _raises(ValueError, "channel mismatch", "(1, 3, 5, 5)", "(2, 2, 3, 3)", "C_in / groups")(
        lambda: conv2d(np.ones((1, 3, 5, 5)), np.ones((2, 2, 3, 3)))
    )


def test_teaching_channel_mismatch_quotes_the_callers_shapes() -> None:
    _raises(ValueError, "channel mismatch", "(3, 5, 5)", "(2, 3, 3)")(
        lambda: conv2d(np.ones((3, 5, 5)), np.ones((2, 3, 3)))
    )


@pytest.mark.parametrize(
    ("input_shape", "weight_shape"),
    [((1, 4, 5, 5), (2, 2, 3, 3)), ((1, 4, 5, 5), (3, 2, 3, 3))],
)
def test_groups_that_do_not_divide_the_channels_are_refused(
    input_shape: tuple[int, ...], weight_shape: tuple[int, ...]
) -> None:
    groups = 3 if input_shape[1] % 3 else 2
    _raises(ValueError, f"groups={groups}", "must divide", str(input_shape))(
        lambda: conv2d(np.ones(input_shape), np.ones(weight_shape), groups=groups)
    )


def test_groups_with_teaching_shapes_points_to_pytorch_shapes() -> None:
    _raises(ValueError, "groups=2", "(C_out, C_in/groups, kH, kW)")(
        lambda: conv2d(IMAGE, KERNEL, groups=2)
    )


@pytest.mark.parametrize("groups", [0, -1])
def test_groups_below_one_are_refused(groups: int) -> None:
    _raises(ValueError, "groups", "positive int", repr(groups))(
        lambda: conv2d(IMAGE, KERNEL, groups=groups)
    )


def test_non_integer_groups_are_a_type_error() -> None:
    _raises(TypeError, "groups", "1.0")(lambda: conv2d(IMAGE, KERNEL, groups=1.0))


@pytest.mark.parametrize("stride", [0, (1, 0), -2])
def test_stride_below_one_is_refused(stride: object) -> None:
    _raises(ValueError, "stride", ">= 1", repr(stride))(
        lambda: conv2d(IMAGE, KERNEL, stride=stride)
    )


@pytest.mark.parametrize("stride", [1.5, "2", (1, 2, 3), True])
def test_stride_of_the_wrong_type_is_refused(stride: object) -> None:
    _raises(TypeError, "stride", "int or a pair of ints")(
        lambda: conv2d(IMAGE, KERNEL, stride=stride)
    )


def test_dilation_zero_is_refused() -> None:
    _raises(ValueError, "dilation", ">= 1")(lambda: conv2d(IMAGE, KERNEL, dilation=0))


@pytest.mark.parametrize(
    ("padding", "words"),
    [
        (-1, ("padding", ">= 0", "-1")),
        ((1, -2), ("padding", ">= 0")),
        (((0, -1), (0, 0)), ("top, bottom", ">= 0")),
    ],
)
def test_negative_padding_is_refused(padding: object, words: tuple[str, ...]) -> None:
    _raises(ValueError, *words)(lambda: conv2d(IMAGE, KERNEL, padding=padding))


def test_unknown_padding_name_lists_the_known_ones() -> None:
    _raises(ValueError, "padding", "'half'", "'valid'", "'same'", "'full'")(
        lambda: conv2d(IMAGE, KERNEL, padding="half")
    )


@pytest.mark.parametrize("padding", [1.0, (1, 2, 3), None])
def test_padding_of_the_wrong_type_is_refused(padding: object) -> None:
    _raises(TypeError, "padding", "((top, bottom), (left, right))")(
        lambda: conv2d(IMAGE, KERNEL, padding=padding)
    )


def test_same_padding_with_stride_two_is_refused_like_torch() -> None:
    _raises(ValueError, "padding='same'", "stride", "2")(
        lambda: conv2d(IMAGE, KERNEL, padding="same", stride=2)
    )


@pytest.mark.parametrize("mode", ["mirror", "constant", None])
def test_unknown_padding_mode_lists_the_known_ones(mode: object) -> None:
    _raises(ValueError, "padding_mode", "'reflect'", "'replicate'", "'circular'", repr(mode))(
        lambda: conv2d(IMAGE, KERNEL, padding=1, padding_mode=mode)  # type: ignore[arg-type]
    )


def test_reflect_padding_as_large_as_the_input_is_refused() -> None:
    _raises(ValueError, "padding_mode='reflect'", "padding < input size", "3 rows")(
        lambda: conv2d(np.ones((3, 3)), KERNEL, padding=3, padding_mode="reflect")
    )


def test_circular_padding_larger_than_the_input_is_refused() -> None:
    _raises(ValueError, "padding_mode='circular'", "padding <= input size")(
        lambda: conv2d(np.ones((3, 3)), KERNEL, padding=4, padding_mode="circular")
    )


@pytest.mark.parametrize(
    ("input_shape", "weight_shape"),
    [((5,), (3, 3)), ((1, 1, 1, 5, 5), (1, 1, 3, 3)), ((5, 5), (1, 1, 3, 3)), ((5, 5), (3,))],
)
def test_ranks_that_do_not_go_together_list_the_accepted_pairs(
    input_shape: tuple[int, ...], weight_shape: tuple[int, ...]
) -> None:
    _raises(ValueError, str(input_shape), str(weight_shape), "(H, W) with (kH, kW)")(
        lambda: conv2d(np.ones(input_shape), np.ones(weight_shape))
    )


def test_bias_of_the_wrong_length_says_one_per_output_channel() -> None:
    _raises(ValueError, "bias", "(2,)", "one number per output channel", "(3,)")(
        lambda: conv2d(np.ones((1, 3, 5, 5)), np.ones((2, 3, 3, 3)), bias=np.ones(3))
    )


def test_bias_for_a_teaching_shape_must_be_one_number() -> None:
    _raises(ValueError, "bias", "one number", "(2,)")(lambda: conv2d(IMAGE, KERNEL, bias=[1, 2]))


@pytest.mark.parametrize("name", ["input", "weight"])
def test_ragged_lists_are_refused_by_name(name: str) -> None:
    ragged = [[1, 2, 3], [4, 5]]
    arguments = {"input": IMAGE, "weight": KERNEL, name: ragged}
    _raises(TypeError, name, "rectangular", "ragged")(lambda: conv2d(**arguments))


@pytest.mark.parametrize(
    ("input_shape", "weight_shape", "name"),
    [((0, 5), (1, 1), "input"), ((5, 5), (0, 1), "weight"), ((1, 0, 5, 5), (1, 0, 1, 1), "input")],
)
def test_empty_axes_are_refused(
    input_shape: tuple[int, ...], weight_shape: tuple[int, ...], name: str
) -> None:
    _raises(ValueError, name, "empty axis")(
        lambda: conv2d(np.ones(input_shape), np.ones(weight_shape))
    )


@pytest.mark.parametrize("flip", [1, "yes", None, np.True_])
def test_flip_must_be_a_real_bool(flip: object) -> None:
    _raises(TypeError, "flip", "True or False")(
        lambda: conv2d(IMAGE, KERNEL, flip=flip)  # type: ignore[arg-type]
    )


def test_unknown_algorithm_lists_the_registered_ones() -> None:
    _raises(ValueError, "algorithm", "'auto'", "'magic'")(
        lambda: conv2d(IMAGE, KERNEL, algorithm="magic")
    )


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (np.ones((5, 5), dtype=bool), ("bool", "0/1 integers")),
        (np.ones((5, 5), dtype=complex), ("complex128", ".real")),
        (np.array([[1, "a"]], dtype=object), ("object",)),
        ([["a", "b"], ["c", "d"]], ("<U1", "text")),
        (None, ("None",)),
    ],
)
@pytest.mark.parametrize("name", ["input", "weight", "bias"])
def test_unsupported_dtypes_are_refused_naming_the_argument(
    value: object, words: tuple[str, ...], name: str
) -> None:
    if name == "bias" and value is None:
        return  # bias=None means no bias, which is allowed
    arguments: dict[str, object] = {"input": IMAGE, "weight": KERNEL, name: value}
    _raises(TypeError, name, *words)(lambda: conv2d(**arguments))


def test_unsigned_values_beyond_int64_are_refused() -> None:
    _raises(ValueError, "input", "beyond int64", "float64")(
        lambda: conv2d(np.array([[2**64 - 1]], dtype=np.uint64), [[1]])
    )


def test_conv1d_refuses_a_two_dimensional_stride() -> None:
    _raises(TypeError, "stride", "conv1d", "1-tuple")(
        lambda: conv1d(np.ones(5), np.ones(3), stride=(1, 2))
    )
