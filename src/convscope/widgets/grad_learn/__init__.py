"""The ``grad_learn`` widget: learn a kernel live, a few gradient-descent steps per request.

The server keeps nothing between requests: the page sends the learner's choices and the
learner's state as the last answer gave it (:class:`LearnerState`: the kernel, its velocity,
the random generator of the crops and the losses so far, a few kilobytes), and asks for the next
``steps`` updates; :class:`convscope.learn.KernelLearner` makes them and the answer carries the
new kernel, the loss curve and the new state. Every input is bounded: steps per request, the
run's length, the rate, the momentum, the batch; a rate too large stops the run and the
learner's own words say why.
"""

from __future__ import annotations

import math
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from ...engine import conv2d
from ...kernels import KERNELS
from ...learn import LESSON_IMAGE, KernelLearner
from ...learn.problem import largest_curvature, safe_learning_rate
from ...tracing.numbers import format_number
from ..base import Widget, WidgetInputs, grid, text_grid
from ..field_errors import field_error
from ..pictures import grey_photo, png_url
from .curve import loss_curve

MAX_STEPS = 400
PLAY_STEPS = 2
"""Updates per request while Play runs: the page draws the kernel after each answer."""
"""A run stops after this many updates; Reset starts another (keeps every request small)."""
PHOTO_SIDE = 256
CROP = 32
SHOWN_SIDE = 96  # the photo's centre, filtered by the kernel, as the page shows it

