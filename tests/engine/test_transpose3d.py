"""conv_transpose1d and conv_transpose3d against torch, exact integers, and their refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convscope import conv1d, conv3d, conv_transpose1d, conv_transpose3d
from convscope.engine.transpose import transposed_length

torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is the reference")
F = torch.nn.functional


@st.composite
def transpose_problems(draw: st.DrawFn, dims: int) -> dict[str, Any]:
    groups = draw(st.sampled_from([1, 2]))
    in_channels = groups * draw(st.integers(1, 2))
    out_per_group = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(dims))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(dims))
    output_padding = tuple(
        draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    size = tuple(draw(st.integers(1, 4)) for _ in range(dims))
    integers = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    sample = (lambda shape: rng.integers(-9, 10, shape)) if integers else rng.standard_normal
    return {
        "input": sample((draw(st.integers(1, 2)), in_channels, *size)),
        "weight": sample((in_channels, out_per_group, *kernel)),
        "bias": sample((out_per_group * groups,)) if draw(st.booleans()) else None,
        "stride": stride,
        "padding": tuple(draw(st.integers(0, 2)) for _ in range(dims)),
        "output_padding": output_padding,
        "groups": groups,
        "dilation": dilation,
    }


def _as_torch(value: Any) -> Any:
    return None if value is None else torch.from_numpy(np.asarray(value, dtype=np.float64))


def _compare(ours: Callable[..., np.ndarray], theirs: Any, problem: dict[str, Any]) -> None:
    got = ours(**problem)
    expected = theirs(
        **{k: _as_torch(v) if k in {"input", "weight", "bias"} else v for k, v in problem.items()}
    ).numpy()
    if problem["input"].dtype.kind == "i":
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, np.rint(expected).astype(np.int64))
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def _fits(problem: dict[str, Any]) -> bool:
    lengths = zip(
        problem["input"].shape[2:],
        problem["weight"].shape[2:],
        problem["stride"],
        problem["padding"],
        problem["dilation"],
        problem["output_padding"],
        strict=True,
    )
    return all(transposed_length(*axis) >= 1 for axis in lengths)


@settings(max_examples=40, deadline=None)
@given(transpose_problems(3))
def test_conv_transpose3d_equals_torch(problem: dict[str, Any]) -> None:
    assume(_fits(problem))
    _compare(conv_transpose3d, F.conv_transpose3d, problem)


@settings(max_examples=40, deadline=None)
@given(transpose_problems(1))
def test_conv_transpose1d_equals_torch(problem: dict[str, Any]) -> None:
    assume(_fits(problem))
    _compare(conv_transpose1d, F.conv_transpose1d, problem)


def test_the_transpose_of_conv3d_is_conv_transpose3d() -> None:
    # <conv3d(x, w), y> == <x, conv_transpose3d(y, w)>: the adjoint, exactly, in integers.
    rng = np.random.default_rng(5)
    x, w = rng.integers(-5, 6, (1, 2, 5, 4, 6)), rng.integers(-5, 6, (3, 2, 2, 3, 2))
    y = rng.integers(-5, 6, conv3d(x, w, stride=2, padding=1).shape)
    back = conv_transpose3d(y, w, stride=2, padding=1, output_padding=(1, 1, 0))
    assert back.shape == x.shape
    assert int((conv3d(x, w, stride=2, padding=1) * y).sum()) == int((x * back).sum())


def test_the_transpose_of_conv1d_is_conv_transpose1d() -> None:
    rng = np.random.default_rng(6)
    x, w = rng.integers(-5, 6, (2, 2, 9)), rng.integers(-5, 6, (4, 2, 3))
    y = rng.integers(-5, 6, conv1d(x, w, stride=2, dilation=2).shape)
    back = conv_transpose1d(y, w, stride=2, dilation=2)
    assert int((conv1d(x, w, stride=2, dilation=2) * y).sum()) == int((x * back).sum())


def test_teaching_shapes_of_the_transposed_convolutions() -> None:
    np.testing.assert_array_equal(conv_transpose1d([1, 2], [1, 1], bias=5), [6, 8, 7])
    volume, kernel = np.arange(8).reshape(2, 2, 2), np.ones((1, 1, 2), int)
    batched = conv_transpose3d(volume[None, None], kernel[None, None])[0, 0]
    np.testing.assert_array_equal(conv_transpose3d(volume, kernel), batched)
    spanning = conv_transpose3d(np.stack([volume, volume]), np.stack([kernel, 2 * kernel]))
    np.testing.assert_array_equal(spanning, 3 * batched)


X3 = np.ones((1, 1, 2, 2, 2))
W3 = np.ones((1, 1, 2, 2, 2))
REFUSALS: list[tuple[str, Callable[[], Any], type[Exception], tuple[str, ...]]] = [
    (
        "3d output_padding",
        lambda: conv_transpose3d(X3, W3, stride=(1, 2, 2), output_padding=1),
        ValueError,
        ("output_padding (1, 1, 1) must be smaller than stride (1, 2, 2)", "depth: 1 is not < 1"),
    ),
    (
        "3d too small",
        lambda: conv_transpose3d(np.ones((1, 1, 1)), np.ones((1, 1, 1)), padding=1),
        ValueError,
        ("would have size -1×-1×-1", "use a smaller padding"),
    ),
    (
        "3d named padding",
        lambda: conv_transpose3d(X3, W3, padding="same"),
        TypeError,
        ("int or a triple (depth, rows, columns), got 'same'",),
    ),
    (
        "3d shapes",
        lambda: conv_transpose3d(np.ones((2, 2)), np.ones((2, 2))),
        ValueError,
        ("do not go together in conv_transpose3d", "(C_in, C_out/groups, kD, kH, kW)"),
    ),
    (
        "3d channels",
        lambda: conv_transpose3d(np.ones((1, 3, 2, 2, 2)), W3),
        ValueError,
        ("channel mismatch", "(C_in, C_out/groups, kD, kH, kW)"),
    ),
    ("3d groups", lambda: conv_transpose3d(X3, W3, groups=0), ValueError, ("groups", "got 0")),
    (
        "1d pair",
        lambda: conv_transpose1d(np.ones(3), np.ones(2), stride=(1, 2)),
        TypeError,
        ("stride for conv_transpose1d must be an int or a 1-tuple, got (1, 2)",),
    ),
    (
        "1d named padding",
        lambda: conv_transpose1d(np.ones(3), np.ones(2), padding="same"),
        TypeError,
        ("padding for conv_transpose1d must be an int, got 'same'",),
    ),
    (
        "1d output_padding",
        lambda: conv_transpose1d(np.ones(3), np.ones(2), output_padding=1),
        ValueError,
        ("output_padding 1 must be smaller than stride 1 or dilation 1", "output_padding < 1"),
    ),
]


@pytest.mark.parametrize(
    ("call", "error", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_transposed_convolutions_refuse_bad_input_naming_what_works(
    call: Callable[[], Any], error: type[Exception], words: tuple[str, ...]
) -> None:
    with pytest.raises(error) as caught:
        call()
    for word in words:
        assert word in str(caught.value), f"{word!r} missing from: {caught.value}"
