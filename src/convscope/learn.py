"""Learning a kernel by gradient descent, step by step, with every step kept.

A target kernel (a catalogue name or an array) makes a target output from an image with the
engine's own :func:`convscope.conv2d`; a kernel that starts from zeros or seeded random
numbers then follows the gradient of the mean squared error between its output and the
target, computed by :func:`convscope.grad.conv2d_weight`, with a learning rate and momentum
(as ``torch.optim.SGD``). A photo is learned from a seeded batch of random crops per step.

:class:`KernelLearner` runs one step at a time (a server's play, pause and step) and its
state round-trips through JSON; :func:`learn_kernel` runs N steps and returns the
:class:`LearnHistory`. A learning rate too large for the image is stopped and explained in
words, with the largest rate that is safe, never left to fill the grids with NaN.

Examples
--------
>>> from convscope import learn_kernel
>>> history = learn_kernel("sobel_x", steps=100)
>>> history.status, history.converged_at
('converged', 66)
>>> history.kernels[-1].round(3) + 0.0  # + 0.0 turns -0.0 into 0.0
array([[-1.,  0.,  1.],
       [-2.,  0.,  2.],
       [-1.,  0.,  1.]])
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray

from . import kernels
from .engine import conv2d
from .engine.grad import conv2d_weight

__all__ = ["EDGES", "LESSON_IMAGE", "KernelLearner", "LearnHistory", "learn_kernel"]

Status = Literal["learning", "converged", "diverged"]

LESSON_IMAGE = np.array(
    [
        [0, 0, 0, 0, 0, 0, 0, 9],
        [0, 8, 8, 8, 0, 0, 9, 0],
        [0, 8, 8, 8, 0, 9, 0, 0],
        [0, 8, 8, 8, 9, 0, 0, 0],
        [0, 0, 0, 9, 2, 2, 2, 0],
        [0, 0, 9, 0, 2, 5, 2, 0],
        [0, 9, 0, 0, 2, 2, 2, 0],
        [9, 0, 0, 0, 0, 0, 0, 0],
    ]
)
"""The lesson's 8×8 picture: a bright square, a diagonal line, a dim square with a brighter
centre. Its 3×3 windows span every direction, so a 3×3 kernel is fixed by its output."""
LESSON_IMAGE.flags.writeable = False

EDGES = np.ones((6, 8), dtype=np.int64)
EDGES[:, 2:6] = 0
EDGES.flags.writeable = False
"""d2l's 6×8 image: ones with a black band in columns 2–5, so two vertical edges."""

OUTPUT_CELLS_RECORDED = 256
"""Outputs up to this many cells are kept in the history by default (the page draws them)."""


@dataclass
class LearnHistory:
    """Every recorded step of a learning run: the loss, the kernel, the bias, the output.

    Entry ``i`` is the state after ``i`` updates (entry 0 is the start): ``losses[i]`` is the
    mean squared error of ``kernels[i]`` on that step's image (or batch of crops), the loss a
    ``torch`` loop prints before its ``i``-th update.

    Attributes
    ----------
    target : ndarray
        The kernel being learned.
    target_output : ndarray or None
        The target image (the engine's output of ``target``), for images small enough.
    losses, kernels, biases, outputs, statuses : list
        One item per recorded step; ``outputs`` holds None when outputs are not recorded.
    status : {'learning', 'converged', 'diverged'}
        The run's status now.
    message : str
        What happened, in words (why a run diverged, when it converged).
    converged_at : int or None
        The first step whose kernel (and bias) is within the tolerance of the target.
    """

    target: NDArray[np.float64]
    target_output: NDArray[np.float64] | None
    losses: list[float] = field(default_factory=list)
    kernels: list[NDArray[np.float64]] = field(default_factory=list)
    biases: list[float] = field(default_factory=list)
    outputs: list[NDArray[np.float64] | None] = field(default_factory=list)
    statuses: list[Status] = field(default_factory=list)
    status: Status = "learning"
    message: str = ""
    converged_at: int | None = None

    @property
    def steps(self) -> int:
        """Return how many updates the history holds (entries minus the start)."""
        return len(self.losses) - 1

    def to_json(self) -> dict[str, Any]:
        """Return a JSON-ready dict: arrays as nested lists, one list per recorded quantity."""
        return {
            "target": self.target.tolist(),
            "target_output": _listed(self.target_output),
            "losses": list(self.losses),
            "kernels": [kernel.tolist() for kernel in self.kernels],
            "biases": list(self.biases),
            "outputs": [_listed(output) for output in self.outputs],
            "statuses": list(self.statuses),
            "status": self.status,
            "message": self.message,
            "converged_at": self.converged_at,
        }


