"""Time convscope's engine against the libraries a user would otherwise reach for.

Run from the repository root::

    .venv/bin/python benchmarks/bench_engine.py            # every case, full repeats
    .venv/bin/python benchmarks/bench_engine.py --quick    # fewer repeats
    .venv/bin/python benchmarks/bench_engine.py --cases I4,L   # a case, or every case of a family

Each case runs every implementation available on this machine: convscope ``auto`` and each of
its algorithms, ``torch.nn.functional.conv2d`` on 2 threads, ``scipy.signal.correlate2d``,
``scipy.signal.correlate`` (``auto`` and ``fft``), ``scipy.ndimage.correlate`` and
``cv2.filter2D`` (each only where it computes the same thing). Each implementation gets a
pause (so the previous library's spinning BLAS/OpenMP threads go idle), a warm-up and its
repeats, in three rounds taken in turn so that a slow spell of a shared machine falls on all
implementations alike; the median is reported, and the fastest repeat beside it. Every
result is checked against a float64 reference.

The comparison runs with ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE`` unset: when either is
set the script starts itself again without them (for this command alone) and says so, because
they force older OpenBLAS kernels that halve NumPy's matrix products while leaving torch's
alone, which a user's machine would not do. Nothing else in the project changes them.

The table goes to stdout and, as JSON, to ``benchmarks/results/`` (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import gc
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

OPENBLAS_OVERRIDES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
RESULTS = Path(__file__).resolve().parent / "results"
PAUSE_SECONDS = 0.3  # lets spinning BLAS/OpenMP threads of one case go idle before the next
WARM_UP_SECONDS = 0.05  # after the pause, small cases otherwise time a CPU still waking up
ROUNDS = 3  # the repeats of each implementation are split into rounds taken in turn


def _restart_without_openblas_overrides() -> None:
    removed = {name: os.environ[name] for name in OPENBLAS_OVERRIDES if name in os.environ}
    if not removed:
        return
    env = {k: v for k, v in os.environ.items() if k not in OPENBLAS_OVERRIDES}
    env["CONVSCOPE_BENCH_UNSET"] = json.dumps(removed)
    print(
        f"note: restarting without {', '.join(f'{k}={v}' for k, v in removed.items())} "
        "(for this benchmark only) so OpenBLAS picks its best kernels",
        flush=True,
    )
    os.execve(sys.executable, [sys.executable, *sys.argv], env)


@dataclass(frozen=True)
class Case:
    """One benchmark problem: a float32 cross-correlation in PyTorch's canonical shapes."""

    name: str
    title: str
    input_shape: tuple[int, ...]
    weight_shape: tuple[int, ...]
    stride: int = 1
    padding: int = 0
    groups: int = 1
    image: bool = False  # an image filter: the image libraries compute it too
    kernel: str = "random"  # or "sobel" / "gaussian" (separable)


CASES = [
    Case("I1", "512×512 ⋆ 3×3", (1, 1, 512, 512), (1, 1, 3, 3), padding=1, image=True),
    Case("I2", "512×512 ⋆ 7×7", (1, 1, 512, 512), (1, 1, 7, 7), padding=3, image=True),
    Case("I3", "512×512 ⋆ 15×15", (1, 1, 512, 512), (1, 1, 15, 15), padding=7, image=True),
    Case("I4", "512×512 ⋆ 31×31", (1, 1, 512, 512), (1, 1, 31, 31), padding=15, image=True),
    Case("I5", "2048×2048 ⋆ 3×3", (1, 1, 2048, 2048), (1, 1, 3, 3), padding=1, image=True),
    Case(
        "I6",
        "RGB 3×1024×1024, depthwise 3×3",
        (1, 3, 1024, 1024),
        (3, 1, 3, 3),
        padding=1,
        groups=3,
        image=True,
    ),
    Case(
        "S1",
        "2048×2048 ⋆ Sobel 3×3 (separable)",
        (1, 1, 2048, 2048),
        (1, 1, 3, 3),
        padding=1,
        image=True,
        kernel="sobel",
    ),
    Case(
        "S2",
        "512×512 ⋆ Gaussian 15×15 (separable)",
        (1, 1, 512, 512),
        (1, 1, 15, 15),
        padding=7,
        image=True,
        kernel="gaussian",
    ),
    Case(
        "L1",
        "(1,3,224,224)→64, 7×7, stride 2, pad 3",
        (1, 3, 224, 224),
        (64, 3, 7, 7),
        stride=2,
        padding=3,
    ),
    Case("L2", "(8,64,56,56)→64, 3×3, pad 1", (8, 64, 56, 56), (64, 64, 3, 3), padding=1),
    Case("L3", "(32,128,28,28)→128, 3×3, pad 1", (32, 128, 28, 28), (128, 128, 3, 3), padding=1),
    Case("L4", "(8,256,14,14)→256, 1×1", (8, 256, 14, 14), (256, 256, 1, 1)),
    Case(
        "L5",
        "(8,32,112,112) depthwise 3×3, pad 1",
        (8, 32, 112, 112),
        (32, 1, 3, 3),
        padding=1,
        groups=32,
    ),
    Case("P1", "lesson's pure-Python loop, 64×64 ⋆ 3×3", (1, 1, 64, 64), (1, 1, 3, 3)),
]


