"""The learner: gradient descent on a kernel, one step at a time, its state round-tripping JSON.

:class:`KernelLearner` holds the kernel, its velocity and the random generator of the crops,
makes one update per :meth:`~KernelLearner.step` and records it in a
:class:`~convscope.learn.history.LearnHistory`; :func:`learn_kernel` runs N steps.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ..engine import conv2d
from ..engine.grad import conv2d_weight
from .checks import (
    check_fits,
    crop_and_batch,
    finite,
    fraction,
    image_grid,
    integer,
    positive,
    start_kernel,
    target_kernel,
)
from .history import LearnHistory, history_from_json
from .problem import (
    EDGES,  # noqa: F401  (the examples use it)
    LESSON_IMAGE,
    below,
    corners,
    crops,
    divergence_limit,
    largest_curvature,
    records_outputs,
    safe_learning_rate,
)

__all__ = ["KernelLearner", "learn_kernel"]


class KernelLearner:
    """Gradient descent on a kernel, one step at a time, every step kept in :attr:`history`.

    Parameters
    ----------
    target : str or array_like
        A catalogue name (``"sobel_x"``, ``"Gaussian blur"``, …) or a 2-D array of weights.
    image : array_like, optional
        A 2-D grid of numbers; :data:`LESSON_IMAGE` when omitted.
    learning_rate : float
        The step size, > 0.
    momentum : float
        In [0, 1), as ``torch.optim.SGD``: ``v = momentum·v + g``, ``w -= learning_rate·v``.
    start : {'zeros', 'random'} or array_like
        The first kernel: zeros, normal numbers of standard deviation 0.1 from ``seed``, or
        the numbers given (of the target's shape).
    bias : bool
        Learn a bias too (its target is ``target_bias``).
    target_bias : float
        The bias that made the target output.
    crop : int, optional
        Learn from ``batch`` random ``crop × crop`` crops of the image per step (a photo).
    batch : int
        How many crops per step, when ``crop`` is given.
    seed : int
        Seeds the random start and the crops: the same seed gives the same run.
    tolerance : float
        The run has converged when every weight (and the bias) is this close to the target.
    record_outputs : bool, optional
        Keep each step's output; by default when one output has at most 256 cells.
    growth_limit : float
        The run diverged when the kernel's distance from the target grows past this many
        times its largest sensible size (the start's distance, the target's size).

    Examples
    --------
    >>> learner = KernelLearner([[1, -1]], EDGES, learning_rate=0.4)
    >>> learner.run(2).losses
    [0.2857142857142857, 0.22413994169096207, 0.1372382459689415]
    """

    def __init__(
        self,
        target: object = "sobel_x",
        image: object = None,
        *,
        learning_rate: float = 0.005,
        momentum: float = 0.8,
        start: object = "zeros",
        bias: bool = False,
        target_bias: float = 0.0,
        crop: int | None = None,
        batch: int = 8,
        seed: int = 0,
        tolerance: float = 1e-3,
        record_outputs: bool | None = None,
        growth_limit: float = 10.0,
    ) -> None:
        self.target = target_kernel(target)
        self.image = image_grid(LESSON_IMAGE if image is None else image)
        self.crop, self.batch = crop_and_batch(crop, batch, self.image.shape, self.target.shape)
        check_fits(self.target.shape, self.image.shape, self.crop)
        self.learning_rate = positive("learning_rate", learning_rate)
        self.momentum = fraction("momentum", momentum)
        self.learns_bias, self.target_bias = bool(bias), finite("target_bias", target_bias)
        self.tolerance = positive("tolerance", tolerance)
        self.growth_limit = positive("growth_limit", growth_limit)
        self.seed = integer("seed", seed)
        self._rng = np.random.default_rng(self.seed)
        self.kernel = start_kernel(start, self.target.shape, self._rng)
        self.start = start if isinstance(start, str) else self.kernel.tolist()
        self.bias = 0.0
        self._velocity = np.zeros_like(self.kernel)
        self._bias_velocity = 0.0
        self._records = records_outputs(record_outputs, self.crop, self.image.shape, self.target)
        self._start_distance = self._distance()
        self._image_target = conv2d(self.image[None, None], self.target[None, None])
        self._image_target += self.target_bias
        self._next_batch()
        self.history = LearnHistory(self.target.copy(), self._full_target_output())
        self._record()

    # -- the learning step --------------------------------------------------------------------

    @property
    def step_count(self) -> int:
        """Return how many updates have been made."""
        return self.history.steps

    def step(self) -> LearnHistory:
        """Make one update (unless the run has diverged) and return the history."""
        if self.history.status == "diverged":
            return self.history
        grad_output = 2.0 * self._error / self._error.size
        weight_gradient = conv2d_weight(self._batch, (1, 1, *self.kernel.shape), grad_output)
        self._velocity = self.momentum * self._velocity + weight_gradient[0, 0]
        kernel = self.kernel - self.learning_rate * self._velocity
        if self.learns_bias:
            self._bias_velocity = self.momentum * self._bias_velocity + float(grad_output.sum())
            self.bias = self.bias - self.learning_rate * self._bias_velocity
        if not (np.isfinite(kernel).all() and math.isfinite(self.bias)):
            return self._diverge(f"the kernel's numbers overflowed at step {self.step_count + 1}")
        self.kernel = kernel
        self._next_batch()
        self._record()
        return self.history

    def run(self, steps: int) -> LearnHistory:
        """Make ``steps`` updates (fewer when the run diverges) and return the history."""
        count = integer("steps", steps)
        if count < 1:
            raise ValueError(f"steps must be >= 1, got {steps!r}; give how many updates to make")
        for _ in range(count):
            if self.step().status == "diverged":
                break
        return self.history

    # -- the safe learning rate ---------------------------------------------------------------

    def largest_curvature(self) -> float:
        """Return λ_max of the loss's Hessian on this step's image (or batch of crops).

        The output is ``A @ w (+ b)`` where ``A`` is the ``N × k`` im2col matrix (one row per
        output cell, one column per weight, plus a column of ones for a learned bias), so the
        mean squared error has the constant Hessian ``(2/N)·AᵀA``. Its largest eigenvalue is
        computed from the ``k × k`` matrix ``AᵀA``.
        """
        return largest_curvature(self._batch, self.kernel.shape, self.learns_bias)

    def safe_learning_rate(self) -> float:
        """Return the rate below which this step cannot diverge: ``2(1 + momentum) / λ_max``.

        Gradient descent with momentum (heavy ball) on a quadratic is stable exactly when
        ``learning_rate · λ < 2(1 + momentum)`` for every eigenvalue ``λ`` of the Hessian.
        """
        return safe_learning_rate(self.largest_curvature(), self.momentum)

    # -- serialising --------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        """Return everything needed to go on from here, JSON-ready (see :meth:`from_state`)."""
        return {
            "settings": self._settings(),
            "kernel": self.kernel.tolist(),
            "bias": self.bias,
            "velocity": self._velocity.tolist(),
            "bias_velocity": self._bias_velocity,
            "start_distance": self._start_distance,
            "random": _text_ints(self._batch_rng_state),
            "history": self.history.to_json(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> KernelLearner:
        """Return the learner :meth:`state` described, ready to make its next step."""
        learner = cls(**state["settings"])
        learner.kernel = np.array(state["kernel"], dtype=np.float64)
        learner.bias = float(state["bias"])
        learner._velocity = np.array(state["velocity"], dtype=np.float64)
        learner._bias_velocity = float(state["bias_velocity"])
        learner._start_distance = float(state["start_distance"])
        learner._rng.bit_generator.state = _int_texts(state["random"])
        learner.history = history_from_json(state["history"])
        learner._next_batch()
        return learner

    # -- private parts ------------------------------------------------------------------------

    def _settings(self) -> dict[str, Any]:
        return {
            "target": self.target.tolist(),
            "image": self.image.tolist(),
            "learning_rate": self.learning_rate,
            "momentum": self.momentum,
            "start": self.start,
            "bias": self.learns_bias,
            "target_bias": self.target_bias,
            "crop": self.crop,
            "batch": self.batch,
            "seed": self.seed,
            "tolerance": self.tolerance,
            "record_outputs": self._records,
            "growth_limit": self.growth_limit,
        }

    def _next_batch(self) -> None:
        self._batch_rng_state = self._rng.bit_generator.state
        if self.crop is None:
            self._batch, self._target_output = self.image[None, None], self._image_target
        else:
            # A crop's valid output is the same crop of the whole image's valid output.
            seen = self.crop - np.array(self.target.shape) + 1
            where = corners(self.image.shape, self.crop, self.batch, self._rng)
            self._batch = crops(self.image, where, (self.crop, self.crop))
            self._target_output = crops(self._image_target[0, 0], where, tuple(seen))
        self._forward()

    def _forward(self) -> None:
        output = conv2d(self._batch, self.kernel[None, None]) + self.bias
        self._output = output
        self._error = output - self._target_output

    def _distance(self) -> float:
        weights = float(np.abs(self.kernel - self.target).max())
        return max(weights, abs(self.bias - self.target_bias))

    def _record(self) -> None:
        history = self.history
        with np.errstate(over="ignore", invalid="ignore"):
            loss = float(np.mean(self._error**2))
        distance = self._distance()
        limit = divergence_limit(self.growth_limit, self._start_distance, self.target)
        if not math.isfinite(loss):
            self._diverge(f"the loss overflowed at step {history.steps + 1}")
            return
        history.losses.append(loss)
        history.kernels.append(self.kernel.copy())
        history.biases.append(self.bias)
        history.outputs.append(self._output[0, 0].copy() if self._records else None)
        if distance > limit:
            history.statuses.append("diverged")
            self._diverge(f"the kernel moved {distance:.3g} away from the target")
            return
        history.status = "converged" if distance <= self.tolerance else "learning"
        if history.status == "converged" and history.converged_at is None:
            history.converged_at = history.steps
            history.message = (
                f"every weight is within {self.tolerance:g} of the target from step {history.steps}"
            )
        history.statuses.append(history.status)

    def _diverge(self, what: str) -> LearnHistory:
        history = self.history
        history.status = "diverged"
        first, last = history.losses[0], max(history.losses)
        curvature = self.largest_curvature()
        bound = self.safe_learning_rate()
        history.message = (
            f"the loss grew from {first:.4g} to {last:.4g} ({what}): the learning rate "
            f"{self.learning_rate:g} is too large for this image; try <= {below(bound)}. "
            f"Why: the loss is a quadratic whose Hessian is (2/N)·AᵀA, A being the "
            f"{self._error.size}×{self.kernel.size + self.learns_bias} matrix of the image's "
            f"windows; its largest eigenvalue is {curvature:.4g}, and gradient descent with "
            f"momentum {self.momentum:g} is stable only below 2(1 + momentum)/λ_max = "
            f"{bound:.4g}."
        )
        return history

    def _full_target_output(self) -> NDArray[np.float64] | None:
        if not self._records:
            return None
        return np.asarray(self._target_output[0, 0], dtype=np.float64).copy()


def learn_kernel(
    target: object = "sobel_x",
    image: object = None,
    *,
    steps: int = 200,
    learning_rate: float = 0.005,
    momentum: float = 0.8,
    start: object = "zeros",
    bias: bool = False,
    crop: int | None = None,
    batch: int = 8,
    seed: int = 0,
    tolerance: float = 1e-3,
    record_outputs: bool | None = None,
) -> LearnHistory:
    """Return the history of learning ``target`` from ``image`` by ``steps`` updates.

    The same run as ``KernelLearner(...).run(steps)``; every argument is
    :class:`KernelLearner`'s. It stops early only when the run diverges.

    Examples
    --------
    >>> history = learn_kernel([[1, -1]], EDGES, steps=30, learning_rate=0.4, momentum=0.5)
    >>> history.status, history.converged_at
    ('converged', 22)
    """
    learner = KernelLearner(
        target,
        image,
        learning_rate=learning_rate,
        momentum=momentum,
        start=start,
        bias=bias,
        crop=crop,
        batch=batch,
        seed=seed,
        tolerance=tolerance,
        record_outputs=record_outputs,
    )
    return learner.run(steps)


def _text_ints(value: Any) -> Any:
    # The generator's state holds 128-bit ints, which JSON readers in the browser would round.
    if isinstance(value, dict):
        return {key: _text_ints(item) for key, item in value.items()}
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _int_texts(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _int_texts(item) for key, item in value.items()}
    return int(value) if isinstance(value, str) and value.isdigit() else value
