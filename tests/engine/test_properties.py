"""Property tests: random convolutions through convscope and through torch / scipy, compared.

Each case is drawn once, the reference computed once, and the case run through every
registered algorithm (and "auto"): an algorithm added to ``convscope.engine.ALGORITHMS`` is
checked without touching this file, and a failure names the algorithm. Checking all algorithms
inside one example, rather than one hypothesis run per algorithm, keeps the suite fast.

Tolerances, per dtype:

- integers: exact. convscope gives int64; torch computes the same sums in float64, which is exact
  for the small values drawn here (far below 2**53), so the two are compared with ``==``.
- float64: ``rtol = atol = 1e-9`` (sums of at most a few hundred products of numbers in [-1, 1];
  different summation orders differ by about 1e-14).
- float32: ``rtol = atol = 1e-4`` (float32 keeps about 7 digits; FFT-based algorithms lose a
  little more on small values, hence the absolute part).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convscope import conv1d, conv2d
from convscope.engine import ALGORITHMS

scipy_signal = pytest.importorskip("scipy.signal")

PROPERTY_SETTINGS = settings(
    max_examples=60,
    deadline=None,  # torch's first call in a process is slow
    suppress_health_check=[HealthCheck.too_slow],
)
TOLERANCE = {np.float64: 1e-9, np.float32: 1e-4}
TORCH_MODE = {
    "zeros": "constant",
    "reflect": "reflect",
    "replicate": "replicate",
    "circular": "circular",
}


@dataclass
class Case:
    """One drawn convolution: arrays plus the keyword arguments both sides receive."""

    input: np.ndarray
    weight: np.ndarray
    bias: np.ndarray | None
    padding: Any
    sides: tuple[tuple[int, int], tuple[int, int]]
    kwargs: dict[str, Any] = field(default_factory=dict)
    flip: bool = False

    def torch_weight(self, torch: ModuleType) -> Any:
        """Return the weight as torch uses it: rotated 180° by hand for true convolution."""
        weight = self.weight[..., ::-1, ::-1] if self.flip else self.weight
        return torch.tensor(weight.astype(np.float64))


def _side_padding(padding: Any, kernel: tuple[int, int], dilation: tuple[int, int]) -> Any:
    """Return ((top, bottom), (left, right)) by PyTorch's rules, read here, not the engine's."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding in ("same", "full"):
        spans = [d * (k - 1) for d, k in zip(dilation, kernel, strict=True)]
        if padding == "full":
            return tuple((s, s) for s in spans)
        return tuple((s // 2, s - s // 2) for s in spans)
    if isinstance(padding, int):
        return ((padding, padding), (padding, padding))
    if isinstance(padding[0], int):
        return ((padding[0], padding[0]), (padding[1], padding[1]))
    return padding


def _smallest_size(kernel: int, dilation: int, pads: tuple[int, int], mode: str) -> int:
    fits = dilation * (kernel - 1) + 1 - sum(pads)
    if mode == "reflect":
        return max(fits, max(pads) + 1, 1)
    if mode == "circular":
        return max(fits, max(pads), 1)
    return max(fits, 1)


def _values(draw: st.DrawFn, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if np.issubdtype(dtype, np.integer):
        return rng.integers(-20, 21, size=shape).astype(dtype)
    return rng.uniform(-1, 1, size=shape).astype(dtype)


def _rank_one(draw: st.DrawFn, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """Return kernels that are each a column times a row: the case separable algorithms take."""
    columns = _values(draw, (*shape[:2], shape[2], 1), dtype)
    rows = _values(draw, (*shape[:2], 1, shape[3]), dtype)
    return (columns * rows).astype(dtype)


@st.composite
def torch_cases(draw: st.DrawFn, dtype: type = np.float64, rank_one: bool = False) -> Case:
    """Draw a PyTorch-shaped convolution with every hyper-parameter varied."""
    groups = draw(st.integers(1, 3))
    in_channels = groups * draw(st.integers(1, 2))
    out_channels = groups * draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    kind = draw(st.sampled_from(["int", "pair", "sides", "valid", "same", "full"]))
    stride = (1, 1) if kind == "same" else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    padding: Any = {
        "int": draw(st.integers(0, 3)),
        "pair": (draw(st.integers(0, 3)), draw(st.integers(0, 3))),
        "sides": (
            (draw(st.integers(0, 3)), draw(st.integers(0, 3))),
            (draw(st.integers(0, 3)), draw(st.integers(0, 3))),
        ),
        "valid": "valid",
        "same": "same",
        "full": "full",
    }[kind]
    mode = draw(st.sampled_from(list(TORCH_MODE)))
    sides = _side_padding(padding, kernel, dilation)
    size = [
        _smallest_size(kernel[axis], dilation[axis], sides[axis], mode) + draw(st.integers(0, 5))
        for axis in (0, 1)
    ]
    batched = draw(st.booleans())
    input_shape = ((draw(st.integers(1, 2)),) if batched else ()) + (in_channels, *size)
    weight_shape = (out_channels, in_channels // groups, *kernel)
    make_weight = _rank_one if rank_one else _values
    weight = make_weight(draw, weight_shape, dtype)
    bias = _values(draw, (out_channels,), dtype) if draw(st.booleans()) else None
    kwargs = {"stride": stride, "dilation": dilation, "groups": groups, "padding_mode": mode}
    image = _values(draw, input_shape, dtype)
    return Case(image, weight, bias, padding, sides, kwargs, flip=draw(st.booleans()))


def _torch_reference(torch: ModuleType, case: Case) -> np.ndarray:
    """Return torch's answer in float64: pad with F.pad, then a valid F.conv2d."""
    functional = torch.nn.functional
    image = torch.tensor(case.input.astype(np.float64))
    (top, bottom), (left, right) = case.sides
    mode = TORCH_MODE[case.kwargs["padding_mode"]]
    if image.ndim == 3:
        image = image[None]
    padded = functional.pad(image, (left, right, top, bottom), mode=mode)
    result = functional.conv2d(
        padded,
        case.torch_weight(torch),
        None if case.bias is None else torch.tensor(case.bias.astype(np.float64)),
        stride=case.kwargs["stride"],
        dilation=case.kwargs["dilation"],
        groups=case.kwargs["groups"],
    )
    return np.asarray(result.numpy()).reshape(result.shape[4 - case.input.ndim :])


def _torch_module_reference(torch: ModuleType, case: Case) -> np.ndarray:
    """Return nn.Conv2d's answer, which applies int/pair/'same'/'valid' padding and modes itself."""
    out_channels, group_channels, *kernel = case.weight.shape
    layer = torch.nn.Conv2d(
        group_channels * case.kwargs["groups"],
        out_channels,
        tuple(kernel),
        padding=case.padding,
        bias=case.bias is not None,
        dtype=torch.float64,
        **case.kwargs,
    )
    with torch.no_grad():
        layer.weight.copy_(case.torch_weight(torch))
        if case.bias is not None:
            layer.bias.copy_(torch.tensor(case.bias.astype(np.float64)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # torch's note on even 'same' kernels
            return np.asarray(layer(torch.tensor(case.input.astype(np.float64))).numpy())


def _ours(case: Case, algorithm: str) -> np.ndarray:
    return conv2d(
        case.input,
        case.weight,
        case.bias,
        padding=case.padding,
        flip=case.flip,
        algorithm=algorithm,
        **case.kwargs,
    )


def _assert_close(actual: np.ndarray, expected: np.ndarray, dtype: type) -> None:
    assert actual.dtype == dtype, f"dtype {actual.dtype}, expected {np.dtype(dtype)}"
    assert actual.shape == expected.shape
    if np.issubdtype(dtype, np.integer):
        np.testing.assert_array_equal(actual, expected.astype(np.int64))
    else:
        tolerance = TOLERANCE[dtype]
        np.testing.assert_allclose(actual, expected, rtol=tolerance, atol=tolerance)


def _for_each_algorithm(check: Callable[[str], None]) -> None:
    """Run ``check(name)`` for "auto" and every registered algorithm, naming the one that fails."""
    for name in ["auto", *ALGORITHMS]:
        try:
            check(name)
        except AssertionError as error:
            raise AssertionError(f"algorithm={name!r}: {error}") from None


def _matches(compute: Callable[[str], np.ndarray], expected: np.ndarray, dtype: type) -> None:
    _for_each_algorithm(lambda name: _assert_close(compute(name), expected, dtype))


# --- against torch --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(case=torch_cases(np.float64))
def test_float64_matches_torch_pad_then_conv2d(torch: ModuleType, case: Case) -> None:
    _matches(lambda name: _ours(case, name), _torch_reference(torch, case), np.float64)


@PROPERTY_SETTINGS
@given(case=torch_cases(np.float32))
def test_float32_matches_torch_and_stays_float32(torch: ModuleType, case: Case) -> None:
    _matches(lambda name: _ours(case, name), _torch_reference(torch, case), np.float32)


@PROPERTY_SETTINGS
@given(case=torch_cases(np.int64))
def test_integers_match_torch_exactly_as_int64(torch: ModuleType, case: Case) -> None:
    _matches(lambda name: _ours(case, name), _torch_reference(torch, case), np.int64)


@PROPERTY_SETTINGS
@given(case=torch_cases(np.float64, rank_one=True))
def test_separable_kernels_match_torch_in_float64(torch: ModuleType, case: Case) -> None:
    _matches(lambda name: _ours(case, name), _torch_reference(torch, case), np.float64)


@PROPERTY_SETTINGS
@given(case=torch_cases(np.int64, rank_one=True))
def test_separable_kernels_match_torch_exactly_for_integers(torch: ModuleType, case: Case) -> None:
    _matches(lambda name: _ours(case, name), _torch_reference(torch, case), np.int64)


def _torch_accepts_padding(case: Case) -> bool:
    # nn.Conv2d takes an int, a pair, 'same' or 'valid'; per-side and 'full' need F.pad.
    return case.padding != "full" and not (
        isinstance(case.padding, tuple) and isinstance(case.padding[0], tuple)
    )


@PROPERTY_SETTINGS
@given(case=torch_cases(np.float64).filter(_torch_accepts_padding))
def test_padding_arguments_match_nn_conv2d_with_its_padding_mode(
    torch: ModuleType, case: Case
) -> None:
    _matches(lambda name: _ours(case, name), _torch_module_reference(torch, case), np.float64)


@st.composite
def teaching_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, int]:
    """Draw a 2-D image with a 2-D kernel, or a (C, H, W) image with a (C, kH, kW) kernel."""
    channels = draw(st.sampled_from([0, 1, 2, 3]))  # 0 means the plain 2-D teaching shape
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    size = (kernel[0] + draw(st.integers(0, 4)), kernel[1] + draw(st.integers(0, 4)))
    lead = (channels,) if channels else ()
    image = _values(draw, (*lead, *size), np.int64)
    weight = _values(draw, (*lead, *kernel), np.int64)
    return image, weight, draw(st.integers(0, 2))


@PROPERTY_SETTINGS
@given(case=teaching_cases())
def test_teaching_shapes_match_torch_with_one_output_map(
    torch: ModuleType, case: tuple[np.ndarray, np.ndarray, int]
) -> None:
    image, weight, padding = case
    expected = torch.nn.functional.conv2d(
        torch.tensor(image.astype(np.float64)).reshape(1, -1, *image.shape[-2:]),
        torch.tensor(weight.astype(np.float64)).reshape(1, -1, *weight.shape[-2:]),
        padding=padding,
    )
    _matches(
        lambda name: conv2d(image, weight, padding=padding, algorithm=name),
        expected.numpy()[0, 0],
        np.int64,
    )


# --- against scipy.signal (2-D arrays) ----------------------------------------------------------


@st.composite
def image_pairs(draw: st.DrawFn, dtype: type = np.int64) -> tuple[np.ndarray, np.ndarray]:
    """Draw two 2-D arrays of independent sizes (the kernel may be larger than the image)."""
    first = _values(draw, (draw(st.integers(1, 6)), draw(st.integers(1, 6))), dtype)
    second = _values(draw, (draw(st.integers(1, 4)), draw(st.integers(1, 4))), dtype)
    return first, second


def _fits(kernel: np.ndarray, image: np.ndarray) -> bool:
    return kernel.shape[0] <= image.shape[0] and kernel.shape[1] <= image.shape[1]


@PROPERTY_SETTINGS
@given(pair=image_pairs())
def test_full_correlation_equals_scipy_correlate2d(pair: tuple[np.ndarray, np.ndarray]) -> None:
    image, kernel = pair
    _matches(
        lambda name: conv2d(image, kernel, padding="full", algorithm=name),
        scipy_signal.correlate2d(image, kernel, mode="full"),
        np.int64,
    )


@PROPERTY_SETTINGS
@given(pair=image_pairs())
def test_same_correlation_equals_scipy_correlate2d(pair: tuple[np.ndarray, np.ndarray]) -> None:
    image, kernel = pair
    if not _fits(kernel, image):
        image, kernel = kernel, image  # scipy's 'same' follows the first array's size
    _matches(
        lambda name: conv2d(image, kernel, padding="same", algorithm=name),
        scipy_signal.correlate2d(image, kernel, mode="same"),
        np.int64,
    )


@PROPERTY_SETTINGS
@given(pair=image_pairs())
def test_valid_correlation_equals_scipy_correlate2d(pair: tuple[np.ndarray, np.ndarray]) -> None:
    image, kernel = pair
    if not _fits(kernel, image):
        image, kernel = kernel, image
    if not _fits(kernel, image):
        return  # neither fits inside the other: scipy has no 'valid' output either
    _matches(
        lambda name: conv2d(image, kernel, algorithm=name),
        scipy_signal.correlate2d(image, kernel, mode="valid"),
        np.int64,
    )


@PROPERTY_SETTINGS
@given(pair=image_pairs(np.float64))
def test_true_convolution_full_equals_scipy_convolve2d(pair: tuple[np.ndarray, np.ndarray]) -> None:
    image, kernel = pair
    _matches(
        lambda name: conv2d(image, kernel, padding="full", flip=True, algorithm=name),
        scipy_signal.convolve2d(image, kernel, mode="full"),
        np.float64,
    )


@PROPERTY_SETTINGS
@given(pair=image_pairs())
def test_true_convolution_same_equals_scipy_for_odd_kernels(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    image, kernel = pair
    # Even kernels: scipy centres the flipped kernel differently from PyTorch's 'same' split.
    odd_rows, odd_cols = (
        kernel.shape[0] - 1 + kernel.shape[0] % 2,
        kernel.shape[1] - 1 + kernel.shape[1] % 2,
    )
    kernel = kernel[:odd_rows, :odd_cols]
    if not _fits(kernel, image):
        return
    _matches(
        lambda name: conv2d(image, kernel, padding="same", flip=True, algorithm=name),
        scipy_signal.convolve2d(image, kernel, mode="same"),
        np.int64,
    )


@PROPERTY_SETTINGS
@given(pair=image_pairs())
def test_true_convolution_full_is_commutative(pair: tuple[np.ndarray, np.ndarray]) -> None:
    first, second = pair

    def check(name: str) -> None:
        one_way = conv2d(first, second, padding="full", flip=True, algorithm=name)
        other_way = conv2d(second, first, padding="full", flip=True, algorithm=name)
        np.testing.assert_array_equal(one_way, other_way)

    _for_each_algorithm(check)


@PROPERTY_SETTINGS
@given(pair=image_pairs())
def test_full_correlation_swapped_is_rotated_half_a_turn(
    pair: tuple[np.ndarray, np.ndarray],
) -> None:
    # Swapping a and b rotates a ⋆ b by 180°, so correlation is not commutative: the reason
    # deep learning's "convolution" is not one.
    first, second = pair

    def check(name: str) -> None:
        one_way = conv2d(first, second, padding="full", algorithm=name)
        other_way = conv2d(second, first, padding="full", algorithm=name)
        np.testing.assert_array_equal(one_way, other_way[::-1, ::-1])

    _for_each_algorithm(check)


# --- conv1d ------------------------------------------------------------------------------------


@st.composite
def conv1d_cases(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Draw a PyTorch-shaped 1-D convolution (batched or not) with its keyword arguments."""
    groups = draw(st.integers(1, 2))
    in_channels, out_channels = groups * draw(st.integers(1, 2)), groups * draw(st.integers(1, 2))
    kernel, dilation = draw(st.integers(1, 4)), draw(st.integers(1, 2))
    padding = draw(st.sampled_from([0, 1, 2, "valid", "same"]))
    stride = 1 if padding == "same" else draw(st.integers(1, 3))
    length = dilation * (kernel - 1) + 1 + draw(st.integers(0, 6))
    lead = (draw(st.integers(1, 2)),) if draw(st.booleans()) else ()
    signal = _values(draw, (*lead, in_channels, length), np.float64)
    weight = _values(draw, (out_channels, in_channels // groups, kernel), np.float64)
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    return signal, weight, kwargs


@PROPERTY_SETTINGS
@given(case=conv1d_cases())
def test_conv1d_matches_torch_conv1d(
    torch: ModuleType, case: tuple[np.ndarray, np.ndarray, dict[str, Any]]
) -> None:
    signal, weight, kwargs = case
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        expected = torch.nn.functional.conv1d(torch.tensor(signal), torch.tensor(weight), **kwargs)
    _matches(
        lambda name: conv1d(signal, weight, algorithm=name, **kwargs),
        expected.numpy(),
        np.float64,
    )


def test_every_registered_algorithm_is_exercised() -> None:
    assert "auto" not in ALGORITHMS
    assert len(ALGORITHMS) >= 1