def make_data(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Return a float32 input and weight for ``case``, the same on every run."""
    rng = np.random.default_rng(sum(map(ord, case.name)))
    image = rng.random(case.input_shape, dtype=np.float32)
    if case.kernel == "sobel":
        kernel = np.outer([1, 2, 1], [-1, 0, 1]).astype(np.float32)
    elif case.kernel == "gaussian":
        taps = np.exp(-0.5 * (np.arange(15) - 7.0) ** 2 / 3.0**2)
        kernel = np.outer(taps, taps).astype(np.float32) / np.float32(taps.sum() ** 2)
    else:
        return image, rng.standard_normal(case.weight_shape, dtype=np.float32)
    return image, np.broadcast_to(kernel, case.weight_shape).copy()


# --- implementations: each returns the (N, C_out, H', W') result, or raises Skip -------------


class Skip(Exception):
    """This implementation does not compute this case."""


Implementation = Callable[[np.ndarray, np.ndarray, Case], np.ndarray]


def convscope_impl(algorithm: str) -> Implementation:
    """Return a runner for ``convscope.conv2d(..., algorithm=algorithm)``."""
    from convscope.engine import conv2d

    def run(x: np.ndarray, w: np.ndarray, case: Case) -> np.ndarray:
        return conv2d(
            x, w, stride=case.stride, padding=case.padding, groups=case.groups, algorithm=algorithm
        )

    return run


def torch_impl() -> Implementation:
    """Return a runner for ``torch.nn.functional.conv2d`` on 2 threads."""
    import torch

    torch.set_num_threads(2)

    def run(x: np.ndarray, w: np.ndarray, case: Case) -> np.ndarray:
        with torch.no_grad():
            out = torch.nn.functional.conv2d(
                torch.from_numpy(x),
                torch.from_numpy(w),
                stride=case.stride,
                padding=case.padding,
                groups=case.groups,
            )
        return out.numpy()

    return run


def per_plane(filter_plane: Callable[[np.ndarray, np.ndarray], np.ndarray]) -> Implementation:
    """Return a runner applying a 2-D image filter to each channel with its own kernel."""

    def run(x: np.ndarray, w: np.ndarray, case: Case) -> np.ndarray:
        odd = w.shape[2] % 2 and w.shape[3] % 2 and case.padding == w.shape[2] // 2
        if not (case.image and odd and w.shape[1] == 1 and w.shape[0] == x.shape[1]):
            raise Skip
        planes = [filter_plane(x[0, c], w[c, 0]) for c in range(x.shape[1])]
        return np.stack(planes)[None]

    return run


def image_impls() -> dict[str, Implementation]:
    """Return the image-filter libraries that are importable, each computing a 'same' filter."""
    import scipy.ndimage
    import scipy.signal

    impls: dict[str, Implementation] = {
        "scipy.correlate2d": per_plane(lambda p, k: scipy.signal.correlate2d(p, k, "same")),
        "scipy.correlate auto": per_plane(
            lambda p, k: scipy.signal.correlate(p, k, "same", method="auto")
        ),
        "scipy.correlate fft": per_plane(
            lambda p, k: scipy.signal.correlate(p, k, "same", method="fft")
        ),
        "ndimage.correlate": per_plane(lambda p, k: scipy.ndimage.correlate(p, k, mode="constant")),
    }
    try:
        import cv2
    except ImportError:
        print("note: cv2 (opencv-python-headless) is not installed: cv2.filter2D skipped")
        return impls
    impls["cv2.filter2D"] = per_plane(
        lambda p, k: cv2.filter2D(p, -1, k, borderType=cv2.BORDER_CONSTANT)
    )
    return impls


def python_loop(x: np.ndarray, w: np.ndarray, case: Case) -> np.ndarray:
    """The lesson's own loop: ``cross_correlate`` from the first lesson's traced program.

    It comes through :func:`convscope.widgets.speed.timing.lesson_loop`, the loader the lesson's
    ``speed`` widget times, and gets float64 arrays, as in the lesson.
    """
    if case.name != "P1":
        raise Skip
    result = _lesson_loop()(x[0, 0].astype(np.float64), w[0, 0].astype(np.float64))
    return np.asarray(result, dtype=np.float32)[None, None]


@functools.cache
def _lesson_loop() -> Callable[[np.ndarray, np.ndarray], np.ndarray]:
    from convscope.widgets.speed.timing import lesson_loop

    return lesson_loop()


def implementations() -> dict[str, Implementation]:
    """Return every implementation available here, convscope's first."""
    from convscope.engine import ALGORITHMS

    impls = {"convscope auto": convscope_impl("auto")}
    impls.update({f"convscope {name}": convscope_impl(name) for name in ALGORITHMS})
    try:
        impls["torch"] = torch_impl()
    except ImportError:
        print("note: torch is not installed: torch skipped")
    impls.update(image_impls())
    impls["python loop"] = python_loop
    return impls


def web_cases(base_url: str | None) -> list[dict[str, Any]]:
    """Return W1: p50/p95 of a trace request and an all-kernel gallery request (bench_web.py).

    Against ``base_url`` when given, else against a ``convscope serve`` started (and stopped)
    here on a free port of 127.0.0.1.
    """
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_web import measure_web, print_rows

    rows = measure_web(base_url)
    print_rows(rows)
    return rows


# --- measuring -------------------------------------------------------------------------------


@dataclass
class Row:
    """What one case measured."""

    case: str
    title: str
    ms: dict[str, float] = field(default_factory=dict)  # median of the repeats
    best_ms: dict[str, float] = field(default_factory=dict)  # fastest repeat, for noisy machines
    error: dict[str, float] = field(default_factory=dict)
    peak_mb: dict[str, float] = field(default_factory=dict)
    chosen: str = ""
    working_set_mb: float = 0.0


def reference(x: np.ndarray, w: np.ndarray, case: Case) -> np.ndarray:
    """Return the float64 result every implementation is checked against."""
    from convscope.engine import conv2d

    return conv2d(
        x.astype(np.float64),
        w.astype(np.float64),
        stride=case.stride,
        padding=case.padding,
        groups=case.groups,
        algorithm="shifted_gemm",
    )


def peak_memory_mb(run: Callable[[], object]) -> float:
    """Return the peak of memory allocated through Python's allocators (NumPy's included)."""
    gc.collect()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def measure(case: Case, impls: dict[str, Implementation], repeats: int) -> Row:
    """Run every implementation on ``case``: warm-up, check, memory, then timed turns."""
    from convscope.engine import conv as engine_conv

    x, w = make_data(case)
    expected = reference(x, w, case)
    row = Row(case.name, case.title)
    problem = engine_conv.prepare(
        x, w, stride=case.stride, padding=case.padding, groups=case.groups
    )
    padded = problem.padded_input()
    from convscope.engine.algorithms import choose

    row.chosen = choose(padded, problem.oriented_weight(), problem.spec)
    row.working_set_mb = (padded.nbytes + w.nbytes + expected.size * 4) / 2**20
    runnable = {}
    for name, impl in impls.items():
        try:
            result = impl(x, w, case)
        except Skip:
            continue
        scale = max(1.0, float(np.abs(expected).max()))
        row.error[name] = float(np.abs(np.asarray(result, np.float64) - expected).max()) / scale
        row.peak_mb[name] = peak_memory_mb(lambda impl=impl: impl(x, w, case))
        runnable[name] = impl
    times: dict[str, list[float]] = {name: [] for name in runnable}
    for turn in range(ROUNDS):  # rounds in turn: a slow spell of a shared machine hits all alike
        for name, impl in runnable.items():
            if name == "python loop" and turn:  # the loop is slow: three repeats in one round
                continue
            count = 3 if name == "python loop" else max(1, -(-repeats // ROUNDS))
            times[name] += _timed_turns(lambda impl=impl: impl(x, w, case), count)
    for name, seconds in times.items():
        row.ms[name] = 1e3 * statistics.median(seconds)
        row.best_ms[name] = 1e3 * min(seconds)
    return row


def _timed_turns(run: Callable[[], object], count: int) -> list[float]:
    """Return ``count`` timings of ``run`` after a pause and a warm-up."""
    time.sleep(PAUSE_SECONDS)  # let the previous library's spinning threads go idle
    warm_until = time.perf_counter() + WARM_UP_SECONDS
    run()  # warm-up: caches, thread pools, FFT plans, and a CPU woken from idle
    while time.perf_counter() < warm_until:
        run()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def physical_limits() -> dict[str, float]:
    """Return this machine's float32 matmul GFLOP/s and copy bandwidth in GB/s."""
    from convscope.widgets.speed.timing import median_seconds

    a = np.random.default_rng(0).random((2048, 2048), dtype=np.float32)
    b = a.copy()
    a @ b  # warm-up, as for the copy below
    matmul = median_seconds(lambda: a @ b, 5)
    big = np.ones(2**24, np.float32)
    target = np.empty_like(big)
    np.copyto(target, big)
    copy = median_seconds(lambda: np.copyto(target, big), 5)
    return {"matmul_gflops": 2 * 2048**3 / matmul / 1e9, "copy_gbps": 2 * big.nbytes / copy / 1e9}


# --- reporting -------------------------------------------------------------------------------

CHECK_TOLERANCE = 1e-4  # float32 results: largest error relative to the largest |value|


def is_reference(name: str) -> bool:
    """Return whether ``name`` is another library (the ratio's denominator)."""
    return not name.startswith("convscope") and name != "python loop"


def _fastest_reference(times: dict[str, float]) -> str | None:
    references = {n: ms for n, ms in times.items() if is_reference(n)}
    return min(references, key=references.__getitem__) if references else None


def summary(row: Row) -> dict[str, Any]:
    """Return the headline numbers of one case: auto's time, the fastest reference, the ratio.

    ``ratio`` compares medians, as the issue asks; ``best_ratio`` compares each side's fastest
    repeat, which a busy shared machine disturbs less.
    """
    fastest, best = _fastest_reference(row.ms), _fastest_reference(row.best_ms)
    auto = row.ms.get("convscope auto", float("nan"))
    out: dict[str, Any] = {
        "case": row.case,
        "title": row.title,
        "auto_ms": auto,
        "chosen": row.chosen,
        "fastest_reference": fastest,
        "reference_ms": row.ms[fastest] if fastest else None,
        "ratio": auto / row.ms[fastest] if fastest else None,
        "best_ratio": row.best_ms["convscope auto"] / row.best_ms[best] if best else None,
        "auto_peak_over_working_set": row.peak_mb.get("convscope auto", 0) / row.working_set_mb,
        "wrong": [n for n, e in row.error.items() if e > CHECK_TOLERANCE],
    }
    if "python loop" in row.ms:
        out["speedup_over_python_loop"] = row.ms["python loop"] / auto
    return out


def print_table(rows: list[Row]) -> None:
    """Print the headline table, then every implementation's milliseconds and peak memory."""
    print(
        f"\n{'case':5} {'auto ms':>9} {'chosen':12} {'fastest reference (ms)':>30} "
        f"{'ratio':>6} {'best':>6} {'mem':>5}  check"
    )
    for row in rows:
        s = summary(row)
        ref = f"{s['fastest_reference']} {s['reference_ms']:.2f}" if s["fastest_reference"] else "-"
        ratio = f"{s['ratio']:6.2f} {s['best_ratio']:6.2f}" if s["ratio"] else f"{'-':>6} {'-':>6}"
        check = "WRONG: " + ", ".join(s["wrong"]) if s["wrong"] else "ok"
        if "speedup_over_python_loop" in s:
            check += f"; {s['speedup_over_python_loop']:.0f}× faster than the Python loop"
        print(
            f"{row.case:5} {s['auto_ms']:9.2f} {row.chosen:12} {ref:>30} {ratio} "
            f"{s['auto_peak_over_working_set']:5.1f}  {check}"
        )
    print(
        "ratio: median of convscope auto / median of the fastest reference; best: the same "
        "with fastest repeats; mem: auto's peak traced memory / working set (input, "
        "weight, output)"
    )
    for row in rows:
        print(f"\n{row.case} {row.title}  (working set {row.working_set_mb:.1f} MB)")
        for name, ms in sorted(row.ms.items(), key=lambda item: item[1]):
            print(
                f"  {name:24} {ms:10.2f} ms (best {row.best_ms[name]:8.2f})   "
                f"peak {row.peak_mb[name]:8.1f} MB   error {row.error[name]:.1e}"
            )


def markdown_table(rows: list[Row]) -> str:
    """Return the headline table as Markdown, for benchmarks/README.md."""
    lines = [
        "| case | problem | auto ms | chosen | fastest reference ms | ratio | best-repeat ratio |",
        "| --- | --- | ---: | --- | --- | ---: | ---: |",
    ]
    for row in rows:
        s = summary(row)
        ref = f"{s['fastest_reference']} {s['reference_ms']:.2f}" if s["fastest_reference"] else "-"
        ratios = f"{s['ratio']:.2f} | {s['best_ratio']:.2f}" if s["ratio"] else "- | -"
        if "speedup_over_python_loop" in s:
            ratios += f" (Python loop: {s['speedup_over_python_loop']:.0f}× slower)"
        lines.append(
            f"| {row.case} | {row.title} | {s['auto_ms']:.2f} | {row.chosen} | {ref} | {ratios} |"
        )
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    """Return the machine, library versions, BLAS configuration and relevant variables."""
    info: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "unset_for_this_run": json.loads(os.environ.get("CONVSCOPE_BENCH_UNSET", "{}")),
        "env": {
            k: v
            for k, v in os.environ.items()
            if k.startswith(("OPENBLAS", "OMP_", "MKL_", "GOTO"))
        },
    }
    try:
        import threadpoolctl

        info["threadpools"] = threadpoolctl.threadpool_info()
    except ImportError:
        info["threadpools"] = "threadpoolctl not installed"
    return info


def select(cases: list[Case], wanted: str | None) -> list[Case]:
    """Return the cases named in ``wanted`` ('I4,L' = case I4 and every L case), or all."""
    if not wanted:
        return cases
    keys = [k.strip().upper() for k in wanted.split(",") if k.strip()]
    return [c for c in cases if any(c.name == k or (len(k) == 1 and c.name[0] == k) for k in keys)]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and return the exit status (1 when a result is wrong)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 repeats instead of 15")
    parser.add_argument("--repeats", type=int, default=None)
    parser.add_argument("--cases", help="comma-separated names or families, e.g. I4,L")
    parser.add_argument("--server", help="base URL of a running `convscope serve` (W1)")
    parser.add_argument("--no-web", action="store_true", help="skip W1 (the web API)")
    parser.add_argument("--json", type=Path, help="where to write the JSON results")
    args = parser.parse_args(argv)
    _restart_without_openblas_overrides()
    repeats = args.repeats or (3 if args.quick else 15)
    env = environment()
    unset = env["unset_for_this_run"]
    print(
        "OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE: "
        + (f"unset for this run (were {unset})" if unset else "not set")
    )
    limits = physical_limits()
    print(
        f"float32 matmul {limits['matmul_gflops']:.0f} GFLOP/s, copy {limits['copy_gbps']:.1f} GB/s"
    )
    impls = implementations()
    rows = []
    for case in select(CASES, args.cases):
        time.sleep(PAUSE_SECONDS)
        rows.append(measure(case, impls, repeats))
        s = summary(rows[-1])
        print(f"  {case.name} done: auto {s['auto_ms']:.2f} ms ({rows[-1].chosen})", flush=True)
    wanted_web = not args.no_web and (not args.cases or "W" in args.cases.upper())
    web = web_cases(args.server) if wanted_web else []
    print_table(rows)
    print("\n" + markdown_table(rows))
    out = args.json or RESULTS / f"engine-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "environment": env,
                "limits": limits,
                "repeats": repeats,
                "summary": [summary(r) for r in rows],
                "web": web,
                "cases": [asdict(r) for r in rows],
            },
            indent=1,
            default=str,
        )
    )
    print(f"\nJSON: {out}")
    return 1 if any(summary(r)["wrong"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
