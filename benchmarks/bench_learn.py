"""Time one step of ``convscope.KernelLearner`` on a 256×256 photo with a 3×3 kernel.

Run from the repository root::

    .venv/bin/python benchmarks/bench_learn.py           # 100 steps
    .venv/bin/python benchmarks/bench_learn.py --steps 300

The photo is the bundled ``camera`` picture's top-left 256×256 grey values in [0, 1]; the
target is Sobel X, the kernel starts from zeros, and each step is what the learn widget's
server does on "step": one update (the weight gradient of the mean squared error, momentum,
the new kernel's output and loss, the record). After five warm-up steps, each step is timed
alone; p50 and p95 are printed in milliseconds (target: p95 <= 50 ms).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from convscope import KernelLearner
from convscope.render.images import load_photo


def grey_photo(side: int = 256) -> np.ndarray:
    """Return the camera photo's top-left ``side × side`` grey values, scaled to [0, 1]."""
    pixels = load_photo("camera").astype(np.float64)
    grey = pixels.mean(axis=2) if pixels.ndim == 3 else pixels
    return grey[:side, :side] / 255.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    steps = parser.parse_args().steps
    learner = KernelLearner("sobel_x", grey_photo(), learning_rate=0.05, momentum=0.8)
    learner.run(5)
    times = []
    for _ in range(steps):
        began = time.perf_counter()
        learner.step()
        times.append((time.perf_counter() - began) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    print(f"one learning step, 256×256 photo, 3×3 kernel, {steps} steps:")
    print(f"p50 {p50:.2f} ms, p95 {p95:.2f} ms (target p95 <= 50 ms)")
    print(f"status {learner.history.status}, loss {learner.history.losses[-1]:.3g}")


if __name__ == "__main__":
    main()
