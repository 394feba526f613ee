"""convscope.grad against torch.autograd: every gradient, drawn at random, compared.

Each case is drawn once and run forward and backward through torch (float64, autograd, the
padding modes through ``F.pad``) and through ``convscope.grad``. Tolerances: integers exactly
(torch's float64 sums of small integers are exact); float64 within 1e-12 of the largest
gradient's magnitude, so cancelling sums near 0 do not count against the summation order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from convscope import avg_pool2d, conv1d, conv2d, conv_transpose2d, grad, max_pool2d

torch = pytest.importorskip("torch", reason="torch is the reference; install the test extra")
F = torch.nn.functional

GRAD_SETTINGS = settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
RELATIVE = 1e-12
TORCH_MODE = {m: m for m in ("reflect", "replicate", "circular")} | {"zeros": "constant"}


@pytest.fixture(autouse=True, scope="module")
def _one_torch_thread() -> Any:
    # Tiny tensors: torch's thread pool costs more than it saves, and xdist runs two workers.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def assert_gradient_equal(ours: np.ndarray, reference: Any, integer: bool) -> None:
    """Exactly for integers (and int64), else within RELATIVE of the largest magnitude."""
    expected = reference.detach().numpy() if hasattr(reference, "detach") else reference
    assert ours.shape == expected.shape
    if integer:
        assert ours.dtype == np.int64
        np.testing.assert_array_equal(ours, expected)
    else:
        scale = max(float(np.abs(expected).max()), 1.0)
        np.testing.assert_allclose(ours, expected, rtol=RELATIVE, atol=RELATIVE * scale)


def _values(draw: st.DrawFn, shape: tuple[int, ...], integer: bool) -> np.ndarray:
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    if integer:
        return rng.integers(-5, 6, size=shape)
    return rng.uniform(-1, 1, size=shape)


def _torch_sides(padding: Any, kernel: tuple[int, int], dilation: tuple[int, int]) -> Any:
    """Return ((top, bottom), (left, right)) by PyTorch's rules ('full': d(k - 1) every side),
    read here, not the engine's."""
    if padding == "valid":
        return ((0, 0), (0, 0))
    spans = [d * (k - 1) for d, k in zip(dilation, kernel, strict=True)]
    if padding == "same":
        return tuple((s // 2, s - s // 2) for s in spans)
    if padding == "full":
        return tuple((s, s) for s in spans)
    if isinstance(padding, int):
        return ((padding, padding), (padding, padding))
    if isinstance(padding[0], int):
        return ((padding[0], padding[0]), (padding[1], padding[1]))
    return padding


@dataclass
class ConvCase:
    """One drawn conv2d: arrays, the arguments both sides receive, the resolved sides."""

    x: np.ndarray
    w: np.ndarray
    bias: np.ndarray | None
    grad_output: np.ndarray
    kwargs: dict[str, Any]
    sides: Any
    mode: str
    integer: bool

    def torch_grads(self) -> tuple[Any, Any, Any]:
        """Return autograd's gradients of input, weight and bias for ``grad_output``."""
        x = torch.tensor(self.x, dtype=torch.float64, requires_grad=True)
        w = torch.tensor(self.w, dtype=torch.float64, requires_grad=True)
        b = None if self.bias is None else torch.tensor(self.bias, requires_grad=True)
        (top, bottom), (left, right) = self.sides
        padded = F.pad(x, (left, right, top, bottom), mode=TORCH_MODE[self.mode])
        out = F.conv2d(
            padded, w, b, self.kwargs["stride"], 0, self.kwargs["dilation"], self.kwargs["groups"]
        )
        out.backward(torch.tensor(self.grad_output, dtype=torch.float64))
        return x.grad, w.grad, None if b is None else b.grad


@st.composite
def conv_cases(draw: st.DrawFn, modes: tuple[str, ...] = tuple(TORCH_MODE)) -> ConvCase:
    integer = draw(st.booleans())
    groups = draw(st.integers(1, 2))
    group_in, group_out = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride = (draw(st.integers(1, 3)), draw(st.integers(1, 2)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            st.tuples(
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
                st.tuples(st.integers(0, 2), st.integers(0, 2)),
            ),
            st.sampled_from(["valid", "same", "full"]),
        )
    )
    if padding == "same":
        stride = (1, 1)
    sides = _torch_sides(padding, kernel, dilation)
    mode = draw(st.sampled_from(modes))
    # Big enough for the dilated kernel and for reflect (padding < size).
    rows = max(dilation[0] * (kernel[0] - 1) + 1, max(sides[0]) + 1) + draw(st.integers(0, 4))
    cols = max(dilation[1] * (kernel[1] - 1) + 1, max(sides[1]) + 1) + draw(st.integers(0, 4))
    batch = draw(st.integers(1, 2))
    x = _values(draw, (batch, groups * group_in, rows, cols), integer)
    w = _values(draw, (groups * group_out, group_in, *kernel), integer)
    bias = _values(draw, (groups * group_out,), False) if draw(st.booleans()) else None
    kwargs = {"stride": stride, "padding": padding, "dilation": dilation, "groups": groups}
    out = conv2d(x, w, None, padding_mode=mode, **kwargs)
    grad_output = _values(draw, out.shape, integer)
    return ConvCase(x, w, bias, grad_output, kwargs, sides, mode, integer)


@GRAD_SETTINGS
@given(conv_cases())
def test_conv2d_gradients_equal_autograd(case: ConvCase) -> None:
    grad_x, grad_w, grad_b = case.torch_grads()
    ours_x = grad.conv2d_input(
        case.x.shape, case.w, case.grad_output, padding_mode=case.mode, **case.kwargs
    )
    ours_w = grad.conv2d_weight(
        case.x, case.w.shape, case.grad_output, padding_mode=case.mode, **case.kwargs
    )
    assert_gradient_equal(ours_x, grad_x, case.integer)
    assert_gradient_equal(ours_w, grad_w, case.integer)
    if grad_b is not None:
        assert_gradient_equal(grad.conv2d_bias(case.grad_output), grad_b, case.integer)


@GRAD_SETTINGS
@given(conv_cases(modes=("zeros",)), st.booleans())
def test_flipped_kernel_gradient_is_the_rotated_one(case: ConvCase, as_list: bool) -> None:
    turned = case.w[..., ::-1, ::-1]
    ours_w = grad.conv2d_weight(case.x, case.w.shape, case.grad_output, flip=True, **case.kwargs)
    plain_w = grad.conv2d_weight(case.x, case.w.shape, case.grad_output, **case.kwargs)
    np.testing.assert_array_equal(ours_w, plain_w[..., ::-1, ::-1])
    weight = turned.tolist() if as_list else turned
    ours_x = grad.conv2d_input(case.x.shape, weight, case.grad_output, flip=True, **case.kwargs)
    plain_x = grad.conv2d_input(case.x.shape, case.w, case.grad_output, **case.kwargs)
    np.testing.assert_allclose(ours_x, plain_x, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("input_shape", "weight_shape", "output_shape"),
    [
        ((5, 6), (2, 3), (6, 4)),  # teaching: one map, one kernel
        ((3, 5, 6), (3, 2, 3), (6, 4)),  # teaching: a kernel spanning every channel
        ((3, 5, 6), (2, 3, 2, 3), (2, 6, 4)),  # PyTorch unbatched
    ],
)
def test_teaching_shapes_match_the_batched_gradient(
    input_shape: tuple[int, ...], weight_shape: tuple[int, ...], output_shape: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(0)
    x = rng.integers(-5, 6, input_shape)
    w = rng.integers(-5, 6, weight_shape)
    g = rng.integers(-5, 6, output_shape)
    x4 = x.reshape((1,) * (4 - x.ndim) + x.shape)
    w4 = w.reshape((1,) * (4 - w.ndim) + w.shape)
    g4 = g.reshape((1,) * (4 - g.ndim) + g.shape)
    assert conv2d(x, w, padding=(1, 0)).shape == output_shape
    batched_x = grad.conv2d_input(x4.shape, w4, g4, padding=(1, 0), padding_mode="reflect")
    batched_w = grad.conv2d_weight(x4, w4.shape, g4, padding=(1, 0), padding_mode="reflect")
    teaching_x = grad.conv2d_input(input_shape, w, g, padding=(1, 0), padding_mode="reflect")
    teaching_w = grad.conv2d_weight(x, weight_shape, g, padding=(1, 0), padding_mode="reflect")
    np.testing.assert_array_equal(teaching_x, batched_x.reshape(input_shape))
    np.testing.assert_array_equal(teaching_w, batched_w.reshape(weight_shape))


def test_bias_gradient_sums_each_output_channel() -> None:
    g = np.arange(24).reshape(2, 3, 2, 2)
    np.testing.assert_array_equal(grad.conv2d_bias(g), g.sum(axis=(0, 2, 3)))
    np.testing.assert_array_equal(grad.conv2d_bias(g[0]), g[0].sum(axis=(1, 2)))
    assert grad.conv2d_bias(g[0, 0]).shape == ()
    np.testing.assert_array_equal(grad.conv1d_bias(g[:, :, 0]), g[:, :, 0].sum(axis=(0, 2)))


def test_float32_stays_float32_and_integers_stay_exact() -> None:
    x = np.arange(16, dtype=np.float32).reshape(4, 4)
    w = np.ones((2, 2), np.float32)
    assert grad.conv2d_input(x.shape, w, np.ones((3, 3), np.float32)).dtype == np.float32
    assert grad.conv2d_weight(x, w.shape, np.ones((3, 3), np.float32)).dtype == np.float32
    big = np.full((3, 3), 2**40)
    assert grad.conv2d_weight(big, (2, 2), np.full((2, 2), 2**20))[0, 0] == 4 * 2**60


@pytest.mark.parametrize("stride", [1, 2])
def test_nan_reaches_exactly_the_gradients_torch_says(stride: int) -> None:
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(2, 2, 7, 8)), rng.normal(size=(3, 2, 3, 3))
    x[0, 1, 2, 7] = np.nan  # a cell only some taps meet
    g = rng.normal(size=conv2d(x, w, stride=stride, padding=1).shape)
    g[1, 2, 0, 0] = np.inf
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    F.conv2d(tx, tw, None, stride, 1).backward(torch.tensor(g))
    ours_w = grad.conv2d_weight(x, w.shape, g, stride=stride, padding=1)
    ours_x = grad.conv2d_input(x.shape, w, g, stride=stride, padding=1)
    np.testing.assert_allclose(ours_w, tw.grad.numpy(), rtol=1e-12, equal_nan=True)
    np.testing.assert_allclose(ours_x, tx.grad.numpy(), rtol=1e-12, equal_nan=True)


@pytest.mark.parametrize(
    ("input_shape", "weight_shape", "kwargs"),
    [
        ((2, 16, 20, 20), (16, 16, 3, 3), {"padding": 1}),  # big enough for the cost model
        ((2, 8, 21, 19), (8, 4, 3, 3), {"stride": 2, "groups": 2}),
        ((1, 3, 30, 30), (8, 3, 5, 5), {"padding": 2, "dilation": 2}),
    ],
)
def test_float32_gradients_equal_torch_to_float32_precision(
    input_shape: tuple[int, ...], weight_shape: tuple[int, ...], kwargs: dict[str, Any]
) -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal(input_shape, dtype=np.float32)
    w = rng.standard_normal(weight_shape, dtype=np.float32)
    g = rng.standard_normal(conv2d(x, w, **kwargs).shape, dtype=np.float32)
    tx = torch.tensor(x, requires_grad=True)
    tw = torch.tensor(w, requires_grad=True)
    F.conv2d(tx, tw, None, **kwargs).backward(torch.tensor(g))
    for ours, theirs in (
        (grad.conv2d_input(x.shape, w, g, **kwargs), tx.grad.numpy()),
        (grad.conv2d_weight(x, w.shape, g, **kwargs), tw.grad.numpy()),
    ):
        assert ours.dtype == np.float32
        np.testing.assert_allclose(ours, theirs, atol=1e-4 * np.abs(theirs).max())


# -- conv1d and the transposed convolution ---------------------------------------------------


@GRAD_SETTINGS
@given(st.data())
def test_conv1d_gradients_equal_autograd(data: st.DataObject) -> None:
    integer = data.draw(st.booleans())
    groups, kernel = data.draw(st.integers(1, 2)), data.draw(st.integers(1, 3))
    stride, dilation = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2))
    sides = data.draw(st.tuples(st.integers(0, 2), st.integers(0, 2)))
    mode = data.draw(st.sampled_from(list(TORCH_MODE)))
    length = max(dilation * (kernel - 1) + 1, max(sides) + 1) + data.draw(st.integers(0, 5))
    x = _values(data.draw, (2, 2 * groups, length), integer)
    w = _values(data.draw, (groups, 2, kernel), integer)
    kwargs = {"stride": stride, "padding": sides, "dilation": dilation, "groups": groups}
    g = _values(data.draw, conv1d(x, w, padding_mode=mode, **kwargs).shape, integer)
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    padded = F.pad(tx, sides, mode=TORCH_MODE[mode])
    F.conv1d(padded, tw, None, stride, 0, dilation, groups).backward(torch.tensor(g * 1.0))
    ours_x = grad.conv1d_input(x.shape, w, g, padding_mode=mode, **kwargs)
    ours_w = grad.conv1d_weight(x, w.shape, g, padding_mode=mode, **kwargs)
    assert_gradient_equal(ours_x, tx.grad, integer)
    assert_gradient_equal(ours_w, tw.grad, integer)


