"""convscope.learn_kernel: a kernel learned by gradient descent, step by step, as torch does it.

The lesson's default run converges in a number of steps measured once and written out; d2l's
edge example equals the same loop in torch; a learning rate too large is stopped and explained;
momentum and crops are reproducible from a seed; bad arguments are refused in words.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from convscope import KernelLearner, conv2d, kernels, learn_kernel
from convscope.learn import EDGES, LESSON_IMAGE

SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])


def photo(seed: int = 3, size: int = 48) -> np.ndarray:
    """A 'photo' of random grey values in [0, 1] (every crop's windows span every direction)."""
    return np.random.default_rng(seed).uniform(0, 1, (size, size))


# -- converging -------------------------------------------------------------------------------


def test_the_lessons_default_run_learns_sobel_x_within_1e_3_in_66_steps() -> None:
    # The defaults written out: Sobel X from zeros on the 8×8 lesson picture, learning rate
    # 0.005, momentum 0.8, no bias, the whole picture every step.
    history = learn_kernel(
        "sobel_x", LESSON_IMAGE, steps=100, learning_rate=0.005, momentum=0.8, start="zeros"
    )
    assert history.converged_at == 66
    assert history.status == "converged"
    assert np.abs(history.kernels[66] - SOBEL_X).max() <= 1e-3
    assert np.abs(history.kernels[65] - SOBEL_X).max() > 1e-3
    assert history.statuses[:66] == ["learning"] * 66
    assert learn_kernel(steps=100).losses == history.losses  # those are the defaults


def test_the_history_keeps_the_start_every_step_and_the_outputs() -> None:
    history = learn_kernel(steps=5)
    assert history.steps == 5
    assert len(history.kernels) == len(history.outputs) == len(history.statuses) == 6
    np.testing.assert_array_equal(history.kernels[0], np.zeros((3, 3)))
    assert history.target_output is not None
    np.testing.assert_array_equal(history.target_output, conv2d(LESSON_IMAGE, SOBEL_X))
    for kernel, output, loss in zip(history.kernels, history.outputs, history.losses, strict=True):
        assert output is not None
        np.testing.assert_allclose(output, conv2d(LESSON_IMAGE, kernel), rtol=1e-12)
        assert loss == pytest.approx(np.mean((output - history.target_output) ** 2), rel=1e-12)


def test_a_bias_is_learned_when_asked() -> None:
    history = learn_kernel(
        [[1, -1]], LESSON_IMAGE, steps=400, learning_rate=0.01, momentum=0.8, bias=True
    )
    learner = KernelLearner([[1, -1]], LESSON_IMAGE, bias=True, target_bias=2.0)
    learner.run(400)
    assert history.status == "converged"
    assert abs(history.biases[-1]) <= 1e-3
    assert learner.history.status == "converged"
    assert learner.bias == pytest.approx(2.0, abs=1e-3)


# -- the same loop in torch -------------------------------------------------------------------


@pytest.mark.parametrize(("rate", "momentum", "bias"), [(0.4, 0.0, False), (0.3, 0.5, True)])
def test_learning_d2ls_edge_kernel_equals_the_torch_loop(
    rate: float, momentum: float, bias: bool
) -> None:
    torch = pytest.importorskip("torch")
    steps, start = 25, np.array([[0.2, -0.3]])
    history = learn_kernel(
        [[1, -1]], EDGES, steps=steps, learning_rate=rate, momentum=momentum, bias=bias, start=start
    )

    layer = torch.nn.Conv2d(1, 1, kernel_size=(1, 2), bias=bias).double()
    with torch.no_grad():
        layer.weight[:] = torch.tensor(start)
        if bias:
            layer.bias[:] = 0.0
    optimiser = torch.optim.SGD(layer.parameters(), lr=rate, momentum=momentum)
    image = torch.tensor(EDGES, dtype=torch.float64)[None, None]
    target = torch.nn.functional.conv2d(image, torch.tensor([[[[1.0, -1.0]]]]).double())
    torch_losses = []
    for _ in range(steps):
        optimiser.zero_grad()
        loss = torch.nn.functional.mse_loss(layer(image), target)
        loss.backward()
        optimiser.step()
        torch_losses.append(loss.item())

    np.testing.assert_allclose(history.losses[:steps], torch_losses, rtol=1e-12, atol=1e-15)
    torch_kernel = layer.weight.detach()[0, 0].numpy()
    np.testing.assert_allclose(history.kernels[-1], torch_kernel, rtol=1e-12, atol=1e-15)
    if bias:
        assert history.biases[-1] == pytest.approx(layer.bias.item(), rel=1e-12, abs=1e-15)


# -- a learning rate too large ----------------------------------------------------------------


def test_a_diverging_rate_is_stopped_and_explained_without_nan() -> None:
    learner = KernelLearner(learning_rate=0.02, momentum=0.9)
    bound = learner.safe_learning_rate()
    history = learner.run(300)
    assert history.status == "diverged"
    assert history.statuses[-1] == "diverged"
    assert history.steps < 300
    assert "the loss grew from 210.7 to" in history.message
    assert "the learning rate 0.02 is too large for this image; try <= 0.014" in history.message
    assert "(2/N)·AᵀA" in history.message and "36×9" in history.message
    assert bound == pytest.approx(2 * 1.9 / 254.5712663112663)
    assert all(np.isfinite(loss) for loss in history.losses)
    assert all(np.isfinite(kernel).all() for kernel in history.kernels)
    assert all(np.isfinite(output).all() for output in history.outputs if output is not None)
    assert learner.step() is history and history.steps == len(history.losses) - 1  # stays put
    json.dumps(history.to_json(), allow_nan=False)


def test_the_safe_rate_is_the_edge_of_stability() -> None:
    bound = KernelLearner(momentum=0.0).safe_learning_rate()
    below = learn_kernel(steps=600, learning_rate=0.95 * bound, momentum=0.0)
    above = learn_kernel(steps=600, learning_rate=1.05 * bound, momentum=0.0)
    assert below.status == "converged"
    assert above.status == "diverged"


def test_an_astronomical_rate_stops_before_any_number_overflows() -> None:
    history = learn_kernel(steps=10, learning_rate=1e300)
    assert history.status == "diverged"
    assert all(np.isfinite(kernel).all() for kernel in history.kernels)
    assert all(np.isfinite(history.losses))


# -- momentum, crops, seeds, state ------------------------------------------------------------


def test_momentum_reaches_the_target_in_fewer_steps_than_plain_descent() -> None:
    plain = learn_kernel(steps=450, learning_rate=0.005, momentum=0.0)
    heavy = learn_kernel(steps=450, learning_rate=0.005, momentum=0.8)
    assert plain.converged_at is not None and heavy.converged_at is not None
    assert heavy.converged_at < plain.converged_at / 4


def test_crops_of_a_photo_are_reproducible_from_the_seed_and_the_loss_falls() -> None:
    grey = photo()
    settings = dict(crop=12, batch=4, learning_rate=0.2, momentum=0.9, start="random")
    first = learn_kernel("sobel_x", grey, steps=200, seed=7, **settings)  # type: ignore[arg-type]
    again = learn_kernel("sobel_x", grey, steps=200, seed=7, **settings)  # type: ignore[arg-type]
    other = learn_kernel("sobel_x", grey, steps=200, seed=8, **settings)  # type: ignore[arg-type]
    assert first.losses == again.losses
    assert first.losses != other.losses
    assert first.outputs[0] is None and first.target_output is None
    assert np.mean(first.losses[-20:]) < np.mean(first.losses[:20]) / 100
    assert first.status == "converged" and first.converged_at == 127


def test_a_learner_restored_from_its_json_state_goes_on_as_if_never_stopped() -> None:
    settings = dict(crop=12, batch=4, learning_rate=0.2, start="random", seed=5)
    straight = KernelLearner("sobel_y", photo(), **settings)  # type: ignore[arg-type]
    straight.run(20)
    paused = KernelLearner("sobel_y", photo(), **settings)  # type: ignore[arg-type]
    paused.run(10)
    state = json.loads(json.dumps(paused.state()))
    resumed = KernelLearner.from_state(state)
    resumed.run(10)
    assert resumed.history.losses == straight.history.losses
    np.testing.assert_array_equal(resumed.kernel, straight.kernel)


def test_a_catalogue_kernel_is_found_by_its_title_too() -> None:
    learner = KernelLearner("Sobel X")
    np.testing.assert_array_equal(learner.target, kernels.get("sobel_x").values)


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "words"),
    [
        (lambda: learn_kernel("nope"), ValueError, "no kernel named 'nope'; the catalog has"),
        (
            lambda: learn_kernel(np.ones((9, 9))),
            ValueError,
            "target kernel 9×9 does not fit the image 8×8; use a smaller kernel",
        ),
        (
            lambda: learn_kernel(image=np.ones((20, 20)), crop=2),
            ValueError,
            "target kernel 3×3 does not fit crops of 2×2",
        ),
        (lambda: learn_kernel(learning_rate=0), ValueError, "learning_rate must be > 0, got 0"),
        (lambda: learn_kernel(learning_rate=-1.0), ValueError, "got -1.0"),
        (lambda: learn_kernel(momentum=1.0), ValueError, "momentum must be in [0, 1), got 1.0"),
        (lambda: learn_kernel(steps=0), ValueError, "steps must be >= 1, got 0"),
        (lambda: learn_kernel(image=[1, 2, 3]), ValueError, "image must be a 2-D grid"),
        (lambda: learn_kernel(image=[[np.nan]]), ValueError, "image must hold finite numbers"),
        (lambda: learn_kernel(image="cat"), TypeError, "image must be an array of numbers"),
        (lambda: learn_kernel(start="ones"), ValueError, "start must be 'zeros', 'random' or"),
        (lambda: learn_kernel(start=[[1, 2]]), ValueError, "the target's shape (3, 3)"),
        (lambda: learn_kernel(crop=50), ValueError, "crop must be between 1 and the image's"),
        (lambda: learn_kernel(image=np.ones((9, 9)), crop=4, batch=0), ValueError, "batch"),
    ],
)
def test_bad_arguments_are_refused_in_words(call: object, error: type, words: str) -> None:
    with pytest.raises(error) as raised:
        call()  # type: ignore[operator]
    assert words in str(raised.value)
