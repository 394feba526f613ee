"""conv_transpose2d against torch, and the scatter ≡ gather identity the lesson shows."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from convscope import conv2d
from convscope.engine.transpose import TransposeSpec, conv_transpose2d

torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is the reference")
F = torch.nn.functional


@st.composite
def transpose_problems(draw: st.DrawFn) -> dict[str, object]:
    groups = draw(st.sampled_from([1, 2]))
    in_channels = groups * draw(st.integers(1, 2))
    out_per_group = draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    output_padding = tuple(draw(st.integers(0, max(stride[a], dilation[a]) - 1)) for a in (0, 1))
    padding = (draw(st.integers(0, 2)), draw(st.integers(0, 2)))
    size = (draw(st.integers(1, 5)), draw(st.integers(1, 5)))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    return {
        "input": rng.standard_normal((2, in_channels, *size)),
        "weight": rng.standard_normal((in_channels, out_per_group, *kernel)),
        "bias": rng.standard_normal(out_per_group * groups),
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "groups": groups,
        "dilation": dilation,
    }


def _fits(problem: dict[str, object]) -> bool:
    spec = TransposeSpec.create(
        problem["stride"], problem["padding"], problem["output_padding"], 1, problem["dilation"]
    )
    x, w = problem["input"], problem["weight"]
    assert isinstance(x, np.ndarray) and isinstance(w, np.ndarray)
    try:
        spec.output_size(x.shape[2:], w.shape[2:])
    except ValueError:
        return False
    return True


@settings(max_examples=80, deadline=None)
@given(transpose_problems())
def test_conv_transpose2d_equals_torch(problem: dict[str, object]) -> None:
    if not _fits(problem):
        return
    expected = F.conv_transpose2d(
        *(torch.from_numpy(problem[k]) for k in ("input", "weight", "bias")),  # type: ignore[arg-type]
        stride=problem["stride"],
        padding=problem["padding"],
        output_padding=problem["output_padding"],
        groups=problem["groups"],
        dilation=problem["dilation"],
    ).numpy()
    np.testing.assert_allclose(conv_transpose2d(**problem), expected, rtol=1e-10, atol=1e-10)


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 4),
    st.integers(1, 4),
    st.integers(1, 3),
    st.integers(1, 3),
    st.integers(0, 2**16),
)
def test_scatter_equals_gather_over_zero_inserted_input(
    rows: int, kernel: int, stride: int, padding: int, seed: int
) -> None:
    """Transposed conv = ordinary conv of the zero-inserted input with the rotated kernel."""
    if padding > kernel - 1 or (rows - 1) * stride + kernel - 2 * padding < 1:
        return
    rng = np.random.default_rng(seed)
    x = rng.integers(-5, 6, (rows, rows + 1))
    w = rng.integers(-3, 4, (kernel, kernel))
    inserted = np.zeros(((rows - 1) * stride + 1, rows * stride + 1), dtype=np.int64)
    inserted[::stride, ::stride] = x
    border = kernel - 1 - padding
    gathered = conv2d(inserted, w, padding=border, flip=True)
    np.testing.assert_array_equal(conv_transpose2d(x, w, stride=stride, padding=padding), gathered)


def test_integer_input_stays_exact_int64() -> None:
    out = conv_transpose2d([[1, 2], [3, 4]], [[1, 10], [100, 1000]], stride=2)
    assert out.dtype == np.int64
    np.testing.assert_array_equal(
        out, [[1, 10, 2, 20], [100, 1000, 200, 2000], [3, 30, 4, 40], [300, 3000, 400, 4000]]
    )


def test_overlapping_stamps_add_up() -> None:
    # stride 1 with a 2×2 kernel of ones: each output cell sums the input cells stamping it
    out = conv_transpose2d([[1, 2], [3, 4]], np.ones((2, 2), dtype=int))
    np.testing.assert_array_equal(out, [[1, 3, 2], [4, 10, 6], [3, 7, 4]])


@pytest.mark.parametrize(
    ("kwargs", "error", "words"),
    [
        ({"stride": 2, "output_padding": 2}, ValueError, "output_padding"),
        ({"stride": 0}, ValueError, "stride"),
        ({"padding": "same"}, TypeError, "padding"),
        ({"padding": 5}, ValueError, "smaller padding"),
        ({"groups": 0}, ValueError, "groups"),
    ],
)
def test_bad_arguments_are_named(kwargs: dict[str, object], error: type, words: str) -> None:
    with pytest.raises(error, match=words):
        conv_transpose2d(np.ones((3, 3)), np.ones((2, 2)), **kwargs)  # type: ignore[arg-type]


def test_channel_mismatch_quotes_the_weight_layout() -> None:
    with pytest.raises(ValueError, match=r"\(C_in, C_out/groups, kH, kW\)"):
        conv_transpose2d(np.ones((1, 3, 4, 4)), np.ones((2, 1, 3, 3)))


@pytest.mark.parametrize("name", ["stride", "padding", "dilation"])
def test_one_element_tuples_mean_both_directions_as_in_torch(name: str) -> None:
    x = np.random.default_rng(5).standard_normal((1, 2, 5, 6))
    w = np.random.default_rng(6).standard_normal((3, 2, 3, 2))
    options = {name: (2,) if name != "padding" else (1,)}
    tx, tw = torch.tensor(x), torch.tensor(w)
    np.testing.assert_allclose(conv2d(x, w, **options), F.conv2d(tx, tw, **options).numpy())  # type: ignore[arg-type]
    w_t = np.swapaxes(w, 0, 1)
    expected = F.conv_transpose2d(tx, torch.tensor(w_t), **options).numpy()
    np.testing.assert_allclose(conv_transpose2d(x, w_t, **options), expected)  # type: ignore[arg-type]