def test_conv1d_teaching_shapes() -> None:
    x, w, g = np.array([1, 2, 3, 4]), np.array([1, -1]), np.array([1, 2, 3])
    tx = torch.tensor(x * 1.0, requires_grad=True)
    tw = torch.tensor(w * 1.0, requires_grad=True)
    F.conv1d(tx.view(1, 1, 4), tw.view(1, 1, 2)).backward(torch.tensor(g * 1.0).view(1, 1, 3))
    assert_gradient_equal(grad.conv1d_input((4,), w, g), tx.grad, True)
    assert_gradient_equal(grad.conv1d_weight(x, (2,), g), tw.grad, True)


@GRAD_SETTINGS
@given(st.data())
def test_conv_transpose2d_gradients_equal_autograd(data: st.DataObject) -> None:
    integer = data.draw(st.booleans())
    groups = data.draw(st.integers(1, 2))
    kernel = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    stride = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2)))
    dilation = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    output_padding = tuple(
        data.draw(st.integers(0, max(s, d) - 1)) for s, d in zip(stride, dilation, strict=True)
    )
    padding = tuple(
        data.draw(st.integers(0, d * (k - 1))) for d, k in zip(dilation, kernel, strict=True)
    )
    x = _values(
        data.draw,
        (
            data.draw(st.integers(1, 2)),
            2 * groups,
            data.draw(st.integers(1, 4)),
            data.draw(st.integers(1, 4)),
        ),
        integer,
    )
    w = _values(data.draw, (2 * groups, data.draw(st.integers(1, 2)), *kernel), integer)
    kwargs = {
        "stride": stride,
        "padding": padding,
        "output_padding": output_padding,
        "groups": groups,
        "dilation": dilation,
    }
    try:
        out = conv_transpose2d(x, w, **kwargs)
    except ValueError:
        return  # a padding that crops everything away; refused by the forward too
    g = _values(data.draw, out.shape, integer)
    tx = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    tw = torch.tensor(w, dtype=torch.float64, requires_grad=True)
    F.conv_transpose2d(tx, tw, None, **kwargs).backward(torch.tensor(g, dtype=torch.float64))
    assert_gradient_equal(grad.conv_transpose2d_input(x.shape, w, g, **kwargs), tx.grad, integer)
    assert_gradient_equal(grad.conv_transpose2d_weight(x, w.shape, g, **kwargs), tw.grad, integer)
    assert_gradient_equal(grad.conv_transpose2d_bias(g), g.sum(axis=(0, 2, 3)), integer)


