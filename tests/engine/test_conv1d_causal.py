"""conv1d's padding='causal' equals PyTorch's idiom (pad on the left, then conv1d)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from convscope import conv1d

torch = pytest.importorskip("torch", reason="torch==2.13.0 (the test extra) is the reference")
F = torch.nn.functional
TORCH_MODE = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}


@st.composite
def causal_problems(draw: st.DrawFn) -> dict[str, Any]:
    groups = draw(st.sampled_from([1, 2]))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    sample = (
        (lambda shape: rng.integers(-9, 10, shape))
        if draw(st.booleans())
        else (rng.standard_normal)
    )
    return {
        "input": sample((draw(st.integers(1, 2)), in_channels, draw(st.integers(1, 12)))),
        "weight": sample((out_channels, in_channels // groups, draw(st.integers(1, 4)))),
        "bias": sample((out_channels,)) if draw(st.booleans()) else None,
        "stride": draw(st.integers(1, 3)),
        "dilation": draw(st.integers(1, 4)),
        "groups": groups,
        "padding_mode": draw(st.sampled_from(list(TORCH_MODE))),
    }


def torch_causal(problem: dict[str, Any]) -> np.ndarray:
    """PyTorch's idiom: F.pad the left by dilation × (k − 1), then F.conv1d without padding."""
    x, w, bias = (
        None if a is None else torch.from_numpy(np.asarray(a, dtype=np.float64))
        for a in (problem["input"], problem["weight"], problem["bias"])
    )
    left = problem["dilation"] * (w.shape[-1] - 1)
    padded = F.pad(x, (left, 0), mode=TORCH_MODE[problem["padding_mode"]])
    result = F.conv1d(padded, w, bias, problem["stride"], 0, problem["dilation"], problem["groups"])
    return np.asarray(result.numpy())


def _left(problem: dict[str, Any]) -> int:
    return int(problem["dilation"] * (problem["weight"].shape[-1] - 1))


@settings(max_examples=40, deadline=None)
@given(causal_problems())
def test_causal_padding_equals_the_pytorch_idiom(problem: dict[str, Any]) -> None:
    length, mode = problem["input"].shape[-1], problem["padding_mode"]
    assume(mode != "reflect" or _left(problem) < length)
    assume(mode != "circular" or _left(problem) <= length)
    got = conv1d(**problem, padding="causal")
    expected = torch_causal(problem)
    if problem["input"].dtype.kind == "i":
        np.testing.assert_array_equal(got, np.rint(expected).astype(np.int64))
    else:
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 15))
def test_no_output_reads_a_later_sample(kernel: int, dilation: int, t: int) -> None:
    rng = np.random.default_rng(t)
    signal, weights = rng.integers(-9, 10, 16), rng.integers(1, 10, kernel)
    changed = signal.copy()
    changed[t + 1 :] += 100  # change every sample after t
    before = conv1d(signal, weights, padding="causal", dilation=dilation)
    after = conv1d(changed, weights, padding="causal", dilation=dilation)
    assert before.shape == (16,)  # stride 1 keeps the length
    np.testing.assert_array_equal(before[: t + 1], after[: t + 1])


def test_the_padding_is_dilation_times_kernel_minus_one_on_the_left() -> None:
    signal, kernel = np.arange(1, 9), np.array([1, 10, 100])
    explicit = conv1d(signal, kernel, padding=(4, 0), dilation=2)
    np.testing.assert_array_equal(conv1d(signal, kernel, padding="causal", dilation=2), explicit)
    np.testing.assert_array_equal(explicit[:3], [100, 200, 310])


@pytest.mark.parametrize(
    ("padding", "dilation", "error", "words"),
    [
        ("causl", 1, ValueError, ("padding for conv1d", "'causal'; got 'causl'")),
        ("causal", 0, ValueError, ("padding='causal' needs dilation", "got 0")),
        ("causal", (1, 2), TypeError, ("dilation for conv1d must be an int or a 1-tuple",)),
    ],
)
def test_bad_causal_arguments_are_refused_by_name(
    padding: str, dilation: object, error: type[Exception], words: tuple[str, ...]
) -> None:
    with pytest.raises(error) as caught:
        conv1d(np.ones(5), np.ones(3), padding=padding, dilation=dilation)
    for word in words:
        assert word in str(caught.value), f"{word!r} missing from: {caught.value}"