def _listed(values: NDArray[Any] | None) -> Any:
    return None if values is None else values.tolist()


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
        self.target = _target_kernel(target)
        self.image = _image(LESSON_IMAGE if image is None else image)
        self.crop, self.batch = _crop(crop, batch, self.image.shape, self.target.shape)
        _check_fits(self.target.shape, self.image.shape, self.crop)
        self.learning_rate = _positive("learning_rate", learning_rate)
        self.momentum = _fraction("momentum", momentum)
        self.learns_bias, self.target_bias = bool(bias), _finite("target_bias", target_bias)
        self.tolerance = _positive("tolerance", tolerance)
        self.growth_limit = _positive("growth_limit", growth_limit)
        self.seed = _integer("seed", seed)
        self._rng = np.random.default_rng(self.seed)
        self.kernel = _start_kernel(start, self.target.shape, self._rng)
        self.start = start if isinstance(start, str) else self.kernel.tolist()
        self.bias = 0.0
        self._velocity = np.zeros_like(self.kernel)
        self._bias_velocity = 0.0
        self._records = _records_outputs(record_outputs, self.crop, self.image.shape, self.target)
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
        count = _integer("steps", steps)
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
        windows = sliding_window_view(self._batch[:, 0], self.kernel.shape, axis=(1, 2))
        columns = windows.reshape(-1, self.kernel.size)
        if self.learns_bias:
            columns = np.hstack([columns, np.ones((columns.shape[0], 1))])
        gram = columns.T @ columns
        return float(2.0 / columns.shape[0] * np.linalg.eigvalsh(gram)[-1])

    def safe_learning_rate(self) -> float:
        """Return the rate below which this step cannot diverge: ``2(1 + momentum) / λ_max``.

        Gradient descent with momentum (heavy ball) on a quadratic is stable exactly when
        ``learning_rate · λ < 2(1 + momentum)`` for every eigenvalue ``λ`` of the Hessian.
        """
        curvature = self.largest_curvature()
        return math.inf if curvature == 0 else 2.0 * (1.0 + self.momentum) / curvature

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
        learner.history = _history_from_json(state["history"])
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
            corners = _corners(self.image.shape, self.crop, self.batch, self._rng)
            self._batch = _crops(self.image, corners, (self.crop, self.crop))
            self._target_output = _crops(self._image_target[0, 0], corners, tuple(seen))
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
        limit = self.growth_limit * max(self._start_distance, float(np.abs(self.target).max()))
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
            f"{self.learning_rate:g} is too large for this image; try <= {_below(bound)}. "
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


# -- checking the arguments -------------------------------------------------------------------


def _target_kernel(target: object) -> NDArray[np.float64]:
    if isinstance(target, str):
        return np.asarray(kernels.get(target).values, dtype=np.float64)
    values = _numbers("target", target)
    if values.ndim != 2:
        raise ValueError(
            f"target must be a catalogue name or a 2-D kernel, got an array of shape "
            f"{values.shape}; give e.g. [[1, -1]] or 'sobel_x'"
        )
    return values


def _image(image: object) -> NDArray[np.float64]:
    values = _numbers("image", image)
    if values.ndim != 2:
        raise ValueError(
            f"image must be a 2-D grid of numbers (rows × columns), got shape {values.shape}; "
            "give a list of rows, or a photo's grey values"
        )
    return values


def _numbers(name: str, values: object) -> NDArray[np.float64]:
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be an array of numbers, got {values!r:.60}") from None
    if array.size == 0 or not np.isfinite(array).all():
        raise ValueError(f"{name} must hold finite numbers and at least one, got {array!r:.60}")
    return array


