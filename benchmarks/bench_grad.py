"""Time convscope.grad against torch's backward on the CNN layers L2 and L3 (float32).

Run from the repository root::

    .venv/bin/python benchmarks/bench_grad.py            # 15 repeats per case
    .venv/bin/python benchmarks/bench_grad.py --quick    # 3 repeats

For each case both sides get the same tensors (``bench_engine.make_data`` and one fixed
``grad_output``) and compute the input gradient and the weight gradient separately:
``convscope.grad.conv2d_input`` / ``conv2d_weight`` against ``torch.nn.grad.conv2d_input`` /
``conv2d_weight`` (each one call of autograd's ``convolution_backward`` for that gradient) on
2 threads. The measuring is ``bench_engine``'s: a pause, a warm-up, repeats taken in rounds,
the median reported with the fastest beside it; every result is checked against torch.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from typing import Any

import numpy as np

from bench_engine import (
    CASES,
    PAUSE_SECONDS,
    ROUNDS,
    _restart_without_openblas_overrides,
    _timed_turns,
    make_data,
)
from convscope import grad

GRAD_CASES = ("L2", "L3")
CHECK_TOLERANCE = 1e-4  # float32: largest error relative to the largest |gradient|


def runners(x: np.ndarray, w: np.ndarray, g: np.ndarray, padding: int) -> dict[str, Any]:
    """Return the four timed calls of one case, keyed ``(who, which gradient)``."""
    import torch

    tx, tw, tg = torch.from_numpy(x), torch.from_numpy(w), torch.from_numpy(g)
    nn_grad = torch.nn.grad
    return {
        ("convscope", "input"): lambda: grad.conv2d_input(x.shape, w, g, padding=padding),
        ("convscope", "weight"): lambda: grad.conv2d_weight(x, w.shape, g, padding=padding),
        ("torch", "input"): lambda: nn_grad.conv2d_input(x.shape, tw, tg, padding=padding),
        ("torch", "weight"): lambda: nn_grad.conv2d_weight(tx, w.shape, tg, padding=padding),
    }


def check(results: dict[Any, Any]) -> dict[str, float]:
    """Return the largest error of each convscope gradient relative to torch's."""
    errors = {}
    for which in ("input", "weight"):
        ours = results[("convscope", which)]
        theirs = results[("torch", which)].numpy()
        errors[which] = float(np.abs(ours - theirs).max() / np.abs(theirs).max())
    return errors


def measure(name: str, repeats: int) -> dict[str, Any]:
    """Return the median and fastest milliseconds of each call of case ``name``."""
    case = next(c for c in CASES if c.name == name)
    x, w = make_data(case)
    out_shape = (x.shape[0], w.shape[0], x.shape[2], x.shape[3])  # 3×3, padding 1, stride 1
    g = np.random.default_rng(7).standard_normal(out_shape, dtype=np.float32)
    calls = runners(x, w, g, case.padding)
    errors = check({key: call() for key, call in calls.items()})
    seconds: dict[Any, list[float]] = {key: [] for key in calls}
    per_round = -(-repeats // ROUNDS)
    for _ in range(ROUNDS):
        for key, call in calls.items():
            seconds[key] += _timed_turns(call, per_round)
    row = {"case": name, "title": case.title, "errors": errors}
    for (who, which), times in seconds.items():
        row[f"{who} {which} ms"] = 1e3 * statistics.median(times)
        row[f"{who} {which} best ms"] = 1e3 * min(times)
    return row


def markdown(rows: list[dict[str, Any]]) -> str:
    """Return the README table: medians (fastest) and the ratio to torch."""
    lines = [
        "| case | gradient | convscope ms | torch ms | ratio |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for row in rows:
        for which in ("input", "weight"):
            ours, theirs = row[f"convscope {which} ms"], row[f"torch {which} ms"]
            best = (row[f"convscope {which} best ms"], row[f"torch {which} best ms"])
            lines.append(
                f"| {row['case']} {row['title']} | {which} | {ours:.1f} ({best[0]:.1f}) "
                f"| {theirs:.1f} ({best[1]:.1f}) | {ours / theirs:.2f}× |"
            )
    return "\n".join(lines)


def _restart_with_threads(threads: int) -> None:
    # NumPy's BLAS and numba read their thread counts once, at import: set them, start again.
    wanted = {"OPENBLAS_NUM_THREADS": str(threads), "NUMBA_NUM_THREADS": str(threads)}
    if all(os.environ.get(k) == v for k, v in wanted.items()):
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, **wanted})


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 1 when a gradient disagrees with torch's."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 15")
    parser.add_argument("--cases", default=",".join(GRAD_CASES), help="e.g. L2")
    parser.add_argument("--threads", type=int, default=2, help="threads for both sides")
    args = parser.parse_args(argv)
    _restart_without_openblas_overrides()
    _restart_with_threads(args.threads)
    import torch

    torch.set_num_threads(args.threads)
    print(f"{args.threads} thread(s) for NumPy's BLAS, numba and torch")
    rows = []
    for name in args.cases.split(","):
        time.sleep(PAUSE_SECONDS)
        rows.append(measure(name.strip().upper(), 3 if args.quick else 15))
        print(f"  {rows[-1]['case']} done; errors {rows[-1]['errors']}", flush=True)
    print("\n" + markdown(rows))
    wrong = [r["case"] for r in rows if max(r["errors"].values()) > CHECK_TOLERANCE]
    if wrong:
        print(f"\nWRONG results in {', '.join(wrong)}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
