"""conv3d against torch.nn.Conv3d, exact integers, and its refusals."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from numpy.lib.stride_tricks import sliding_window_view

from convscope import conv3d
from convscope.engine.spec3d import ConvSpec3d

torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is the reference")

MODES = ["zeros", "reflect", "replicate", "circular"]


@st.composite
def volume_problems(draw: st.DrawFn) -> dict[str, Any]:
    groups = draw(st.sampled_from([1, 2, 3]))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(3))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(3))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(3))
    padding: object = draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)),
            st.sampled_from(["valid", "same"] if stride == (1, 1, 1) else ["valid"]),
        )
    )
    size = tuple(draw(st.integers(1, 6)) for _ in range(3))
    integers = draw(st.booleans())
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    sample = (lambda shape: rng.integers(-9, 10, shape)) if integers else rng.standard_normal
    has_bias = draw(st.booleans())
    return {
        "input": sample((draw(st.integers(1, 2)), in_channels, *size)),
        "weight": sample((out_channels, in_channels // groups, *kernel)),
        "bias": sample((out_channels,)) if has_bias else None,
        "stride": stride,
        "padding": padding,
        "dilation": dilation,
        "groups": groups,
        "padding_mode": draw(st.sampled_from(MODES)),
    }


def torch_conv3d(problem: dict[str, Any]) -> np.ndarray:
    """Return what torch.nn.Conv3d computes for the problem, in float64."""
    weight, bias = problem["weight"], problem["bias"]
    layer = torch.nn.Conv3d(
        weight.shape[1] * problem["groups"],
        weight.shape[0],
        weight.shape[2:],
        stride=problem["stride"],
        padding=problem["padding"],
        dilation=problem["dilation"],
        groups=problem["groups"],
        bias=bias is not None,
        padding_mode=problem["padding_mode"],
        dtype=torch.float64,
    )
    with torch.no_grad():
        layer.weight.copy_(torch.from_numpy(np.asarray(weight, dtype=np.float64)))
        if bias is not None:
            layer.bias.copy_(torch.from_numpy(np.asarray(bias, dtype=np.float64)))
        result = layer(torch.from_numpy(np.asarray(problem["input"], dtype=np.float64)))
    return np.asarray(result.numpy())


def _torch_accepts(problem: dict[str, Any]) -> bool:
    spec = ConvSpec3d.create(problem["stride"], problem["padding"], problem["dilation"])
    size, kernel = problem["input"].shape[2:], problem["weight"].shape[2:]
    try:
        spec.output_size(size, kernel)
    except ValueError:
        return False
    padding = spec.resolve_padding(kernel)
    if problem["padding_mode"] == "reflect":
        return all(max(p) < n for p, n in zip(padding, size, strict=True))
    if problem["padding_mode"] == "circular":
        return all(max(p) <= n for p, n in zip(padding, size, strict=True))
    return True


def _call(problem: dict[str, Any], **extra: Any) -> np.ndarray:
    arguments = {k: v for k, v in problem.items() if k not in {"input", "weight", "bias"}}
    return conv3d(problem["input"], problem["weight"], problem["bias"], **arguments, **extra)


@settings(max_examples=40, deadline=None)
@given(volume_problems())
def test_conv3d_equals_torch_across_every_argument(problem: dict[str, Any]) -> None:
    assume(_torch_accepts(problem))
    got, expected = _call(problem), torch_conv3d(problem)
    if problem["input"].dtype.kind == "i":
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, np.rint(expected).astype(np.int64))
    else:
        assert got.dtype == np.float64
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


def test_every_algorithm_computes_each_depth_slice(algorithm: str) -> None:
    rng = np.random.default_rng(3)
    problem = {
        "input": rng.standard_normal((2, 4, 5, 6, 7)),
        "weight": rng.standard_normal((6, 2, 2, 3, 3)),
        "bias": rng.standard_normal(6),
        "stride": (2, 1, 2),
        "padding": 1,
        "dilation": (1, 2, 1),
        "groups": 2,
        "padding_mode": "replicate",
    }
    got = _call(problem, algorithm=algorithm)
    np.testing.assert_allclose(got, torch_conv3d(problem), rtol=1e-10, atol=1e-10)


def _valid_sum(volume: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    windows = sliding_window_view(volume, kernel.shape)
    return np.einsum("abcijk,ijk->abc", windows, kernel)


def test_integers_beyond_float64_precision_stay_exact() -> None:
    rng = np.random.default_rng(0)
    volume = rng.integers(-(2**29), 2**29, (4, 5, 6))  # products near 2**58: float64 rounds
    kernel = rng.integers(-(2**29), 2**29, (2, 3, 3))
    got = conv3d(volume, kernel)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, _valid_sum(volume, kernel))
    as_floats = conv3d(volume.astype(float), kernel.astype(float))
    assert not np.array_equal(as_floats.astype(np.int64), got)  # so the exactness is real


def test_teaching_shapes_give_one_output_volume() -> None:
    volume, kernel = np.arange(2 * 4 * 4 * 3).reshape(2, 4, 4, 3), np.ones((2, 2, 2, 2), int)
    spanning = conv3d(volume, kernel, bias=1)
    assert spanning.shape == (3, 3, 2)
    batched = conv3d(volume[None], kernel[None], np.array([1]))
    np.testing.assert_array_equal(spanning, batched[0, 0])
    np.testing.assert_array_equal(conv3d(volume[0], kernel[0]), _valid_sum(volume[0], kernel[0]))


def test_unbatched_input_keeps_its_channel_axis() -> None:
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((3, 4, 4, 4)), rng.standard_normal((5, 3, 2, 2, 2))
    np.testing.assert_allclose(conv3d(x, w), conv3d(x[None], w)[0])


def test_flip_turns_the_kernel_in_all_three_axes() -> None:
    rng = np.random.default_rng(2)
    x, w = rng.integers(-5, 5, (1, 2, 4, 5, 6)), rng.integers(-5, 5, (3, 2, 2, 3, 2))
    np.testing.assert_array_equal(conv3d(x, w, flip=True), conv3d(x, w[:, :, ::-1, ::-1, ::-1]))


def test_float32_stays_float32_and_float16_comes_back_float16() -> None:
    x, w = np.ones((1, 1, 3, 3, 3), np.float32), np.ones((1, 1, 2, 2, 2), np.float16)
    assert conv3d(x, w).dtype == np.float32
    assert conv3d(x.astype(np.float16), w).dtype == np.float16


def test_same_padding_keeps_the_volume_size_for_even_kernels() -> None:
    x = np.ones((1, 1, 5, 4, 3))
    assert conv3d(x, np.ones((1, 1, 2, 4, 3)), padding="same").shape == (1, 1, 5, 4, 3)


# ---- refusals ---------------------------------------------------------------------------------

X = np.ones((1, 1, 4, 4, 4))
W = np.ones((1, 1, 3, 3, 3))


def _raises(error: type[Exception], *words: str) -> Callable[[Callable[[], Any]], None]:
    def check(call: Callable[[], Any]) -> None:
        with pytest.raises(error) as caught:
            call()
        message = str(caught.value)
        for word in words:
            assert word in message, f"{word!r} missing from: {message}"

    return check


REFUSALS: list[tuple[str, Callable[[], Any], type[Exception], tuple[str, ...]]] = [
    ("stride pair", lambda: conv3d(X, W, stride=(1, 2)), TypeError, ("stride", "triple", "(1, 2)")),
    ("stride zero", lambda: conv3d(X, W, stride=0), ValueError, ("stride must be >= 1", "got 0")),
    ("dilation float", lambda: conv3d(X, W, dilation=1.5), TypeError, ("dilation", "1.5")),
    (
        "padding word",
        lambda: conv3d(X, W, padding="half"),
        ValueError,
        ("padding must be", "'same'", "got 'half'"),
    ),
    (
        "padding negative",
        lambda: conv3d(X, W, padding=(0, -1, 0)),
        ValueError,
        ("padding must be >= 0", "(0, -1, 0)"),
    ),
    (
        "padding side",
        lambda: conv3d(X, W, padding=((1, 1), (1,), (0, 0))),
        TypeError,
        ("padding rows", "(before, after)", "(1,)"),
    ),
    (
        "same with stride",
        lambda: conv3d(X, W, padding="same", stride=2),
        ValueError,
        ("padding='same' needs stride 1", "give the padding as numbers"),
    ),
    (
        "2-D image",
        lambda: conv3d(np.ones((4, 4)), np.ones((3, 3))),
        ValueError,
        ("do not go together in conv3d", "(D, H, W) with (kD, kH, kW)", "convscope.conv2d"),
    ),
    (
        "kernel too big",
        lambda: conv3d(np.ones((2, 4, 4)), np.ones((3, 3, 3))),
        ValueError,
        ("kernel 3×3×3 does not fit the padded input 2×4×4", "at least 1 slice, 0 rows"),
    ),
    (
        "dilated kernel",
        lambda: conv3d(np.ones((4, 4, 4)), np.ones((3, 1, 1)), dilation=2),
        ValueError,
        ("spanning 5×1×1", "dilation (2, 2, 2)"),
    ),
    (
        "channels",
        lambda: conv3d(np.ones((1, 3, 4, 4, 4)), np.ones((2, 2, 3, 3, 3))),
        ValueError,
        ("channel mismatch", "(1, 3, 4, 4, 4) has 3 channels", "C_in / groups"),
    ),
    (
        "groups",
        lambda: conv3d(np.ones((1, 3, 4, 4, 4)), np.ones((2, 3, 3, 3, 3)), groups=2),
        ValueError,
        ("groups=2 must divide the input channels (3)",),
    ),
    (
        "teaching groups",
        lambda: conv3d(np.ones((4, 4, 4)), W[0, 0], groups=2),
        ValueError,
        ("groups=2 needs PyTorch shapes", "(C_out, C_in/groups, kD, kH, kW)"),
    ),
    (
        "teaching channels",
        lambda: conv3d(np.ones((2, 4, 4, 4)), np.ones((3, 2, 2, 2))),
        ValueError,
        ("channel mismatch", "(C, kD, kH, kW) kernel needs one slice per input channel"),
    ),
    (
        "reflect depth",
        lambda: conv3d(np.ones((1, 1, 2, 5, 5)), W, padding=2, padding_mode="reflect"),
        ValueError,
        ("depth padding (2, 2) meets an input of 2 slices", "padding_mode='replicate'"),
    ),
    (
        "circular rows",
        lambda: conv3d(np.ones((1, 1, 5, 1, 5)), W, padding=2, padding_mode="circular"),
        ValueError,
        ("padding_mode='circular' needs padding <= input size", "1 row"),
    ),
    (
        "padding mode",
        lambda: conv3d(X, W, padding_mode="edge"),
        ValueError,
        ("padding_mode must be one of", "NumPy's 'edge' is 'replicate' here"),
    ),
    ("bias", lambda: conv3d(X, W, bias=np.ones(2)), ValueError, ("bias must have shape (1,)",)),
    ("empty", lambda: conv3d(np.ones((1, 1, 0, 4, 4)), W), ValueError, ("empty axis",)),
    ("text", lambda: conv3d(X, np.array([["a"]])), TypeError, ("weight", "give numbers")),
    ("flip", lambda: conv3d(X, W, flip="yes"), TypeError, ("flip must be True or False",)),
    ("algorithm", lambda: conv3d(X, W, algorithm="magic"), ValueError, ("got 'magic'",)),
]


@pytest.mark.parametrize(
    ("call", "error", "words"), [r[1:] for r in REFUSALS], ids=[r[0] for r in REFUSALS]
)
def test_conv3d_refuses_bad_input_naming_what_works(
    call: Callable[[], Any], error: type[Exception], words: tuple[str, ...]
) -> None:
    _raises(error, *words)(call)
