"""How much faster the engine is than the first lesson's loop, measured rather than quoted.

The first lesson shows a sliding-window loop (``cross_correlate`` in
``lessons/examples/conv2d_loop.py``, the program its ``code_trace`` widget runs line by line).
:func:`lesson_loop` takes that very function out of the file, and
:func:`measure_lesson_speedup` times it against :func:`convscope.conv2d` on the same image.
The lesson's ``speed`` widget and the engine benchmark's case P1 both call these, so the figure
a learner reads and the figure the benchmark reports come from one measurement procedure.

Examples
--------
>>> import numpy as np
>>> loop = lesson_loop()
>>> loop(np.arange(16.0).reshape(4, 4), np.ones((3, 3))).tolist()
[[45.0, 54.0], [81.0, 90.0]]
"""

from __future__ import annotations

import ast
import datetime
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from ...engine import conv2d

LESSON_PROGRAM = Path(__file__).resolve().parents[2] / "lessons" / "examples" / "conv2d_loop.py"
LOOP_NAME = "cross_correlate"
IMAGE_SIZE = 64
KERNEL_SIZE = 3
SEED = 2024

LoopFunction = Callable[[NDArray[np.float64], NDArray[np.float64]], NDArray[np.float64]]


def lesson_loop() -> LoopFunction:
    """Return the first lesson's ``cross_correlate``, compiled from its own source file.

    The file also builds a picture and prints a result when run, so it is not imported:
    only its imports and the function's definition are executed, as written, with the file's
    name and line numbers kept for tracebacks.

    Returns
    -------
    callable
        ``cross_correlate(image, kernel)``: the valid cross-correlation of two 2-D arrays.

    Raises
    ------
    ValueError
        When the file no longer defines ``cross_correlate``.
    """
    tree = ast.parse(LESSON_PROGRAM.read_text(encoding="utf-8"), filename=str(LESSON_PROGRAM))
    kept = [node for node in tree.body if _is_import(node) or _is_the_loop(node)]
    if not any(_is_the_loop(node) for node in kept):
        raise ValueError(f"{LESSON_PROGRAM.name} defines no function {LOOP_NAME!r}")
    namespace: dict[str, Any] = {"__name__": "convscope_lesson_loop"}
    module = ast.Module(body=kept, type_ignores=[])
    exec(compile(module, str(LESSON_PROGRAM), "exec"), namespace)  # the lesson's own code
    loop: LoopFunction = namespace[LOOP_NAME]
    return loop


def _is_import(node: ast.stmt) -> bool:
    return isinstance(node, ast.Import | ast.ImportFrom)


def _is_the_loop(node: ast.stmt) -> bool:
    return isinstance(node, ast.FunctionDef) and node.name == LOOP_NAME


@dataclass(frozen=True)
class SpeedMeasurement:
    """One timing of the lesson's loop against the engine on the same image and kernel.

    Attributes
    ----------
    loop_seconds, engine_seconds : float
        The median time of one call of the lesson's loop and of ``convscope.conv2d``.
    image_shape, kernel_shape : tuple of int
        The sizes of the seeded random image and kernel both were given.
    repeats : int
        How many timed calls each median is taken over (after one untimed warm-up call).
    measured_at : str
        When the measurement finished, as an ISO 8601 time in UTC.
    """

    loop_seconds: float
    engine_seconds: float
    image_shape: tuple[int, int]
    kernel_shape: tuple[int, int]
    repeats: int
    measured_at: str

    @property
    def speedup(self) -> float:
        """Return how many times faster the engine was: loop time over engine time."""
        return self.loop_seconds / self.engine_seconds

    def to_json(self) -> dict[str, Any]:
        """Return the measurement as JSON-ready numbers, times in seconds, with the speed-up."""
        return {
            "loop_seconds": self.loop_seconds,
            "engine_seconds": self.engine_seconds,
            "speedup": self.speedup,
            "image_shape": list(self.image_shape),
            "kernel_shape": list(self.kernel_shape),
            "repeats": self.repeats,
            "measured_at": self.measured_at,
        }


def speed_data(
    size: int = IMAGE_SIZE, kernel_size: int = KERNEL_SIZE, seed: int = SEED
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Return the seeded random float64 image (``size × size``) and kernel the timing uses."""
    rng = np.random.default_rng(seed)
    return rng.random((size, size)), rng.standard_normal((kernel_size, kernel_size))


def measure_lesson_speedup(repeats: int = 3, loop: LoopFunction | None = None) -> SpeedMeasurement:
    """Return the lesson loop's and the engine's median times on a seeded 64×64 image, 3×3 kernel.

    Each side gets one untimed warm-up call, then ``repeats`` timed calls (the engine, taking
    well under a millisecond, gets four times as many). With the default the whole measurement
    takes about 60 ms on a laptop; the loop is most of it.

    Parameters
    ----------
    repeats : int
        Timed calls of the loop, at least 1.
    loop : callable, optional
        The loop to time; by default :func:`lesson_loop`'s.

    Raises
    ------
    ValueError
        When ``repeats`` is below 1, or when the loop's result differs from the engine's
        (then the timing would compare two different computations).
    """
    if repeats < 1:
        raise ValueError(f"repeats must be at least 1; got {repeats!r}")
    run_loop = lesson_loop() if loop is None else loop
    image, kernel = speed_data()
    expected = conv2d(image, kernel, algorithm="auto")
    found = run_loop(image, kernel)
    if np.shape(found) != expected.shape or not np.allclose(found, expected):
        raise ValueError("the lesson's loop and convscope.conv2d disagree; nothing was timed")
    # The agreement check above was each side's warm-up call.
    loop_time = median_seconds(lambda: run_loop(image, kernel), repeats)
    engine_time = median_seconds(lambda: conv2d(image, kernel, algorithm="auto"), 4 * repeats)
    return SpeedMeasurement(
        loop_seconds=loop_time,
        engine_seconds=engine_time,
        image_shape=(image.shape[0], image.shape[1]),
        kernel_shape=(kernel.shape[0], kernel.shape[1]),
        repeats=repeats,
        measured_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    )


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    """Return the median wall-clock seconds of ``repeats`` calls of ``run`` (warm it up first)."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)
