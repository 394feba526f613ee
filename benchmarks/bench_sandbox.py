"""What the sandbox's walls cost a run of the lesson's loop; prints times, asserts nothing.

Run: ``.venv/bin/python benchmarks/bench_sandbox.py [--runs N]``. Target (issue 12): the walls
(namespaces, tmpfs, user, limits, Landlock, seccomp) add at most 30 ms to a run.

Three figures, each the median of N runs:

- **walls**: the time from the child's first step of raising the walls to the line before the
  learner's code, as the child measures it (``Walls.seconds``, from a probe run);
- **sandboxed run**: the whole ``run_traced_source`` of the lesson's ``cross_correlate`` on a
  8×8 input with a 3×3 kernel, as the code box runs it (child start, imports, walls, tracing);
- **in process**: ``trace_source`` of the same program here, for comparison.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from importlib import resources

from convscope.tracing.code import trace_source
from convscope.tracing.sandbox import check_walls, run_traced_source

LESSON = resources.files("convscope").joinpath("lessons/examples/conv2d_loop.py").read_text()
CALL = "cross_correlate(np.arange(64.0).reshape(8, 8), np.ones((3, 3)))"


def median_ms(runs: int, action: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    report = check_walls()
    print(f"walls: {report.summary()}")
    walls_ms = 1000 * statistics.median(check_walls().seconds for _ in range(runs))
    sandboxed = median_ms(runs, lambda: run_traced_source(LESSON, CALL))
    in_process = median_ms(runs, lambda: trace_source(LESSON, CALL))
    print(f"walls raised in          {walls_ms:8.1f} ms  (target <= 30 ms)")
    print(f"sandboxed run            {sandboxed:8.1f} ms")
    print(f"in-process trace         {in_process:8.1f} ms")
    share = walls_ms / sandboxed
    print(f"the walls' share of a sandboxed run: {share:.1%}")


if __name__ == "__main__":
    main()