Digits = Annotated[str, Field(pattern=r"^\d{1,40}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class _Counter(_Strict):
    state: Digits
    inc: Digits


class RandomState(_Strict):
    """The crops' random generator (NumPy's PCG64), its big integers written as digits."""

    bit_generator: Literal["PCG64"]
    state: _Counter
    has_uint32: Digits
    uinteger: Digits


class LearnerState(_Strict):
    """Where a run is: what :meth:`KernelLearner.state` holds, minus what the choices rebuild."""

    kernel: grid(5, 5)  # type: ignore[valid-type]
    bias: float
    velocity: grid(5, 5)  # type: ignore[valid-type]
    bias_velocity: float
    start_distance: Annotated[float, Field(ge=0, le=1e9)]
    random: RandomState
    losses: Annotated[
        list[Annotated[float, Field(ge=0, le=1e300)]], Field(max_length=MAX_STEPS + 1)
    ]
    status: Literal["learning", "converged", "diverged"]
    message: Annotated[str, Field(max_length=2000)]
    converged_at: Annotated[int, Field(ge=0, le=MAX_STEPS)] | None


class GradLearnInputs(WidgetInputs):
    """Inputs of the ``grad_learn`` widget.

    Attributes
    ----------
    target : a catalogue name
        The kernel to learn; its output on the image is the target.
    image : {'lesson', 'camera', 'astronaut', 'chelsea', 'coffee'}
        The lesson's 8×8 grid, or a 256×256 photo learned from random 32×32 crops.
    start : {'zeros', 'random'}
    seed : int 0–999
        Seeds the random start and the crops.
    learning_rate : float in [1e-6, 10]
    momentum : float in [0, 0.99]
    batch : int 1–16
        Crops per step (photos only).
    steps : int 0–20
        How many updates this request asks for (0: just show where the run is).
    learner : LearnerState or None
        The run so far, as the last answer gave it; None starts a new run.
    """

    target: Literal[tuple(KERNELS)] = "sobel_x"  # type: ignore[valid-type]
    image: Literal["lesson", "camera", "astronaut", "chelsea", "coffee"] = "lesson"
    start: Literal["zeros", "random"] = "zeros"
    seed: Annotated[int, Field(ge=0, le=999)] = 0
    learning_rate: Annotated[float, Field(ge=1e-6, le=10)] = 0.005
    momentum: Annotated[float, Field(ge=0, le=0.99)] = 0.8
    batch: Annotated[int, Field(ge=1, le=16)] = 8
    steps: Annotated[int, Field(ge=0, le=20)] = 0
    learner: LearnerState | None = None


def _image(name: str) -> NDArray[np.float64]:
    if name == "lesson":
        return np.asarray(LESSON_IMAGE, dtype=np.float64)
    return grey_photo(name, PHOTO_SIDE).astype(np.float64) / 255.0


def _fresh(inputs: GradLearnInputs) -> KernelLearner:
    photo = inputs.image != "lesson"
    return KernelLearner(
        inputs.target,
        _image(inputs.image),
        learning_rate=inputs.learning_rate,
        momentum=inputs.momentum,
        start=inputs.start,
        crop=CROP if photo else None,
        batch=inputs.batch,
        seed=inputs.seed,
    )


def _learner(inputs: GradLearnInputs) -> KernelLearner:
    """Return a new learner, or the one the page's state describes under its current choices."""
    saved = inputs.learner
    if saved is None:
        return _fresh(inputs)
    target = KERNELS[inputs.target].values
    if np.shape(saved.kernel) != target.shape or np.shape(saved.velocity) != target.shape:
        raise field_error("learner", _DOES_NOT_FIT)
    settings = {
        "target": inputs.target,
        "image": _image(inputs.image),
        "learning_rate": inputs.learning_rate,
        "momentum": inputs.momentum,
        "start": inputs.start,
        "crop": None if inputs.image == "lesson" else CROP,
        "batch": inputs.batch,
        "seed": inputs.seed,
    }
    history = {
        "target": target.tolist(),
        "target_output": None,  # the page's target output is drawn from the target itself
        "losses": saved.losses,
        "kernels": [],
        "biases": [],
        "outputs": [],
        "statuses": [],
        "status": saved.status,
        "message": saved.message,
        "converged_at": saved.converged_at,
    }
    state = saved.model_dump(exclude={"losses", "status", "message", "converged_at"})
    state |= {"settings": settings, "history": history}
    try:
        return KernelLearner.from_state(state)
    except (ValueError, TypeError, KeyError):
        raise field_error("learner", _DOES_NOT_FIT) from None


_DOES_NOT_FIT = "the run the page sent does not fit these choices; press Reset to start again"


def _learner_state(learner: KernelLearner) -> dict[str, Any]:
    full = learner.state()
    history = learner.history
    return {
        "kernel": full["kernel"],
        "bias": full["bias"],
        "velocity": full["velocity"],
        "bias_velocity": full["bias_velocity"],
        "start_distance": full["start_distance"],
        "random": full["random"],
        "losses": list(history.losses),
        "status": history.status,
        "message": history.message,
        "converged_at": history.converged_at,
    }


def _centre(image: str) -> NDArray[np.float64]:
    top = (PHOTO_SIDE - SHOWN_SIDE) // 2
    return _image(image)[top : top + SHOWN_SIDE, top : top + SHOWN_SIDE]


@lru_cache(maxsize=64)
def _target_picture(image: str, target: str) -> tuple[str, float]:
    """Return the photo's centre through the target kernel, and the scale both are drawn on."""
    wanted = conv2d(_centre(image), KERNELS[target].values)
    scale = float(np.abs(wanted).max()) or 1.0
    return png_url(_grey(wanted, scale)), scale


def _pictures(learner: KernelLearner, inputs: GradLearnInputs) -> dict[str, Any] | None:
    """Return the photo's centre through the target and through the kernel now, or None."""
    if inputs.image == "lesson":
        return None
    wanted, scale = _target_picture(inputs.image, inputs.target)
    now = conv2d(_centre(inputs.image), learner.kernel)
    return {"target": wanted, "now": png_url(_grey(now, scale))}


def _grey(values: NDArray[Any], scale: float) -> NDArray[np.uint8]:
    """Return ``values`` as grey pixels: 0 mid-grey, ``±scale`` white and black."""
    levels = (np.clip(values / scale, -1, 1) + 1) * 127.5
    return np.round(levels).astype(np.uint8)


def _outputs(learner: KernelLearner, inputs: GradLearnInputs) -> dict[str, Any] | None:
    """Return the lesson grid's output now and its target output, as the page writes them."""
    if inputs.image != "lesson":
        return None
    target = conv2d(learner.image, learner.target)
    now = conv2d(learner.image, learner.kernel) + learner.bias
    return {"now": text_grid(np.round(now, 3).tolist()), "target": text_grid(target.tolist())}


def _run(learner: KernelLearner, wanted: int) -> tuple[int, str]:
    """Make up to ``wanted`` updates; return how many were made and why it stopped short.

    A request stops at the step where the run converges, so Play halts exactly there.
    """
    room = MAX_STEPS - learner.step_count
    if wanted and room <= 0:
        return 0, f"this run has reached {MAX_STEPS} steps; press Reset to start another"
    if wanted == 0 or learner.history.status == "diverged":
        return 0, ""
    before, was = learner.step_count, learner.history.status
    for _ in range(min(wanted, room)):
        if learner.step().status != was:
            break
    return learner.step_count - before, ""


def build_state(inputs: GradLearnInputs) -> dict[str, Any]:
    """Return the run after ``steps`` more updates: kernel, loss curve, outputs, new state.

    Examples
    --------
    >>> state = build_state(GradLearnInputs(steps=3))
    >>> state["step"], state["kernel"][0]
    (3, ['−0.6857', '−0.0205', '0.9023'])
    """
    learner = _learner(inputs)
    made, note = _run(learner, inputs.steps)
    history = learner.history
    gap = float(np.abs(learner.kernel - learner.target).max())
    echoed = inputs.model_dump() | {"steps": 0, "learner": _learner_state(learner)}
    return {
        "inputs": echoed,
        "step": learner.step_count,
        "made": made,
        "max_steps": MAX_STEPS,
        "play_steps": PLAY_STEPS,
        "target_kernel": text_grid(learner.target.tolist()),
        "kernel": text_grid(np.round(learner.kernel, 4).tolist()),
        "loss": format_number(history.losses[-1]),
        "gap": format_number(gap),
        "status": history.status,
        "message": history.message or note,
        "note": note,
        "converged_at": history.converged_at,
        "safe_rate": format_number(_safe_rate(inputs.image, inputs.target, inputs.momentum)),
        "curve": loss_curve(history.losses, MAX_STEPS),
        "outputs": _outputs(learner, inputs),
        "pictures": _pictures(learner, inputs),
        "targets": [[name, kernel.title] for name, kernel in KERNELS.items()],
    }


@lru_cache(maxsize=256)
def _safe_rate(image: str, target: str, momentum: float) -> float:
    """Return 2(1 + momentum)/λ_max for the whole image: no rate below it can diverge."""
    shape = KERNELS[target].values.shape
    rate = safe_learning_rate(largest_curvature(_image(image)[None, None], shape, False), momentum)
    return rate if math.isfinite(rate) else 0.0


def play_request(state: dict[str, Any]) -> dict[str, Any] | None:
    """Return what Play asks for after showing ``state``, or ``None`` where it stops.

    Play stops once the run converged or stopped, and at :data:`MAX_STEPS`, as the page does.
    """
    if state["status"] != "learning" or state["step"] >= state["max_steps"]:
        return None
    return {**state["inputs"], "steps": state["play_steps"]}


WIDGET = Widget(
    name="grad_learn",
    inputs=GradLearnInputs,
    build=build_state,
    esm=Path(__file__).with_name("grad_learn.js"),
    css=Path(__file__).with_name("grad_learn.css"),
    follow_up=play_request,
)
