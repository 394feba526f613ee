"""The second lesson parses cleanly; its widgets' numbers agree with PyTorch or by hand."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from convscope.engine import receptive_field
from convscope.lessons import render_lesson
from convscope.widgets.checkerboard import CheckerboardInputs
from convscope.widgets.checkerboard import build_state as checkerboard_state
from convscope.widgets.padding_modes import PaddingModesInputs
from convscope.widgets.padding_modes import build_state as padding_state
from convscope.widgets.pooling import PoolingInputs
from convscope.widgets.pooling import build_state as pooling_state
from convscope.widgets.quick_check import QuickCheckInputs
from convscope.widgets.quick_check import build_state as quick_state
from convscope.widgets.quick_check.variants import GENERATORS
from convscope.widgets.receptive import Layer, ReceptiveInputs, measured_field
from convscope.widgets.receptive import build_state as receptive_state
from convscope.widgets.registry import WIDGETS
from convscope.widgets.transposed import TransposedInputs
from convscope.widgets.transposed import build_state as transposed_state

LESSON = "stride-padding-pooling"
GRID = [[1, 3, 2, 9], [5, 6, 1, 2], [8, 0, 4, 4], [2, 7, 3, 5]]


def numbers(texts: list[list[str]]) -> np.ndarray:
    return np.array([[float(t.replace("−", "-").replace(",", "")) for t in row] for row in texts])


# ---- the lesson file ----


def test_lesson_renders_every_section_without_directive_errors() -> None:
    lesson = render_lesson(LESSON)
    assert lesson.title == "Stride, padding, pooling and the receptive field"
    assert "cs-directive-error" not in lesson.html
    for widget in ("calculator", "padding_modes", "pooling", "transposed", "checkerboard"):
        assert widget in lesson.widgets
    assert lesson.widgets.count("quick_check") == 3
    assert lesson.html.count("<math") >= 8
    for heading in ("Pooling", "Transposed convolution", "The receptive field", "Quick checks"):
        assert f">{heading}</h2>" in lesson.html


def test_lesson_same_padding_example_shows_the_uneven_split() -> None:
    # the lesson's 4×4 kernel with 'same' on a 5×5 input: one row above, two below
    state = WIDGETS["calculator"].state(
        {"input": [[0] * 5] * 5, "kernel": [[1] * 4] * 4, "padding": "same"}
    )
    assert state["size"]["rows"] == "⌊(5 + 1 + 2 − 4) ÷ 1⌋ + 1 = 5"


# ---- padding modes ----


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular"])
def test_padding_modes_match_torch_pad(mode: str) -> None:
    torch = pytest.importorskip("torch")
    state = padding_state(PaddingModesInputs(input=GRID, padding=2))
    shown = next(m for m in state["modes"] if m["mode"] == mode)
    expected = torch.nn.functional.pad(
        torch.tensor(GRID, dtype=torch.float64)[None], (2,) * 4, mode
    )
    np.testing.assert_array_equal(numbers(shown["padded"]), expected[0].numpy())
    assert sum(map(sum, shown["mask"])) == 8 * 8 - 4 * 4


def test_same_padding_for_an_even_kernel_puts_the_extra_cell_bottom_right() -> None:
    state = padding_state(PaddingModesInputs(input=GRID, padding="same", kernel_size=4))
    resolved = state["resolved"]
    assert (resolved["top"], resolved["bottom"], resolved["left"], resolved["right"]) == (
        1,
        2,
        1,
        2,
    )
    assert len(state["modes"][0]["padded"]) == 4 + 3


def test_reflect_too_wide_is_reported_in_its_panel_only() -> None:
    state = padding_state(PaddingModesInputs(input=[[1, 2]], padding=1))
    reflect = next(m for m in state["modes"] if m["mode"] == "reflect")
    assert "reflect" in reflect["error"]
    assert next(m for m in state["modes"] if m["mode"] == "zeros")["error"] is None


# ---- pooling ----


@pytest.mark.parametrize(
    ("kind", "kernel", "stride", "padding"), [("max", 2, 2, 0), ("max", 3, 1, 1), ("avg", 3, 2, 1)]
)
def test_pooling_output_and_winners_match_torch(
    kind: str, kernel: int, stride: int, padding: int
) -> None:
    torch = pytest.importorskip("torch")
    state = pooling_state(
        PoolingInputs(input=GRID, kind=kind, kernel_size=kernel, stride=stride, padding=padding)
    )
    x = torch.tensor(GRID, dtype=torch.float64)[None, None]
    if kind == "max":
        expected, indices = torch.nn.functional.max_pool2d(
            x, kernel, stride, padding, return_indices=True
        )
        for step, flat in zip(state["steps"], indices.flatten().tolist(), strict=True):
            a, b = step["winner"]
            assert step["rows"][a] * 4 + step["cols"][b] == flat
    else:
        expected = torch.nn.functional.avg_pool2d(x, kernel, stride, padding)
    np.testing.assert_allclose(numbers(state["output"]), expected[0, 0].numpy(), rtol=1e-5)


def test_pooling_in_ceil_mode_adds_a_window_hanging_over_the_edge() -> None:
    torch = pytest.importorskip("torch")
    grid = [row[:3] for row in GRID[:3]] + [[4, 1, 9]]  # 4×3: a 2×2 window fits 1× across
    state = pooling_state(PoolingInputs(input=grid, kernel_size=2, ceil_mode=True))
    x = torch.tensor(grid, dtype=torch.float64)[None, None]
    expected = torch.nn.functional.max_pool2d(x, 2, ceil_mode=True)[0, 0].numpy()
    np.testing.assert_array_equal(numbers(state["output"]), expected)
    last = state["steps"][1]  # row 1, column 2: the window reads columns 2 and 3
    assert last["cols"] == [2, 3]
    assert last["taps"] == [["real", "beyond"], ["real", "beyond"]]
    assert last["window"] == [["2", ""], ["1", ""]]
    assert state["frame"]["kinds"][0] == ["real", "real", "real", "beyond"]
    assert state["size"]["cols"] == "⌈(3 + 2×0 − 2) ÷ 2⌉ + 1 = 2 (rounding down gives only 1)"


def test_pooling_ceil_mode_drops_a_window_that_would_start_in_the_padding() -> None:
    torch = pytest.importorskip("torch")
    grid = [[*row, 0] for row in GRID] + [[1, 2, 3, 4, 5]]
    state = pooling_state(PoolingInputs(input=grid, kind="avg", padding=1, ceil_mode=True))
    x = torch.tensor(grid, dtype=torch.float64)[None, None]
    expected = torch.nn.functional.avg_pool2d(x, 2, 2, 1, ceil_mode=True)[0, 0].numpy()
    assert state["output_shape"] == list(expected.shape) == [3, 3]
    np.testing.assert_allclose(numbers(state["output"]), expected)
    assert "drops a last window that would start in the padding" in state["size"]["rows"]


@pytest.mark.parametrize(("include", "divisor"), [(True, 4), (False, 2)])
def test_pooling_edge_window_divisor_follows_count_include_pad(include: bool, divisor: int) -> None:
    torch = pytest.importorskip("torch")
    inputs = PoolingInputs(input=GRID, kind="avg", padding=1, count_include_pad=include)
    state = pooling_state(inputs)
    x = torch.tensor(GRID, dtype=torch.float64)[None, None]
    expected = torch.nn.functional.avg_pool2d(x, 2, 2, 1, count_include_pad=include)[0, 0]
    np.testing.assert_allclose(numbers(state["output"]), expected.numpy())
    edge = state["steps"][1]  # top edge: padding row -1 over input row 0, columns 1 and 2
    assert edge["taps"] == [["pad", "pad"], ["real", "real"]]
    assert edge["divisor"] == divisor
    assert edge["text"] == f"(3 + 2) / {divisor} = {float(expected[0, 1]):g}"
    assert edge["notes"][0].startswith(f"divided by {divisor}: ")


def test_pooling_with_dilation_two_matches_torch_winners() -> None:
    torch = pytest.importorskip("torch")
    state = pooling_state(PoolingInputs(input=GRID, kernel_size=2, stride=1, dilation=2))
    x = torch.tensor(GRID, dtype=torch.float64)[None, None]
    expected, indices = torch.nn.functional.max_pool2d(x, 2, 1, dilation=2, return_indices=True)
    np.testing.assert_array_equal(numbers(state["output"]), expected[0, 0].numpy())
    for step, flat in zip(state["steps"], indices.flatten().tolist(), strict=True):
        a, b = step["winner"]
        assert step["rows"][a] * 4 + step["cols"][b] == flat
    assert state["steps"][0]["rows"] == [0, 2]
    assert state["size"]["rows"] == "⌊(4 + 2×0 − (2×(2 − 1) + 1)) ÷ 1⌋ + 1 = 2"


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"kind": "avg", "dilation": 2}, "dilation", "average pooling has no dilation"),
        ({"kernel_size": 2, "padding": 2}, "padding", "at most half the pooling window"),
        ({"kernel_size": 3, "dilation": 2}, "dilation", "does not fit the padded input"),
    ],
)
def test_pooling_refuses_bad_combinations_naming_the_control(
    changes: dict[str, object], field: str, words: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        pooling_state(PoolingInputs(input=GRID, **changes))
    (error,) = caught.value.errors()
    assert error["loc"] == (field,)
    assert words in error["msg"]


def test_pooling_explains_the_chapter_style_window() -> None:
    state = pooling_state(PoolingInputs(input=GRID))
    assert state["steps"][1]["text"] == "max(2, 9, 1, 2) = 9"
    assert state["coverage_text"].startswith("the windows tile the input")


def test_overlapping_windows_read_the_centre_nine_times() -> None:
    state = pooling_state(PoolingInputs(input=[[0] * 5] * 5, kernel_size=3, stride=1, padding=1))
    assert state["coverage"][2][2] == "9"
    assert state["coverage"][0][0] == "4"


def test_stride_larger_than_the_window_leaves_cells_unread() -> None:
    state = pooling_state(PoolingInputs(input=[[0] * 5] * 5, kernel_size=1, stride=2))
    assert "read by no window" in state["coverage_text"]


# ---- transposed convolution ----


def test_transposed_output_frames_and_gather_agree_with_torch() -> None:
    torch = pytest.importorskip("torch")
    inputs = TransposedInputs(input=[[1, 2], [3, 4]], kernel=[[1, 0, -1], [2, 1, 0], [0, 1, 1]])
    state = transposed_state(inputs)
    x = torch.tensor(inputs.input, dtype=torch.float64)[None, None]
    w = torch.tensor(inputs.kernel, dtype=torch.float64)[None, None]
    expected = torch.nn.functional.conv_transpose2d(x, w, stride=2)[0, 0].numpy()
    np.testing.assert_array_equal(numbers(state["output"]), expected)
    np.testing.assert_array_equal(numbers(state["frames"][-1]["running"]), expected)
    np.testing.assert_array_equal(numbers(state["gather"]["trace"]["output"]), expected)
    assert state["gather"]["equal"] is True
    assert state["size"]["rows"] == "(2 − 1)×2 − 2×0 + (3 − 1) + 0 + 1 = 5"


def test_transposed_stamp_counts_show_the_uneven_overlap() -> None:
    state = transposed_state(TransposedInputs(input=[[1, 1], [1, 1]], kernel=[[1] * 3] * 3))
    assert state["stamp_counts"][2] == ["2", "2", "4", "2", "2"]
    assert state["steps"][12]["sum_text"] == "1×1 + 1×1 + 1×1 + 1×1 = 4"


# ---- checkerboard ----


def test_checkerboard_counts_are_uneven_only_when_k_is_not_a_multiple_of_s() -> None:
    state = checkerboard_state(CheckerboardInputs(stride=2, kernel_a=3, kernel_b=4))
    uneven, even = state["sides"]
    assert (uneven["even"], even["even"]) == (False, True)
    assert uneven["counts"][0][:5] == ["1", "1", "2", "1", "2"]
    assert "between 1 and 4" in uneven["verdict"]
    assert even["photo_src"].startswith("data:image/png;base64,")


# ---- receptive field ----

layer_strategy = st.builds(
    Layer,
    kind=st.sampled_from(["conv", "max"]),
    kernel_size=st.integers(1, 4),
    stride=st.integers(1, 3),
    padding=st.just(0),
    dilation=st.integers(1, 2),
)


@settings(max_examples=40, deadline=None)
@given(st.lists(layer_strategy, min_size=1, max_size=4))
def test_engine_measures_the_formulas_size_and_jump(layers: list[Layer]) -> None:
    stack = [layer.model_dump(exclude={"kind"}) for layer in layers]
    field = receptive_field(stack)
    assert measured_field(stack) == (field.size[0], field.jump[0])


def test_receptive_widget_region_and_centre_weight() -> None:
    layers = [
        Layer(kernel_size=3),
        Layer(kind="max", kernel_size=2, stride=2),
        Layer(kernel_size=3),
    ]
    state = receptive_state(ReceptiveInputs(input_size=12, layers=layers))
    assert [row["formula"] for row in state["layers"]] == [
        {"size": 3, "jump": 1},
        {"size": 4, "jump": 2},
        {"size": 8, "jump": 2},
    ]
    assert all(row["equal"] for row in state["layers"])
    assert state["region"] == {"rows": [2, 9], "cols": [2, 9]}
    counts = numbers(state["maps"][0]["counts"])
    assert counts.max() == counts[5, 5] == 9 and counts[2, 2] == 1
    assert numbers(state["maps"][0]["counts"])[np.ix_(range(2, 10), range(2, 10))].min() >= 1


# ---- quick checks ----


@pytest.mark.parametrize("variant", range(25))
def test_generated_shapes_match_torch(variant: int) -> None:
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    asked = GENERATORS["output_size"](variant).parameters
    out = functional.conv2d(
        torch.zeros(1, 1, asked["size"], asked["size"]),
        torch.zeros(1, 1, asked["kernel_size"], asked["kernel_size"]),
        stride=asked["stride"],
        padding=asked["padding"],
        dilation=asked["dilation"],
    )
    assert GENERATORS["output_size"](variant).answer == out.shape[-1]
    asked = GENERATORS["transposed_shape"](variant).parameters
    out = functional.conv_transpose2d(
        torch.zeros(1, 1, asked["size"], asked["size"]),
        torch.zeros(1, 1, asked["kernel_size"], asked["kernel_size"]),
        stride=asked["stride"],
        padding=asked["padding"],
        output_padding=asked["output_padding"],
    )
    assert GENERATORS["transposed_shape"](variant).answer == out.shape[-1]


@pytest.mark.parametrize("variant", range(10))
def test_generated_receptive_field_matches_the_engines_measurement(variant: int) -> None:
    question = GENERATORS["receptive_field"](variant)
    size, _ = measured_field(question.parameters["layers"])
    assert question.answer == size
    assert question.working.endswith(f"= {size}")


def test_quick_check_marks_right_and_wrong_answers() -> None:
    variant = GENERATORS["receptive_field"](4)
    right = quick_state(QuickCheckInputs(kind="receptive_field", variant=4, answer=variant.answer))
    wrong = quick_state(
        QuickCheckInputs(kind="receptive_field", variant=4, answer=variant.answer + 1)
    )
    assert right["result"]["correct"] is True and wrong["result"]["correct"] is False
    assert right["answer_kind"] == "number"
