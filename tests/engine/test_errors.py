"""Each class of bad input gets a ValueError or TypeError naming the argument and what works.

Each case asserts the exception type and the key words of its message, so an unclear message
(or a bare NumPy traceback) fails here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from convscope import avg_pool2d, conv1d, conv2d, max_pool2d, pad

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


# ---- pad: the same words as conv2d's padding, never a bare KeyError or NumPy message ---------


@pytest.mark.parametrize(
    ("mode", "hint"),
    [
        ("mirror", "SciPy's 'mirror' is 'reflect' here"),
        ("edge", "NumPy's 'edge' is 'replicate' here"),
        ("wrap", "'circular' here"),
        ("symmetric", "repeats the edge cell"),
        ("nope", "got 'nope'"),
    ],
)
def test_pad_with_an_unknown_mode_lists_the_modes_that_work(mode: str, hint: str) -> None:
    _raises(ValueError, "mode", repr(mode), "'zeros', 'reflect', 'replicate', 'circular'", hint)(
        lambda: pad(IMAGE, ((1, 1), (1, 1)), mode)  # type: ignore[arg-type]
    )


def test_conv2d_padding_mode_from_another_library_names_ours() -> None:
    _raises(ValueError, "padding_mode", "'mirror'", "SciPy's 'mirror' is 'reflect' here")(
        lambda: conv2d(IMAGE, KERNEL, padding=1, padding_mode="mirror")
    )


def test_pad_refuses_a_flat_pair_saying_why_it_is_ambiguous() -> None:
    _raises(TypeError, "(1, 2)", "np.pad", "(before, after)", "((top, bottom), (left, right))")(
        lambda: pad(IMAGE, (1, 2))  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("padding", [1.5, "same", None, ((1, 1), (1, 1), (1, 1))])
def test_pad_refuses_other_widths_naming_the_forms_that_work(padding: object) -> None:
    _raises(TypeError, "padding", "an int (every side) or ((top, bottom), (left, right))")(
        lambda: pad(IMAGE, padding)  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("padding", "words"),
    [
        (-1, ("padding must be >= 0", "-1")),
        (((-1, 1), (0, 0)), ("padding (top, bottom) must be >= 0", "(-1, 1)")),
        (((0, 0), (2, -3)), ("padding (left, right) must be >= 0", "(2, -3)")),
    ],
)
def test_pad_refuses_negative_widths_in_its_own_words(
    padding: object, words: tuple[str, ...]
) -> None:
    _raises(ValueError, *words)(lambda: pad(IMAGE, padding))  # type: ignore[arg-type]


@pytest.mark.parametrize("array", [[1, 2, 3], np.ones(3), 5])
def test_pad_of_fewer_than_two_dimensions_says_how_to_make_a_row(array: object) -> None:
    _raises(ValueError, "rows and columns", "shape", "np.atleast_2d")(
        lambda: pad(array, 1)  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(("array", "error"), [(None, TypeError), ([[1, 2], [3]], TypeError)])
def test_pad_refuses_none_and_ragged_lists_by_name(array: object, error: type[Exception]) -> None:
    _raises(error, "pad needs")(lambda: pad(array, 1))  # type: ignore[arg-type]


# ---- numbers beyond int64, 1-D signals -------------------------------------------------------


def test_an_integer_beyond_int64_is_named_with_its_place_and_the_way_out() -> None:
    _raises(
        ValueError, "input holds 1180591620717411303424", "row 0, column 0", "beyond int64", "float"
    )(lambda: conv2d([[2**70, 1], [1, 1]], [[1]]))


def test_a_negative_integer_beyond_int64_in_a_weight_gives_its_index() -> None:
    _raises(ValueError, "weight holds", str(-(2**64)), "index (0, 0, 1, 0)", "row 1, column 0")(
        lambda: conv2d(np.ones((1, 1, 3, 3)), [[[[1], [-(2**64)]]]])
    )


def test_unsigned_values_beyond_int64_give_their_place() -> None:
    _raises(ValueError, str(2**64 - 1), "row 1, column 0")(
        lambda: conv2d(np.array([[1], [2**64 - 1]], dtype=np.uint64), [[1]])
    )


@pytest.mark.parametrize("weight_shape", [(3,), (3, 3), (1, 1, 3)])
def test_conv2d_of_a_one_dimensional_input_points_to_conv1d(weight_shape: tuple[int, ...]) -> None:
    _raises(ValueError, "input with 1 dimension and", "convscope.conv1d")(
        lambda: conv2d(np.ones(5), np.ones(weight_shape))
    )


# ---- numbers in sentences: "1 row", never "1 rows" -------------------------------------------


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (
            lambda: conv2d(np.ones((1, 4)), [[1]], padding=1, padding_mode="reflect"),
            ("meets an input of 1 row;",),
        ),
        (
            lambda: conv2d(np.ones((3, 1)), [[1]], padding=2, padding_mode="circular"),
            ("meets an input of 1 column;",),
        ),
        (lambda: conv2d(np.ones((3, 2)), np.ones((4, 3))), ("at least 1 row and 1 column",)),
        (
            lambda: conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 2, 3, 3))),
            ("has 1 channel but", "× 1 group = 2"),
        ),
        (lambda: conv2d(np.ones((1, 5, 5)), np.ones((2, 3, 3))), ("has 1 channel but",)),
        (lambda: max_pool2d([[1, 2]], 2), ("spans 2 rows", "input's 1 row +")),
        (lambda: avg_pool2d(np.ones((1, 1, 1, 1, 1)), 1), ("got 5 dimensions",)),
    ],
)
def test_counts_in_messages_agree_with_their_nouns(
    call: Callable[[], Any], words: tuple[str, ...]
) -> None:
    with pytest.raises(ValueError) as caught:
        call()
    message = str(caught.value)
    for word in words:
        assert word in message, f"{word!r} missing from: {message}"
    for wrong in ("1 rows", "1 columns", "1 channels", "1 dimensions", "(s)"):
        assert wrong not in message, f"{wrong!r} in: {message}"
