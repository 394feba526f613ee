"""param_count, mac_count and flop_count: the chapter's numbers and torch's layers."""

from __future__ import annotations

from types import ModuleType

import pytest

from convscope import ConvSpec, flop_count, mac_count, param_count


def test_chapter_rgb_layer_has_1792_parameters() -> None:
    assert param_count(3, 64, 3) == 1792


def test_chapter_second_layer_has_73856_parameters() -> None:
    assert param_count(64, 128, 3) == 73856


@pytest.mark.parametrize(
    ("in_channels", "out_channels", "kernel_size", "bias", "groups"),
    [
        (3, 64, 3, True, 1),
        (64, 128, 3, True, 1),
        (64, 128, 3, False, 1),
        (3, 8, (5, 3), True, 1),
        (32, 32, 3, True, 32),  # depthwise
        (16, 24, 1, False, 4),
    ],
)
def test_param_count_matches_nn_conv2d(
    torch: ModuleType,
    in_channels: int,
    out_channels: int,
    kernel_size: int | tuple[int, int],
    bias: bool,
    groups: int,
) -> None:
    layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, bias=bias, groups=groups)
    expected = sum(parameter.numel() for parameter in layer.parameters())
    assert param_count(in_channels, out_channels, kernel_size, bias=bias, groups=groups) == expected


def test_mac_count_is_output_cells_times_work_per_cell() -> None:
    # 224×224 stays 224×224 with padding 1; each cell of each of 64 maps costs 3·3·3 MACs.
    assert mac_count(3, 64, 3, 224, ConvSpec.create(padding=1)) == 224 * 224 * 64 * 27


def test_mac_count_follows_stride_and_groups() -> None:
    spec = ConvSpec.create(stride=2, groups=4)
    # 8×8 input, 3×3 kernel, stride 2 → 3×3 output; 4 groups of 2 input channels each.
    assert mac_count(8, 12, 3, 8, spec) == 3 * 3 * 12 * (3 * 3 * 2)


def test_mac_count_agrees_with_torch_output_shape(torch: ModuleType) -> None:
    spec = ConvSpec.create(stride=(2, 1), padding=(1, 2), dilation=2)
    image, weight = torch.zeros(1, 6, 20, 15), torch.zeros(4, 6, 3, 3)
    out = torch.nn.functional.conv2d(image, weight, stride=(2, 1), padding=(1, 2), dilation=2)
    assert mac_count(6, 4, 3, (20, 15), spec) == out.numel() * 3 * 3 * 6


def test_flop_count_is_two_per_mac() -> None:
    spec = ConvSpec.create(padding="same")
    assert flop_count(3, 16, 5, 32, spec) == 2 * mac_count(3, 16, 5, 32, spec)


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ((0, 64, 3), "in_channels"),
        ((3, -1, 3), "out_channels"),
        ((3, 64, 0), "kernel_size"),
        ((3, 64, 3, True, 2), "groups=2 must divide"),
    ],
)
def test_param_count_refuses_bad_layers(arguments: tuple, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        param_count(*arguments)
