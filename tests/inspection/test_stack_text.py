"""Reading stack descriptions, and the inspector's arithmetic on them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from convscope.inspection import (
    MAX_STACK_BYTES,
    ModelProblem,
    inspect_model,
    parse_input_size,
    parse_stack,
)


def test_options_set_stride_padding_dilation_groups_and_bias() -> None:
    (conv,) = parse_stack("conv 8 16 3x1 s2x1 p1x0 d2 g4 nobias")
    assert conv.kernel == (3, 1) and conv.bias is False  # type: ignore[union-attr]
    spec = conv.spec  # type: ignore[union-attr]
    assert (spec.stride, spec.padding, spec.dilation, spec.groups) == (
        (2, 1), ((1, 1), (0, 0)), (2, 2), 4,
    )  # fmt: skip


def test_lines_semicolons_and_comments_separate_layers() -> None:
    layers = parse_stack("conv 1 4 3  # first\nrelu; maxpool 2\n\n# done\n")
    assert [layer.name for layer in layers] == ["conv 1 4 3", "relu", "maxpool 2"]


def test_dwconv_is_a_convolution_with_one_group_per_channel() -> None:
    (conv,) = parse_stack("dwconv 32 3 s2 p1")
    assert (conv.in_channels, conv.out_channels, conv.spec.groups) == (32, 32, 32)  # type: ignore[union-attr]


def test_a_typo_names_the_layer_the_close_word_and_every_layer() -> None:
    with pytest.raises(ModelProblem) as error:
        parse_stack("conv 3 64 3; cnov 64 64 3")
    assert "layer 2 'cnov 64 64 3': unknown layer 'cnov'; did you mean 'conv'?" in str(error.value)
    assert "the layers are conv, dwconv, maxpool" in str(error.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("conv 3 64", "needs IN OUT K, got 2 numbers '3 64'"),
        ("conv 3 64 3 q2", "cannot read 'q2'"),
        ("maxpool 3 g2", "this layer takes no groups option"),
        ("conv 3 64 3 s0", "stride must be >= 1"),
        ("maxpool 2 p2", "must be at most half the pooling window"),
        ("bn 3 4", "needs at most C"),
        ("", "the stack description is empty"),
    ],
)
def test_a_bad_layer_is_refused_with_its_form(text: str, expected: str) -> None:
    with pytest.raises(ModelProblem, match=expected):
        parse_stack(text)


def test_a_kernel_larger_than_the_padded_input_names_the_layer() -> None:
    with pytest.raises(ModelProblem, match=r"layer 2 \(conv 8 8 5\): kernel 5×5 does not fit"):
        inspect_model("conv 1 8 3; conv 8 8 5", 6)


def test_channels_that_do_not_chain_are_refused() -> None:
    with pytest.raises(ModelProblem, match=r"layer 2 \(conv 16 8 3\): expects 16 input channels"):
        inspect_model("conv 1 8 3; conv 16 8 3", 32)
    with pytest.raises(ModelProblem, match="needs a flattened input"):
        inspect_model("conv 1 8 3; linear 8 2", 32)
    with pytest.raises(ModelProblem, match="expects 10 features, gets 8"):
        inspect_model("conv 1 8 3; gap; flatten; linear 10 2", 32)


def test_the_formula_shows_padding_dilation_and_ceil_mode() -> None:
    rows = inspect_model("conv 1 1 3 d2 p2; maxpool 2 ceil; conv 1 1 2 psame", 7).rows
    assert rows[0].formulas[0] == "⌊(7 + 2·2 − 2·(3 − 1) − 1)/1⌋ + 1 = 7"
    assert rows[1].formulas[0] == "⌈(7 − 2)/2⌉ + 1 = 4"
    assert rows[2].formulas[0] == "⌊(4 + 0 + 1 − 2)/1⌋ + 1 = 4"


def test_a_floor_division_that_drops_input_rows_warns() -> None:
    inspection = inspect_model("conv 1 1 3 s2", (8, 7))
    (row,) = inspection.rows
    assert (row.dropped, row.dropped_input) == ((1, 0), (1, 0))
    assert inspection.warnings == (
        "conv 1 1 3 s2: the floor division drops the last 1 row of its 8×7 input; "
        "no output sees them",
    )


def test_dropped_padding_alone_does_not_warn() -> None:
    (row,) = inspect_model("conv 3 64 7 s2 p3", 224).rows
    assert (row.dropped, row.dropped_input, row.warnings) == ((1, 1), (0, 0), ())


def test_totals_and_json_agree_with_the_rows() -> None:
    inspection = inspect_model("conv 3 8 3 p1; bn; relu; gap; flatten; linear 8 2", 16)
    data = json.loads(inspection.to_json())
    assert data["totals"] == {"params": 224 + 16 + 18, "macs": 16 * 16 * 8 * 27 + 16}
    assert data["layers"][0]["field_size"] == [3, 3]
    assert data["output_shape"] == [2]


def test_a_stack_file_is_read_and_a_huge_one_refused(tmp_path: Path) -> None:
    path = tmp_path / "net.txt"
    path.write_text("conv 1 4 3\nrelu\n", encoding="utf-8")
    assert inspect_model(str(path), 8).output_shape == (4, 6, 6)
    with path.open("r+b") as handle:
        handle.truncate(MAX_STACK_BYTES + 1)
    with pytest.raises(ModelProblem, match="over the 1 MB convscope inspect reads"):
        inspect_model(str(path), 8)


def test_the_input_size_is_n_or_h_w() -> None:
    assert parse_input_size("32, 48") == (32, 48)
    with pytest.raises(ModelProblem, match="--input-size must be N or H,W"):
        parse_input_size("big")


def test_a_model_that_does_not_start_with_a_convolution_needs_channels() -> None:
    with pytest.raises(ModelProblem, match="give --channels"):
        inspect_model("maxpool 2", 8)
    assert inspect_model("maxpool 2", 8, channels=3).output_shape == (3, 4, 4)
