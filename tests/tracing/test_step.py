"""The step trace on the chapter's worked examples and on the edges a learner meets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import convscope
from convscope import ConvTrace, trace
from convscope.tracing import Step

GRADIENT = [
    [10, 20, 30, 40, 50],
    [20, 40, 60, 80, 100],
    [30, 60, 90, 120, 150],
    [40, 80, 120, 160, 200],
    [50, 100, 150, 200, 250],
]
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]

TINY_RGB = [[[1, 2], [3, 4]], [[5, 6], [7, 8]], [[9, 10], [11, 12]]]
TINY_KERNEL = [[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]]]

RGB_4X4 = [
    [[255, 200, 150, 100], [220, 180, 140, 80], [180, 140, 100, 60], [140, 100, 60, 40]],
    [[100, 120, 140, 160], [80, 100, 120, 140], [60, 80, 100, 120], [40, 60, 80, 100]],
    [[50, 80, 110, 140], [70, 100, 130, 160], [90, 120, 150, 180], [110, 140, 170, 200]],
]
RGB_KERNEL = [
    [[1, 0, -1], [2, 0, -2], [1, 0, -1]],
    [[0, 1, 0], [1, -4, 1], [0, 1, 0]],
    [[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]],
]


def test_trace_is_public_at_the_package_root() -> None:
    assert convscope.trace is trace
    assert isinstance(trace(GRADIENT, SOBEL_X), ConvTrace)


def test_chapter_gradient_gives_rows_of_160_240_320() -> None:
    traced = trace(GRADIENT, SOBEL_X)
    results = [[traced.at(i, j).result for j in range(3)] for i in range(3)]
    assert results == [[160, 160, 160], [240, 240, 240], [320, 320, 320]]
    assert traced.output.tolist() == results


def test_chapter_position_0_0_holds_the_hand_calculation() -> None:
    step = trace(GRADIENT, SOBEL_X).at(0, 0)
    assert (step.rows, step.cols) == ([0, 1, 2], [0, 1, 2])
    assert step.window.tolist() == [[[10, 20, 30], [20, 40, 60], [30, 60, 90]]]
    assert step.kernel.tolist() == [SOBEL_X]
    assert step.products.tolist() == [[[-10, 0, 30], [-40, 0, 120], [-30, 0, 90]]]
    assert step.channel_sums.tolist() == [160]
    assert step.bias is None
    assert step.result == 160 and isinstance(step.result, int)
    assert not step.is_padding.any()


def test_tiny_rgb_gives_channel_sums_5_13_42_and_60() -> None:
    step = trace(TINY_RGB, TINY_KERNEL).at(0, 0)
    assert step.channel_sums.tolist() == [5, 13, 42]
    assert step.result == 60
    assert step.channels == (0, 1, 2)


def test_rgb_4x4_gives_345_380_320_320() -> None:
    traced = trace(RGB_4X4, RGB_KERNEL)
    assert [traced.at(i, j).result for i in range(2) for j in range(2)] == [345, 380, 320, 320]
    assert traced.at(0, 0).channel_sums.tolist() == [345, 0, 0]


def test_bias_is_added_after_the_channel_sums() -> None:
    step = trace(TINY_RGB, TINY_KERNEL, bias=1).at(0, 0)
    assert (step.bias, step.result) == (1, 61)
    assert step.bias_text() == "60 + 1 = 61"


def test_zero_padding_marks_cells_outside_the_input() -> None:
    step = trace(GRADIENT, SOBEL_X, padding=1).at(0, 0)
    assert (step.rows, step.cols) == ([-1, 0, 1], [-1, 0, 1])
    assert step.is_padding.tolist() == [
        [True, True, True],
        [True, False, False],
        [True, False, False],
    ]
    assert step.window.tolist() == [[[0, 0, 0], [0, 10, 20], [0, 20, 40]]]
    assert step.result == 80


def test_reflect_padding_window_holds_the_mirrored_values() -> None:
    step = trace(GRADIENT, SOBEL_X, padding=1, padding_mode="reflect").at(0, 0)
    # Row −1 mirrors row 1 and column −1 mirrors column 1 (the edge is not repeated).
    assert step.window.tolist() == [[[40, 20, 40], [20, 10, 20], [40, 20, 40]]]
    assert step.is_padding[0].all() and not step.is_padding[1, 1]


def test_stride_and_dilation_pick_spread_out_rows_and_columns() -> None:
    step = trace(GRADIENT, [[1, 1], [1, 1]], stride=2, dilation=(2, 3)).at(1, 0)
    assert (step.rows, step.cols) == ([2, 4], [0, 3])
    assert step.window.tolist() == [[[30, 120], [50, 200]]]
    assert step.result == 400


def test_flip_uses_the_rotated_kernel() -> None:
    step = trace(GRADIENT, SOBEL_X, flip=True).at(0, 0)
    assert step.kernel.tolist() == [[[1, 0, -1], [2, 0, -2], [1, 0, -1]]]
    assert step.result == -160


def test_groups_take_each_output_channel_from_its_own_input_channels() -> None:
    image = np.arange(2 * 4 * 3 * 3).reshape(2, 4, 3, 3)
    weight = np.ones((6, 2, 2, 2), dtype=np.int64)
    traced = trace(image, weight, groups=2)
    assert traced.at(0, 0, n=1, c_out=4).channels == (2, 3)
    assert traced.at(0, 0, n=1, c_out=2).channels == (0, 1)
    assert traced.at(1, 1, n=1, c_out=5).index == (1, 5, 1, 1)
    assert traced.at(1, 1, n=1, c_out=5).result == traced.output[1, 5, 1, 1]


def test_output_shape_and_length_count_every_output_number() -> None:
    traced = trace(np.zeros((2, 3, 6, 5)), np.zeros((4, 3, 3, 3)))
    assert traced.output_shape == (2, 4, 4, 3)
    assert len(traced) == 2 * 4 * 4 * 3 == len(list(traced.steps()))


def test_steps_run_in_n_c_out_i_j_order() -> None:
    traced = trace(np.zeros((2, 1, 3, 3)), np.zeros((2, 1, 2, 2)))
    order = [(s.n, s.c_out, s.i, s.j) for s in traced.steps()]
    assert order == sorted(order) and len(order) == 16


def test_padding_mask_and_offset_describe_the_padded_grid() -> None:
    traced = trace(GRADIENT, SOBEL_X, padding=((1, 0), (2, 1)))
    assert traced.padding_mask.shape == (6, 8) == traced.padded_input.shape[2:]
    assert traced.pad_offset == (1, 2)
    assert traced.padding_mask[1:, 2:7].sum() == 0 and traced.padding_mask.sum() == 48 - 25


def test_constructing_a_trace_builds_no_step_and_pads_nothing() -> None:
    traced = trace(np.ones((512, 512)), SOBEL_X, padding="same")
    assert traced._step_cache == {}
    assert "padded_input" not in vars(traced)
    traced.at(511, 511)
    assert list(traced._step_cache) == [(0, 0, 511, 511)]


def test_at_returns_the_same_step_object_when_asked_twice() -> None:
    traced = trace(GRADIENT, SOBEL_X)
    assert traced.at(1, 2) is traced.at(1, 2)


@pytest.mark.parametrize(
    ("position", "words"),
    [
        ({"i": 3, "j": 0}, "i=3 is outside the output: i runs from 0 to 2"),
        ({"i": 0, "j": -1}, "j=-1 is outside"),
        ({"i": 0, "j": 0, "c_out": 1}, "c_out=1 is outside"),
    ],
)
def test_at_outside_the_output_names_the_valid_range(position: dict[str, int], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        trace(GRADIENT, SOBEL_X).at(**position)


def test_bad_arguments_raise_the_engines_own_errors() -> None:
    with pytest.raises(ValueError, match="does not fit the padded input"):
        trace([[1, 2], [3, 4]], SOBEL_X)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        trace(GRADIENT, SOBEL_X, stride=0)
    with pytest.raises(TypeError, match="bool"):
        trace(np.ones((3, 3), dtype=bool), SOBEL_X)


def test_float_trace_keeps_the_dtype_and_matches_the_output() -> None:
    traced = trace(np.asarray(GRADIENT, dtype=np.float32) / 10, SOBEL_X)
    assert traced.output.dtype == np.float32
    assert traced.at(2, 2).result == pytest.approx(32.0, rel=1e-6)


def test_step_json_is_plain_data_with_the_sum_text() -> None:
    data = trace(GRADIENT, SOBEL_X).at(0, 0).to_json()
    assert json.loads(json.dumps(data)) == data
    assert data["sum_text"] == "−10 + 0 + 30 − 40 + 0 + 120 − 30 + 0 + 90 = 160"
    assert data["products"] == [[[-10, 0, 30], [-40, 0, 120], [-30, 0, 90]]]
    assert (data["result"], data["bias"], data["bias_text"]) == (160, None, None)


def test_trace_json_follows_the_documented_layout() -> None:
    data = trace(GRADIENT, SOBEL_X, padding=1, stride=2).to_json()
    assert data["version"] == 1 and data["dtype"] == "int64"
    assert data["spec"] == {
        "stride": [2, 2],
        "padding": [[1, 1], [1, 1]],
        "dilation": [1, 1],
        "groups": 1,
        "padding_mode": "zeros",
        "flip": False,
    }
    assert data["input"] == GRADIENT and data["weight"] == SOBEL_X
    assert data["output_shape"] == [1, 1, 3, 3] and np.shape(data["output"]) == (3, 3)
    assert np.shape(data["padded_input"]) == (1, 1, 7, 7) and data["pad_offset"] == [1, 1]
    assert np.shape(data["padding_mask"]) == (7, 7) and data["bias"] is None
    assert [(s["i"], s["j"]) for s in data["steps"]] == [(i, j) for i in range(3) for j in range(3)]
    json.dumps(data)


def test_trace_json_writes_nan_as_null() -> None:
    image = np.ones((3, 3))
    image[0, 0] = np.nan
    data = trace(image, np.ones((2, 2))).to_json()
    assert data["input"][0][0] is None and data["output"][0][0] is None
    json.dumps(data, allow_nan=False)


def test_trace_json_refuses_past_max_cells_naming_the_limit() -> None:
    traced = trace(np.zeros((70, 70)), SOBEL_X)
    with pytest.raises(ValueError, match=r"4,624 output cells .* max_cells=4,096"):
        traced.to_json()
    assert len(traced.to_json(max_cells=5000)["steps"]) == 4624


def test_step_repr_is_short() -> None:
    step = trace(GRADIENT, SOBEL_X).at(2, 1)
    assert repr(step) == "<Step output[2, 1] = 320>"
    assert isinstance(step, Step)


def test_the_documented_json_example_is_what_the_trace_gives() -> None:
    document = (Path(__file__).parents[2] / "docs" / "trace-json.md").read_text()
    example = json.loads(document.split("```json\n")[1].split("```")[0])
    corner = [row[:3] for row in GRADIENT[:3]]
    assert trace(corner, SOBEL_X, padding=((0, 0), (1, 0))).at(0, 0).to_json() == example
