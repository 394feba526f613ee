"""Time ``convscope.conv3d`` against ``torch.nn.functional.conv3d`` and print the ratios.

Run from the repository root::

    .venv/bin/python benchmarks/bench_conv3d.py            # every case
    .venv/bin/python benchmarks/bench_conv3d.py --quick    # fewer repeats

Both run float32 on the same arrays, torch on 2 threads; each is warmed up once, then timed in
alternating turns so a slow spell of a shared machine falls on both alike. The median of each
is reported with ``convscope / torch`` of the medians and of the fastest turns (the target
is at most 2; on a busy shared machine the fastest turns are the steadier figure). Every
result is checked against torch's before it is timed.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch

import convscope


@dataclass(frozen=True)
class Case:
    """One 3-D convolution: input and weight shapes and its padding, stride and groups."""

    name: str
    what: str
    input: tuple[int, ...]
    weight: tuple[int, ...]
    padding: int = 1
    stride: int = 1
    groups: int = 1


CASES = [
    Case(
        "V1",
        "clip (2,3,16,112,112)→64, 3×3×3 (C3D's first layer)",
        (2, 3, 16, 112, 112),
        (64, 3, 3, 3, 3),
    ),
    Case("V2", "(4,64,8,28,28)→64, 3×3×3", (4, 64, 8, 28, 28), (64, 64, 3, 3, 3)),
    Case(
        "V3",
        "(2,128,8,14,14)→128, 3×3×3, stride 2",
        (2, 128, 8, 14, 14),
        (128, 128, 3, 3, 3),
        stride=2,
    ),
    Case("M1", "scan (1,1,64,64,64)→8, 3×3×3", (1, 1, 64, 64, 64), (8, 1, 3, 3, 3)),
    Case(
        "D1", "depthwise (2,32,16,32,32), 3×3×3", (2, 32, 16, 32, 32), (32, 1, 3, 3, 3), groups=32
    ),
]


def _timed(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def measure(case: Case, repeats: int) -> dict[str, list[float]]:
    """Return the timed seconds of convscope (``ours``) and of torch (``theirs``) for ``case``."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(case.input, dtype=np.float32)
    w = rng.standard_normal(case.weight, dtype=np.float32)
    arguments = {"stride": case.stride, "padding": case.padding, "groups": case.groups}
    tx, tw = torch.from_numpy(x), torch.from_numpy(w)

    def ours() -> object:
        return convscope.conv3d(x, w, **arguments)

    def theirs() -> object:
        with torch.no_grad():
            return torch.nn.functional.conv3d(tx, tw, **arguments)

    expected = np.asarray(theirs())  # type: ignore[call-overload]
    np.testing.assert_allclose(ours(), expected, rtol=1e-3, atol=1e-3)
    times: dict[str, list[float]] = {"ours": [], "theirs": []}
    for _ in range(3):  # rounds taken in turn
        times["ours"] += _timed(ours, repeats)
        times["theirs"] += _timed(theirs, repeats)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1 repeat per round instead of 3")
    options = parser.parse_args()
    torch.set_num_threads(2)
    print("| case | problem | convscope ms | torch ms | ratio (median) | ratio (fastest) |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for case in CASES:
        times = measure(case, 1 if options.quick else 3)
        ours, theirs = statistics.median(times["ours"]), statistics.median(times["theirs"])
        ratio_fastest = min(times["ours"]) / min(times["theirs"])
        print(
            f"| {case.name} | {case.what} | {ours * 1e3:.1f} | {theirs * 1e3:.1f} | "
            f"{ours / theirs:.2f} | {ratio_fastest:.2f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
