"""convscope.grad's conv3d gradients against torch.autograd, drawn at random, and their refusals.

Tolerances as in ``test_grad.py``: integers exactly, float64 within 1e-12 of the largest
gradient's magnitude. Torch pads with ``F.pad`` (its own reading of each padding mode) and
convolves the padded volume, so the padding folding is checked against torch, not ourselves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convscope import conv3d, grad

torch = pytest.importorskip("torch", reason="torch is the reference; install the test extra")
F = torch.nn.functional

TORCH_MODE = {"zeros": "constant", "reflect": "reflect", "replicate": "replicate"}
TORCH_MODE["circular"] = "circular"


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Any:
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _assert_equal(ours: np.ndarray, reference: Any, integer: bool) -> None:
    expected = reference.detach().numpy()
    assert ours.shape == expected.shape
    if integer:
        assert ours.dtype == np.int64
        np.testing.assert_array_equal(ours, expected)
    else:
        scale = max(float(np.abs(expected).max()), 1.0)
        np.testing.assert_allclose(ours, expected, rtol=1e-12, atol=1e-12 * scale)


@st.composite
def volume_cases(draw: st.DrawFn) -> dict[str, Any]:
    """Draw a conv3d that fits, with its gradient of the output."""
    integer = draw(st.booleans())
    groups = draw(st.integers(1, 2))
    group_in, group_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, 3)) for _ in range(3))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(3))
    dilation = tuple(draw(st.integers(1, 2)) for _ in range(3))
    sides = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(3))
    mode = draw(st.sampled_from(tuple(TORCH_MODE)))
    size = tuple(
        max(d * (k - 1) + 1, max(s) + 1) + draw(st.integers(0, 3))
        for d, k, s in zip(dilation, kernel, sides, strict=True)
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    def values(shape: tuple[int, ...]) -> np.ndarray:
        return rng.integers(-5, 6, shape) if integer else rng.uniform(-1, 1, shape)

    x = values((draw(st.integers(1, 2)), groups * group_in, *size))
    w = values((groups * group_out, group_in, *kernel))
    kwargs = {"stride": stride, "padding": sides, "dilation": dilation, "groups": groups}
    out = conv3d(x, w, padding_mode=mode, **kwargs)
    return {
        "x": x,
        "w": w,
        "g": values(out.shape),
        "kwargs": kwargs,
        "mode": mode,
        "integer": integer,
    }


def _torch_grads(case: dict[str, Any]) -> tuple[Any, Any]:
    x = torch.tensor(case["x"], dtype=torch.float64, requires_grad=True)
    w = torch.tensor(case["w"], dtype=torch.float64, requires_grad=True)
    (front, back), (top, bottom), (left, right) = case["kwargs"]["padding"]
    padded = F.pad(x, (left, right, top, bottom, front, back), mode=TORCH_MODE[case["mode"]])
    kwargs = case["kwargs"]
    out = F.conv3d(padded, w, None, kwargs["stride"], 0, kwargs["dilation"], kwargs["groups"])
    out.backward(torch.tensor(case["g"], dtype=torch.float64))
    return x.grad, w.grad


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(volume_cases())
def test_conv3d_gradients_equal_autograd(case: dict[str, Any]) -> None:
    grad_x, grad_w = _torch_grads(case)
    ours_x = grad.conv3d_input(
        case["x"].shape, case["w"], case["g"], padding_mode=case["mode"], **case["kwargs"]
    )
    ours_w = grad.conv3d_weight(
        case["x"], case["w"].shape, case["g"], padding_mode=case["mode"], **case["kwargs"]
    )
    _assert_equal(ours_x, grad_x, case["integer"])
    _assert_equal(ours_w, grad_w, case["integer"])


def test_teaching_shapes_and_bias_match_the_batched_gradient() -> None:
    rng = np.random.default_rng(3)
    clip, kernel = rng.integers(-4, 5, (4, 5, 6)), rng.integers(-2, 3, (2, 3, 3))
    g = rng.integers(-3, 4, (3, 3, 4))
    batched_x = grad.conv3d_input((1, 1, 4, 5, 6), kernel[None, None], g[None, None])
    batched_w = grad.conv3d_weight(clip[None, None], (1, 1, 2, 3, 3), g[None, None])
    np.testing.assert_array_equal(grad.conv3d_input(clip.shape, kernel, g), batched_x[0, 0])
    np.testing.assert_array_equal(grad.conv3d_weight(clip, kernel.shape, g), batched_w[0, 0])
    assert grad.conv3d_bias(g) == g.sum()
    np.testing.assert_array_equal(grad.conv3d_bias(np.ones((2, 3, 1, 2, 2))), [8.0, 8.0, 8.0])


def test_a_weight_gradient_is_the_sum_of_the_cells_it_met() -> None:
    # One weight of a 2×1×1 kernel over a 3-frame clip, all output gradients 1: the first tap
    # met frames 0 and 1, the second frames 1 and 2, so each gradient sums those frames.
    clip = np.arange(12).reshape(3, 2, 2)
    got = grad.conv3d_weight(clip, (2, 1, 1), np.ones((2, 2, 2), dtype=int))
    assert got[:, 0, 0].tolist() == [clip[:2].sum(), clip[1:].sum()]


def test_flip_gives_the_kernel_turned_in_all_three_axes() -> None:
    rng = np.random.default_rng(5)
    clip, kernel = rng.integers(-4, 5, (4, 4, 4)), rng.integers(-2, 3, (2, 2, 3))
    g = rng.integers(-3, 4, (3, 3, 2))
    turned = kernel[::-1, ::-1, ::-1]
    np.testing.assert_array_equal(
        grad.conv3d_weight(clip, kernel.shape, g, flip=True),
        grad.conv3d_weight(clip, kernel.shape, g)[::-1, ::-1, ::-1],
    )
    np.testing.assert_array_equal(
        grad.conv3d_input(clip.shape, kernel, g, flip=True),
        grad.conv3d_input(clip.shape, turned, g),
    )


CLIP = np.zeros((1, 1, 4, 4, 4))
KERNEL = np.ones((1, 1, 2, 2, 2))
GRAD = np.zeros((1, 1, 3, 3, 3))


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (
            lambda: grad.conv3d_input(CLIP.shape, KERNEL, np.zeros((1, 1, 3, 3))),
            ValueError,
            "grad_output has shape (1, 1, 3, 3) but the forward pass with these arguments "
            "gives an output of shape (1, 1, 3, 3, 3)",
        ),
        (lambda: grad.conv3d_input((4, 4), KERNEL, GRAD), TypeError, "such as (1, 1, 5, 5, 5)"),
        (lambda: grad.conv3d_weight(CLIP, "2x2x2", GRAD), TypeError, "weight_size"),
        (lambda: grad.conv3d_input(CLIP.shape, KERNEL, GRAD, stride=0), ValueError, "stride"),
        (
            lambda: grad.conv3d_input(
                (1, 1, 2, 4, 4),
                KERNEL,
                np.zeros((1, 1, 5, 7, 7)),
                padding=2,
                padding_mode="reflect",
            ),
            ValueError,
            "padding_mode='reflect' needs padding < input size",
        ),
        (lambda: grad.conv3d_weight(CLIP, (1, 2, 2, 2, 2), GRAD), ValueError, "channel"),
        (lambda: grad.conv3d_bias(np.zeros((2, 2))), ValueError, "grad_output must be"),
    ],
)
def test_bad_input_is_refused_with_a_message_that_names_it(
    call: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error) as raised:
        call()
    assert words in str(raised.value)
