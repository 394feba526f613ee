"""receptive_field against the gradient pattern torch's autograd finds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope.engine.receptive import path_counts, receptive_field

torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is the reference")

SIZE = 96

layer_strategy = st.fixed_dictionaries(
    {
        "kernel_size": st.tuples(st.integers(1, 4), st.integers(1, 4)),
        "stride": st.tuples(st.integers(1, 2), st.integers(1, 2)),
        "padding": st.tuples(st.integers(0, 2), st.integers(0, 2)),
        "dilation": st.tuples(st.integers(1, 2), st.integers(1, 2)),
    }
)


def _gradient_box(layers: list[dict[str, tuple[int, int]]], size: int) -> tuple[int, ...] | None:
    x = torch.zeros((1, 1, size, size), dtype=torch.float64, requires_grad=True)
    y = x
    for layer in layers:
        weight = torch.ones((1, 1, *layer["kernel_size"]), dtype=torch.float64)
        y = torch.nn.functional.conv2d(
            y, weight, stride=layer["stride"], padding=layer["padding"], dilation=layer["dilation"]
        )
    if y.shape[-1] < 2 or y.shape[-2] < 2:
        return None
    i, j = y.shape[-2] // 2, y.shape[-1] // 2
    y[0, 0, i, j].backward()
    rows, cols = np.nonzero(x.grad[0, 0].numpy())
    box = (rows.min(), rows.max() + 1, cols.min(), cols.max() + 1) if rows.size else None
    return (i, j, *box) if box else None


@settings(max_examples=60, deadline=None)
@given(st.lists(layer_strategy, min_size=1, max_size=4))
def test_region_bounds_the_input_gradient_of_an_output_cell(layers: list[dict]) -> None:
    try:
        found = _gradient_box(layers, size=SIZE)
    except RuntimeError:
        return  # the stack shrinks the input away
    if found is None:
        return
    i, j, *box = found
    field = receptive_field(layers)
    row_start, row_stop, col_start, col_stop = field.region(i, j)
    clipped = (max(row_start, 0), min(row_stop, SIZE), max(col_start, 0), min(col_stop, SIZE))
    margin = max(field.size) + max(field.jump)
    if min(row_start, col_start) >= margin and max(row_stop, col_stop) <= SIZE - margin:
        # far from every border, the extreme paths (all first taps, all last taps) pass
        # through cells that exist in every intermediate layer
        assert tuple(box) == clipped
    else:
        # near a border a path may end in an intermediate layer's padding or in cells a
        # strided layer dropped: the gradient then stays inside the region
        assert clipped[0] <= box[0] and box[1] <= clipped[1]
        assert clipped[2] <= box[2] and box[3] <= clipped[3]


@settings(max_examples=40, deadline=None)
@given(st.lists(layer_strategy, min_size=1, max_size=3), st.integers(8, 20), st.data())
def test_path_counts_equal_the_gradient_through_all_ones_kernels(
    layers: list[dict], size: int, data: st.DataObject
) -> None:
    x = torch.zeros((1, 1, size, size + 1), dtype=torch.float64, requires_grad=True)
    y = x
    try:
        for layer in layers:
            weight = torch.ones((1, 1, *layer["kernel_size"]), dtype=torch.float64)
            y = torch.nn.functional.conv2d(
                y,
                weight,
                stride=layer["stride"],
                padding=layer["padding"],
                dilation=layer["dilation"],
            )
    except RuntimeError:
        return  # the stack shrinks this input away
    i = data.draw(st.integers(0, y.shape[-2] - 1))
    j = data.draw(st.integers(0, y.shape[-1] - 1))
    y[0, 0, i, j].backward()
    counts = path_counts(layers, (size, size + 1), i, j)
    np.testing.assert_array_equal(counts, x.grad[0, 0].numpy())


def test_path_counts_refuse_a_cell_outside_the_output() -> None:
    with pytest.raises(ValueError, match="outside the last layer's 3×3 output"):
        path_counts([{"kernel_size": 3}], 5, 3, 0)


def test_two_3x3_layers_see_5x5_and_a_pool_doubles_the_jump() -> None:
    field = receptive_field(
        [{"kernel_size": 3}, {"kernel_size": 3}, {"kernel_size": 2, "stride": 2}]
    )
    assert [layer.size for layer in field.layers] == [(3, 3), (5, 5), (6, 6)]
    assert field.jump == (2, 2)
    assert field.region(1, 0) == (2, 8, 0, 6)


def test_padding_makes_regions_start_outside_the_input() -> None:
    assert receptive_field([{"kernel_size": 3, "padding": 1}]).region(0, 0) == (-1, 2, -1, 2)


@pytest.mark.parametrize(
    ("layers", "words"),
    [
        ([], "non-empty"),
        ([{"stride": 2}], "kernel_size"),
        ([{"kernel_size": 3, "strides": 2}], "unknown keys"),
        ([{"kernel_size": 0}], "kernel_size"),
        ({"kernel_size": 3}, "sequence"),
    ],
)
def test_bad_layers_are_named(layers: object, words: str) -> None:
    with pytest.raises((ValueError, TypeError), match=words):
        receptive_field(layers)  # type: ignore[arg-type]
