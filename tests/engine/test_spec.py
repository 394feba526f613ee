"""ConvSpec: normalising PyTorch-style arguments, resolving named padding, output sizes."""

from __future__ import annotations

import dataclasses
from types import ModuleType

import numpy as np
import pytest

from convscope import ConvSpec


def test_create_turns_ints_into_pairs_and_padding_into_sides() -> None:
    spec = ConvSpec.create(stride=2, padding=1, dilation=3)
    assert spec.stride == (2, 2)
    assert spec.padding == ((1, 1), (1, 1))
    assert spec.dilation == (3, 3)
    assert (spec.groups, spec.padding_mode, spec.flip) == (1, "zeros", False)


def test_create_accepts_pairs_lists_and_numpy_integers() -> None:
    spec = ConvSpec.create(stride=[1, 2], padding=(np.int64(2), 0), dilation=np.int32(2))
    assert spec.stride == (1, 2)
    assert spec.padding == ((2, 2), (0, 0))
    assert spec.dilation == (2, 2)
    assert all(type(value) is int for value in spec.stride + spec.dilation)


def test_create_keeps_per_side_padding_as_given() -> None:
    assert ConvSpec.create(padding=((0, 2), (1, 3))).padding == ((0, 2), (1, 3))


def test_spec_is_frozen() -> None:
    spec = ConvSpec.create()
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.stride = (2, 2)  # type: ignore[misc]


def test_default_spec_equals_created_default() -> None:
    assert ConvSpec() == ConvSpec.create()


@pytest.mark.parametrize(
    ("kernel", "dilation", "expected"),
    [
        ((3, 3), 1, ((1, 1), (1, 1))),
        ((2, 2), 1, ((0, 1), (0, 1))),  # the extra cell of an even kernel goes bottom/right
        ((4, 1), 1, ((1, 2), (0, 0))),
        ((3, 2), 2, ((2, 2), (1, 1))),
    ],
)
def test_same_padding_splits_like_pytorch(
    kernel: tuple[int, int], dilation: int, expected: tuple[tuple[int, int], tuple[int, int]]
) -> None:
    spec = ConvSpec.create(padding="same", dilation=dilation)
    assert spec.resolve_padding(kernel) == expected


def test_valid_padding_is_none_and_full_lets_every_tap_touch_every_cell() -> None:
    assert ConvSpec.create(padding="valid").resolve_padding((3, 5)) == ((0, 0), (0, 0))
    full = ConvSpec.create(padding="full", dilation=(1, 2))
    assert full.resolve_padding((3, 2)) == ((2, 2), (2, 2))


def test_same_padding_keeps_the_size_for_odd_and_even_kernels() -> None:
    spec = ConvSpec.create(padding="same")
    for kernel in [(1, 1), (2, 2), (3, 4), (5, 5)]:
        assert spec.output_size((7, 6), kernel) == (7, 6)


def test_full_padding_gives_input_plus_kernel_minus_one() -> None:
    assert ConvSpec.create(padding="full").output_size((5, 4), (3, 2)) == (7, 5)


def test_effective_kernel_size_counts_the_gaps_of_dilation() -> None:
    assert ConvSpec.create(dilation=(2, 3)).effective_kernel_size((3, 3)) == (5, 7)


def test_output_size_of_the_chapters_example_is_three_by_three() -> None:
    assert ConvSpec.create().output_size((5, 5), (3, 3)) == (3, 3)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation"),
    [
        ((224, 224), (7, 7), 2, 3, 1),
        ((32, 17), (3, 3), (2, 1), (1, 0), (1, 2)),
        ((10, 10), (4, 4), 3, 0, 1),
        ((9, 12), (2, 5), 1, "same", 2),
        ((8, 8), (3, 3), 1, "valid", 3),
    ],
)
def test_output_size_matches_torch(
    torch: ModuleType,
    size: tuple[int, int],
    kernel: tuple[int, int],
    stride: object,
    padding: object,
    dilation: object,
) -> None:
    spec = ConvSpec.create(stride=stride, padding=padding, dilation=dilation)
    result = torch.nn.functional.conv2d(
        torch.zeros(1, 1, *size),
        torch.zeros(1, 1, *kernel),
        stride=stride,
        padding=padding,
        dilation=dilation,
    )
    assert spec.output_size(size, kernel) == tuple(result.shape[-2:])


def test_output_size_refuses_a_kernel_that_does_not_fit() -> None:
    with pytest.raises(ValueError, match="does not fit the padded input"):
        ConvSpec.create(padding=1).output_size((2, 2), (5, 5))


def test_flip_and_padding_mode_are_kept() -> None:
    spec = ConvSpec.create(padding_mode="circular", flip=True, groups=4)
    assert (spec.padding_mode, spec.flip, spec.groups) == ("circular", True, 4)


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"stride": (0, 0)}, "stride must be >= 1"),
        ({"stride": (1, -2)}, "stride must be >= 1"),
        ({"dilation": (0, 1)}, "dilation must be >= 1"),
        ({"stride": 2}, "stride must be a (rows, cols) pair"),
        ({"padding": ((1, -1), (0, 0))}, "padding (top, bottom) must be >= 0"),
        ({"padding": (1, 1)}, "padding must be ((top, bottom), (left, right))"),
        ({"padding": "mirror"}, "padding must be an int, a pair"),
        ({"padding": "same", "stride": (2, 2)}, "padding='same' needs stride 1"),
        ({"groups": 0}, "groups must be a positive int"),
        ({"padding_mode": "edge"}, "NumPy's 'edge' is 'replicate' here"),
        ({"flip": 1}, "flip must be True or False"),
    ],
)
def test_a_spec_built_directly_is_checked_as_create_checks_it(
    fields: dict[str, object], words: str
) -> None:
    with pytest.raises((TypeError, ValueError)) as refused:
        ConvSpec(**fields)  # type: ignore[arg-type]
    assert words in str(refused.value)


def test_a_spec_built_directly_with_normal_fields_equals_create() -> None:
    direct = ConvSpec(stride=(2, 1), padding=((1, 0), (2, 2)), dilation=(1, 3), groups=2)
    assert direct == ConvSpec.create(
        stride=(2, 1), padding=((1, 0), (2, 2)), dilation=(1, 3), groups=2
    )
    assert direct.windows_over((9, 12), (3, 3)) == direct.output_size((8, 8), (3, 3)) == (4, 6)