def _check_fits(kernel: tuple[int, ...], image: tuple[int, ...], crop: int | None) -> None:
    rows, columns = (crop, crop) if crop is not None else image
    if kernel[0] > rows or kernel[1] > columns:
        where = f"crops of {crop}×{crop}" if crop is not None else f"the image {rows}×{columns}"
        raise ValueError(
            f"target kernel {kernel[0]}×{kernel[1]} does not fit {where}; use a smaller "
            f"kernel or an image of at least {kernel[0]}×{kernel[1]}"
        )


def _crop(
    crop: int | None, batch: int, image: tuple[int, ...], kernel: tuple[int, ...]
) -> tuple[int | None, int]:
    if crop is None:
        return None, _integer("batch", batch)
    size = _integer("crop", crop)
    if not 1 <= size <= min(image):
        raise ValueError(
            f"crop must be between 1 and the image's shorter side ({min(image)}), got {crop!r}"
        )
    count = _integer("batch", batch)
    if count < 1:
        raise ValueError(f"batch must be >= 1 crops per step, got {batch!r}")
    return size, count


def _integer(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an int, got {value!r}")
    return int(value)


def _finite(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    return float(value)


def _positive(name: str, value: object) -> float:
    number = _finite(name, value)
    if number <= 0:
        raise ValueError(f"{name} must be > 0, got {value!r}; try a small positive number")
    return number


def _fraction(name: str, value: object) -> float:
    number = _finite(name, value)
    if not 0 <= number < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}; 0 is plain descent")
    return number


def _start_kernel(start: object, shape: tuple[int, ...], rng: np.random.Generator) -> Any:
    if isinstance(start, str) and start in ("zeros", "random"):
        return np.zeros(shape) if start == "zeros" else rng.normal(0.0, 0.1, shape)
    if isinstance(start, str):
        raise ValueError(f"start must be 'zeros', 'random' or a kernel, got {start!r}")
    kernel = _numbers("start", start)
    if kernel.shape != shape:
        raise ValueError(
            f"start must have the target's shape {shape}, got {kernel.shape}; "
            "or give 'zeros' or 'random'"
        )
    return kernel.copy()


def _records_outputs(
    asked: bool | None, crop: int | None, image: tuple[int, ...], target: NDArray[Any]
) -> bool:
    if asked is not None:
        return bool(asked)
    cells = (image[0] - target.shape[0] + 1) * (image[1] - target.shape[1] + 1)
    return crop is None and cells <= OUTPUT_CELLS_RECORDED


def _corners(
    image: tuple[int, ...], size: int, count: int, rng: np.random.Generator
) -> list[tuple[int, int]]:
    tops = rng.integers(0, image[0] - size + 1, count)
    lefts = rng.integers(0, image[1] - size + 1, count)
    return [(int(top), int(left)) for top, left in zip(tops, lefts, strict=True)]


def _crops(
    image: NDArray[np.float64], corners: list[tuple[int, int]], shape: tuple[int, ...]
) -> NDArray[np.float64]:
    rows, columns = shape
    crops = [image[top : top + rows, left : left + columns] for top, left in corners]
    return np.stack(crops)[:, None]


def _below(bound: float) -> str:
    """Return ``bound`` rounded down to two significant figures, as text."""
    scale = 10.0 ** (math.floor(math.log10(bound)) - 1)
    return f"{math.floor(bound / scale) * scale:.2g}"


def _text_ints(value: Any) -> Any:
    # The generator's state holds 128-bit ints, which JSON readers in the browser would round.
    if isinstance(value, dict):
        return {key: _text_ints(item) for key, item in value.items()}
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _int_texts(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _int_texts(item) for key, item in value.items()}
    return int(value) if isinstance(value, str) and value.isdigit() else value


def _history_from_json(data: dict[str, Any]) -> LearnHistory:
    def array(values: Any) -> Any:
        return None if values is None else np.array(values, dtype=np.float64)

    return LearnHistory(
        target=np.array(data["target"], dtype=np.float64),
        target_output=array(data["target_output"]),
        losses=list(data["losses"]),
        kernels=[np.array(kernel, dtype=np.float64) for kernel in data["kernels"]],
        biases=list(data["biases"]),
        outputs=[array(output) for output in data["outputs"]],
        statuses=list(data["statuses"]),
        status=data["status"],
        message=data["message"],
        converged_at=data["converged_at"],
    )