def test_conv_transpose2d_teaching_shapes() -> None:
    rng = np.random.default_rng(1)
    x, w = rng.integers(-3, 4, (2, 3, 3)), rng.integers(-3, 4, (2, 2, 2))
    g = rng.integers(-3, 4, conv_transpose2d(x, w, stride=2).shape)
    x4, w4 = x[None], w[:, None]  # (C, kH, kW) maps C channels to one
    np.testing.assert_array_equal(
        grad.conv_transpose2d_input(x.shape, w, g, stride=2),
        grad.conv_transpose2d_input(x4.shape, w4, g[None, None], stride=2)[0],
    )
    np.testing.assert_array_equal(
        grad.conv_transpose2d_weight(x, w.shape, g, stride=2),
        grad.conv_transpose2d_weight(x4, w4.shape, g[None, None], stride=2)[:, 0],
    )


# -- pooling ---------------------------------------------------------------------------------


@st.composite
def pool_cases(draw: st.DrawFn) -> dict[str, Any]:
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    return {
        "kernel_size": kernel,
        "stride": (draw(st.integers(1, 3)), draw(st.integers(1, 3))),
        "padding": (draw(st.integers(0, kernel[0] // 2)), draw(st.integers(0, kernel[1] // 2))),
        "ceil_mode": draw(st.booleans()),
    }


@GRAD_SETTINGS
@given(pool_cases(), st.integers(1, 2), st.data())
def test_max_pool2d_gradient_goes_to_the_winner_as_in_torch(
    options: dict[str, Any], dilation: int, data: st.DataObject
) -> None:
    # Values from a few levels, so windows hold ties; torch's backward is the reference.
    spans = [dilation * (k - 1) + 1 for k in options["kernel_size"]]
    shape = (2, 2, spans[0] + data.draw(st.integers(0, 4)), spans[1] + data.draw(st.integers(0, 4)))
    x = data.draw(
        st.integers(0, 2**32 - 1).map(
            lambda seed: np.random.default_rng(seed).integers(0, 3, shape).astype(np.float64)
        )
    )
    options = {**options, "dilation": dilation}
    g = np.random.default_rng(0).uniform(-1, 1, max_pool2d(x, **options).shape)
    tx = torch.tensor(x, requires_grad=True)
    F.max_pool2d(tx, **options).backward(torch.tensor(g))
    assert_gradient_equal(grad.max_pool2d_input(x, g, **options), tx.grad, False)


def test_max_pool2d_ties_go_to_the_first_cell_and_overlaps_add() -> None:
    ones = np.ones((3, 3), dtype=int)
    tied = grad.max_pool2d_input(ones, [[7]], 3)
    np.testing.assert_array_equal(tied, [[7, 0, 0], [0, 0, 0], [0, 0, 0]])
    peak = np.array([[0, 0, 0], [0, 5, 0], [0, 0, 0]])
    shared = grad.max_pool2d_input(peak, [[1, 2], [3, 4]], 2, stride=1)
    np.testing.assert_array_equal(shared, [[0, 0, 0], [0, 10, 0], [0, 0, 0]])
    for x, g, kwargs in (
        (ones, [[7.0]], {"kernel_size": 3}),
        (peak, [[1.0, 2], [3, 4]], {"kernel_size": 2, "stride": 1}),
    ):
        tx = torch.tensor(x * 1.0, requires_grad=True)
        F.max_pool2d(tx[None], **kwargs).backward(torch.tensor([g]))
        assert_gradient_equal(grad.max_pool2d_input(x, g, **kwargs), tx.grad, False)


@GRAD_SETTINGS
@given(pool_cases(), st.booleans(), st.sampled_from([None, 1, 5]), st.data())
def test_avg_pool2d_gradient_shares_by_the_divisor_as_in_torch(
    options: dict[str, Any], include_pad: bool, divisor: int | None, data: st.DataObject
) -> None:
    shape = (2, data.draw(st.integers(3, 7)), data.draw(st.integers(3, 7)))
    options = {**options, "count_include_pad": include_pad, "divisor_override": divisor}
    out_shape = avg_pool2d(np.zeros(shape), **options).shape
    g = np.random.default_rng(data.draw(st.integers(0, 99))).uniform(-1, 1, out_shape)
    tx = torch.zeros(shape, dtype=torch.float64, requires_grad=True)
    F.avg_pool2d(tx, **options).backward(torch.tensor(g))
    assert_gradient_equal(grad.avg_pool2d_input(shape, g, **options), tx.grad, False)


# -- d2l's example: learning [[1, -1]] from an edge image ------------------------------------


def test_learning_d2ls_edge_kernel_matches_torch_step_by_step() -> None:
    edges = np.ones((6, 8))
    edges[:, 2:6] = 0
    target = conv2d(edges, np.array([[1.0, -1.0]]))
    start, rate = np.array([[0.2, -0.3]]), 3e-2

    kernel, losses = start.copy(), []
    for _ in range(10):
        error = conv2d(edges, kernel) - target
        losses.append(float((error**2).sum()))
        kernel = kernel - rate * grad.conv2d_weight(edges, kernel.shape, 2 * error)

    layer = torch.nn.Conv2d(1, 1, kernel_size=(1, 2), bias=False).double()
    layer.weight.data[:] = torch.tensor(start)
    torch_x, torch_y = torch.tensor(edges)[None, None], torch.tensor(target)[None, None]
    torch_losses = []
    for _ in range(10):
        loss = ((layer(torch_x) - torch_y) ** 2).sum()
        layer.zero_grad()
        loss.backward()
        torch_losses.append(loss.item())
        layer.weight.data[:] -= rate * layer.weight.grad
    np.testing.assert_allclose(kernel, layer.weight.data[0, 0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(losses, torch_losses, rtol=1e-12)
    np.testing.assert_allclose(kernel, [[1, -1]], atol=0.1)
    assert losses[-1] < losses[0] / 10


# -- errors that teach ------------------------------------------------------------------------

X4 = np.zeros((1, 1, 5, 5))
W4 = np.zeros((1, 1, 3, 3))
G4 = np.zeros((1, 1, 3, 3))


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: grad.conv2d_input(5, W4, G4), TypeError, "input_size must be the forward"),
        (lambda: grad.conv2d_input((1, 1, 0, 5), W4, G4), ValueError, "at least 1"),
        (lambda: grad.conv2d_input((1, 5, 5, 5, 5), W4, G4), TypeError, "2, 3 or 4 ints"),
        (lambda: grad.conv2d_weight(X4, "3x3", G4), TypeError, "weight_size must be"),
        (
            lambda: grad.conv2d_input(X4.shape, W4, np.zeros((1, 1, 4, 4))),
            ValueError,
            "grad_output has shape (1, 1, 4, 4) but the forward pass",
        ),
        (
            lambda: grad.conv2d_weight(X4, W4.shape, np.zeros((3, 3))),
            ValueError,
            "output of shape (1, 1, 3, 3)",
        ),
        (lambda: grad.conv2d_input(X4.shape, W4, [["a"]]), TypeError, "grad_output must hold"),
        (
            lambda: grad.conv1d_weight([1, 2, 3, 4], (2,), [1, 1]),
            ValueError,
            "grad_output has shape (2,) but the forward pass with these arguments gives an "
            "output of shape (3,)",
        ),
        (lambda: grad.conv2d_input(X4.shape, W4 > 0, G4), TypeError, "weight must hold"),
        (lambda: grad.conv2d_weight([[1, 2], [3]], W4.shape, G4), TypeError, "input must be"),
        (lambda: grad.conv2d_input(X4.shape, W4, G4, stride=0), ValueError, "stride must be"),
        (lambda: grad.conv2d_input(X4.shape, W4, G4, padding="half"), ValueError, "'half'"),
        (
            lambda: grad.conv2d_input(X4.shape, W4, G4, padding_mode="mirror"),
            ValueError,
            "padding_mode must be one of",
        ),
        (lambda: grad.conv2d_input((1, 1, 2, 2), W4, G4), ValueError, "does not fit"),
        (lambda: grad.conv2d_input((1, 2, 5, 5), W4, G4), ValueError, "channel mismatch"),
        (lambda: grad.conv2d_input(X4.shape, W4, G4, groups=2), ValueError, "groups=2"),
        (
            lambda: grad.conv2d_input(
                X4.shape, W4, np.zeros((1, 1, 13, 13)), padding=5, padding_mode="reflect"
            ),
            ValueError,
            "reflect",
        ),
        (lambda: grad.conv2d_bias(np.zeros((1, 1, 1, 2, 2))), ValueError, "grad_output must be"),
        (
            lambda: grad.conv1d_input((1, 1, 5), W4[..., 0, :], [[[0, 0, 0]]], stride=(1, 2)),
            TypeError,
            "stride for conv1d",
        ),
        (
            lambda: grad.conv_transpose2d_input((1, 1, 2, 2), W4, np.zeros((1, 1, 3, 3))),
            ValueError,
            "output of shape (1, 1, 4, 4)",
        ),
        (
            lambda: grad.conv_transpose2d_weight(X4, W4.shape, G4, output_padding=1),
            ValueError,
            "output_padding",
        ),
        (
            lambda: grad.max_pool2d_input(X4, np.zeros((1, 1, 3, 3)), 2),
            ValueError,
            "the pooling gives an output of shape (1, 1, 2, 2)",
        ),
        (
            lambda: grad.avg_pool2d_input((5, 5), np.zeros((2, 2)), 2, divisor_override=0),
            ValueError,
            "divisor_override must be a positive int",
        ),
        (lambda: grad.avg_pool2d_input("5x5", np.zeros((2, 2)), 2), TypeError, "input_size"),
        (
            lambda: grad.avg_pool2d_input((5, 5), np.zeros((2, 2)), 2, padding=2),
            ValueError,
            "at most half",
        ),
    ],
)
def test_bad_input_is_refused_with_a_message_that_names_it(
    call: Any, error: type[Exception], words: str
) -> None:
    with pytest.raises(error, match=None) as raised:
        call()
    assert words in str(raised.value)


def test_the_grad_module_is_public() -> None:
    import convscope

    assert convscope.grad is grad
    assert set(grad.__all__) >= {"conv2d_input", "conv2d_weight", "max_pool2d_input"}
