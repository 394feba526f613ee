"""How fast the code tracer records real loops; prints times, asserts nothing.

Run: ``.venv/bin/python benchmarks/bench_code_tracer.py``. Targets (issue 3): the lesson's loop
on a 28×28 input (about 2,000 executed lines) under 0.2 s, and 100,000 executed lines with loop
cards under 1 s, both for plain loops and for the lesson's loop (issue 14), which slices an array
and writes into another on every line. Each case is run a few times and the best time is shown.
For the JSON, a second line compares ``json.dumps(trace.to_json())`` with
``trace.to_json_text()`` (compact, the same JSON): CPU time, size of the text, and peak memory
of building it (``tracemalloc``); a third line times the lighter forms that readers ask for:
without NumPy's repr of each array (``convscope trace``'s tables and HTML page) and the page's
(the code box).
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import time
import tracemalloc
from collections.abc import Callable
from importlib import resources
from types import FrameType

from convscope.tracing.code import CodeTrace, trace_source
from convscope.widgets.code_trace import MAX_GRID_CELLS

LESSON = resources.files("convscope").joinpath("lessons/examples/conv2d_loop.py").read_text()
LESSON_28 = "np.random.default_rng(0).integers(0, 256, (28, 28)).astype(float)"
LESSON_185 = "np.random.default_rng(0).integers(0, 256, (185, 185)).astype(float)"  # 100,892 lines
DIGIT_28 = "np.pad(np.kron(np.eye(4), np.ones((5, 5))) * 255, 4)"  # strokes on a blank field
COUNTING = """
def sum_of_squares(n):
    total = 0
    for k in range(n):
        total += k * k
    return total
"""


def best_of(runs: int, action: Callable[[], CodeTrace]) -> tuple[float, float, CodeTrace]:
    """Return the fastest wall time and CPU time of ``runs`` calls, and the last result.

    CPU time (``time.process_time``) is shown too because on a shared machine the wall time
    also counts the time other processes held the cores.
    """
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    assert result is not None
    return best_wall, best_cpu, result


def cpu_and_peak(action: Callable[[], object]) -> tuple[float, float, object]:
    """Return the best CPU time of three calls, the peak traced memory (MB) and a result.

    The peak is measured on a separate call under ``tracemalloc`` (which slows it down).
    """
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        result = action()
        best = min(best, time.process_time() - start)
        del result
    tracemalloc.start()
    result = action()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return best, peak, result


def report(name: str, target: float | None, action: Callable[[], CodeTrace]) -> None:
    """Time tracing and the two ways of building the JSON of one case; print two lines."""
    seconds, cpu_seconds, trace = best_of(3, action)
    cards = sum(len(loop["iterations"]) for loop in trace.to_json()["loops"])
    verdict = "" if target is None else ("ok" if cpu_seconds < target else "SLOWER THAN TARGET")
    print(
        f"{name:<30} {len(trace):>6} steps {cards:>6} cards | trace: wall {seconds * 1000:6.1f} ms"
        f" cpu {cpu_seconds * 1000:6.1f} ms (target {target or '-'} s) {verdict}"
    )
    dict_cpu, dict_peak, _ = cpu_and_peak(lambda: json.dumps(trace.to_json()))
    text_cpu, text_peak, text = cpu_and_peak(trace.to_json_text)
    size = len(json.dumps(trace.to_json())) / 1e6
    print(
        f"{'':<30} json.dumps(to_json()): cpu {dict_cpu * 1000:6.1f} ms, {size:4.1f} MB,"
        f" peak {dict_peak:5.1f} MB | to_json_text(): cpu {text_cpu * 1000:6.1f} ms,"
        f" {len(str(text)) / 1e6:4.1f} MB, peak {text_peak:5.1f} MB"
    )
    views_cpu, _, views = cpu_and_peak(lambda: trace.to_json_text(array_text=False))
    page_cpu, _, page = cpu_and_peak(lambda: trace.to_json_text(grid_cells=MAX_GRID_CELLS))
    print(
        f"{'':<30} for the terminal and HTML views (array_text=False): cpu"
        f" {views_cpu * 1000:6.1f} ms, {len(str(views)) / 1e6:4.1f} MB | for the page"
        f" (grid_cells={MAX_GRID_CELLS}): cpu {page_cpu * 1000:6.1f} ms,"
        f" {len(str(page)) / 1e6:4.1f} MB"
    )


def floor_of_tracing() -> None:
    """Print what the machine's Python costs before the recorder does anything.

    A pure-Python loop of additions says how fast this machine runs Python (figures from
    another machine scale by it); the 185×185 lesson loop untraced, and under a trace function
    that does nothing but follow the frame, is the floor no ``sys.settrace`` recorder can go
    below.
    """
    start = time.process_time()
    total = 0
    for number in range(10_000_000):
        total += number
    python_speed = time.process_time() - start

    namespace: dict[str, object] = {}
    with contextlib.redirect_stdout(io.StringIO()):  # the lesson prints its result
        exec(compile(LESSON, "<floor>", "exec"), namespace)
    image = eval(LESSON_185, namespace)
    loop = namespace["cross_correlate"]

    def follow(frame: FrameType, event: str, arg: object) -> object:
        return follow if frame.f_code.co_filename == "<floor>" else None

    def run(tracer: Callable[..., object] | None) -> float:
        start = time.process_time()
        sys.settrace(tracer)
        try:
            loop(image, namespace["sobel_x"])  # type: ignore[operator]
        finally:
            sys.settrace(None)
        return time.process_time() - start

    untraced = min(run(None) for _ in range(3))
    followed = min(run(follow) for _ in range(3))
    print(
        f"this machine: 10,000,000 pure-Python additions take {python_speed:.2f} s; the"
        f" 185×185 lesson loop takes {untraced:.2f} s untraced and {followed:.2f} s under a"
        " trace function that does nothing (the floor)"
    )


def main() -> None:
    """Run every case."""
    floor_of_tracing()
    report("lesson loop, 5×5", None, lambda: trace_source(LESSON))
    report(
        "lesson loop, 28×28",
        0.2,
        lambda: trace_source(LESSON, f"cross_correlate({LESSON_28}, sobel_x)"),
    )
    report(
        "lesson loop, 28×28 digit-like",
        0.2,
        lambda: trace_source(LESSON, f"cross_correlate({DIGIT_28}, sobel_x)"),
    )
    report(
        "100,000 lines with loop cards",
        1.0,
        lambda: trace_source(COUNTING, "sum_of_squares(49_990)"),
    )
    report(
        "100,000 lines slicing arrays",
        1.0,
        lambda: trace_source(
            LESSON,
            f"cross_correlate({LESSON_185}, sobel_x)",
            max_steps=200_000,
            max_bytes=10**9,
        ),
    )


if __name__ == "__main__":
    main()
