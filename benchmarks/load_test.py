"""A class on one server: simulated learners playing the first lesson against ``convscope serve``.

Starts ``convscope serve --workers N`` on 127.0.0.1 (a free port, no browser), then runs
``--learners`` simulated learners for ``--seconds``. Each learner loads the page and every asset
and gallery thumbnail it uses, then, pausing 1 to 3 s between actions as a reader does, edits the
calculator, asks for traces, picks gallery kernels (the bundled photo, and once an upload of a
small picture it makes), answers quick checks and edits the parameter calculator. Every request
goes to 127.0.0.1 only; the run stops by itself at ``--seconds`` (or ``--max-requests``) and
stops the server. It prints p50/p95/p99 latency per route, the errors, and the server's memory
(all its processes) after warm-up and at the end.

    python benchmarks/load_test.py --learners 200 --seconds 60 --workers 2
    python benchmarks/load_test.py --learners 30 --seconds 300 --workers 2   # the soak

``run_load`` is the same as a function; ``tests/cli/test_serve_load.py`` runs it for a few
seconds with a handful of learners.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import io
import json
import os
import random
import re
import resource
import signal
import socket
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from PIL import Image

HOST = "127.0.0.1"
WARM_UP_SECONDS = 10.0
THINK_SECONDS = (1.0, 3.0)
STEADY_AFTER_ARRIVAL = 10.0  # seconds for the page-load burst to drain before "steady" figures
SOBEL_X = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
_ASSET = re.compile(r'(?:href|src)="(/(?:static|palette)[^"]+)"')
_MODULE = re.compile(r'data-module="([^"]+)"')


@dataclass
class Tally:
    """Latencies per route, errors, and the server's memory over time."""

    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    steady: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    memory: list[tuple[float, int]] = field(default_factory=list)
    requests: int = 0
    retried: int = 0
    steady_from: float = 0.0  # seconds after the start: every learner has loaded the page

    def summary(self) -> dict[str, Any]:
        """Return the figures: per route count, p50/p95/p99 in ms (all, and once everyone
        has arrived), errors; memory in MB."""
        routes = {
            route: {
                "count": len(times),
                **_percentiles(times, ""),
                **_percentiles(self.steady.get(route, []), "steady_"),
                "errors": len(self.errors.get(route, [])),
            }
            for route, times in sorted(self.latencies.items())
        }
        return {
            "requests": self.requests,
            "retried_on_closed_connection": self.retried,
            "steady_from_s": self.steady_from,
            "routes": routes,
            "errors": dict(self.errors),
            "memory": _memory_summary(self.memory),
        }


def _percentiles(times: list[float], prefix: str) -> dict[str, float | None]:
    return {
        f"{prefix}p{q}_ms": round(float(np.percentile(times, q)) * 1000, 1) if times else None
        for q in (50, 95, 99)
    }


def _memory_summary(samples: list[tuple[float, int]]) -> dict[str, float]:
    if not samples:
        return {}
    start = next((rss for at, rss in samples if at >= WARM_UP_SECONDS), samples[-1][1])
    end = samples[-1][1]
    return {
        "after_warm_up_mb": round(start / 2**20, 1),
        "end_mb": round(end / 2**20, 1),
        "peak_mb": round(max(rss for _, rss in samples) / 2**20, 1),
        "growth_percent": round(100 * (end - start) / start, 1),
    }


class Learner:
    """One simulated learner: a browser's requests, in the order the lesson asks for them."""

    def __init__(
        self,
        base: str,
        tally: Tally,
        seed: int,
        deadline: float,
        max_requests: int,
        arrival_seconds: float,
    ) -> None:
        self.base, self.tally, self.deadline = base, tally, deadline
        self.client: httpx.AsyncClient | None = None  # the learner's own, made in run()
        self.arrival_seconds = arrival_seconds
        self.steady_at = time.monotonic() + tally.steady_from
        self.random = random.Random(seed)
        self.max_requests = max_requests
        self.uploaded = False

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        assert self.client is not None, "a learner sends requests only while it runs"
        try:
            return await self.client.request(method, url, **kwargs)
        except (httpx.RemoteProtocolError, httpx.ReadError):
            # The server closed a kept-alive connection just as we reused it; a browser sends
            # the request again on a new one, and so do we (counted, once).
            self.tally.retried += 1
            return await self.client.request(method, url, **kwargs)

    async def call(self, route: str, method: str, url: str, **kwargs: Any) -> httpx.Response | None:
        if time.monotonic() >= self.deadline or self.tally.requests >= self.max_requests:
            return None
        self.tally.requests += 1
        started, started_at = time.perf_counter(), time.monotonic()
        try:
            response = await self._send(method, url, **kwargs)
        except httpx.HTTPError as error:
            self.tally.errors[route].append(f"{type(error).__name__}: {error}")
            return None
        took = time.perf_counter() - started
        self.tally.latencies[route].append(took)
        if started_at >= self.steady_at:
            self.tally.steady[route].append(took)
        if response.status_code != 200:
            self.tally.errors[route].append(f"{response.status_code}: {response.text[:200]}")
        return response

    async def open_page(self) -> None:
        page = await self.call("GET page", "GET", "/")
        if page is None:
            return
        assets = set(_ASSET.findall(page.text))
        assets |= {f"/static/{module}" for module in _MODULE.findall(page.text)}
        for asset in sorted(assets):
            await self.call("GET asset", "GET", asset)
        for kernel in await self.kernel_names():
            thumb = f"/api/gallery/chelsea/{kernel}.jpg?side=160"
            await self.call("GET gallery thumb", "GET", thumb)

    async def kernel_names(self) -> list[str]:
        answer = await self.call("GET /api/kernels", "GET", "/api/kernels")
        return [kernel["name"] for kernel in answer.json()] if answer is not None else []

    async def act(self) -> None:
        actions = [
            self.edit_calculator,
            self.trace,
            self.pick_kernel,
            self.quick_check,
            self.edit_params,
        ]
        await self.random.choice(actions)()
        if not self.uploaded and self.random.random() < 0.05:
            self.uploaded = True
            await self.upload()

    async def edit_calculator(self) -> None:
        grid = [[self.random.randint(0, 255) for _ in range(5)] for _ in range(5)]
        inputs = {"input": grid, "kernel": SOBEL_X, "stride": self.random.choice([1, 2])}
        await self.call("POST calculator", "POST", "/api/widgets/calculator", json=inputs)

    async def trace(self) -> None:
        size = self.random.choice([4, 5, 6])
        body = {
            "input": [[float(self.random.randint(0, 9)) for _ in range(size)] for _ in range(size)],
            "weight": SOBEL_X,
            "padding": self.random.choice([0, 1]),
        }
        await self.call("POST /api/trace", "POST", "/api/trace", json=body)

    async def pick_kernel(self) -> None:
        kernel = self.random.choice(["sobel_x", "sobel_y", "laplacian", "sharpen", "box_blur"])
        await self.call(
            "POST gallery",
            "POST",
            "/api/widgets/gallery",
            json={"photo": "chelsea", "kernel": kernel},
        )
        await self.call("GET gallery large", "GET", f"/api/gallery/chelsea/{kernel}.jpg?side=480")

    async def quick_check(self) -> None:
        variant = self.random.randint(0, 1000)
        await self.call(
            "POST quiz",
            "POST",
            "/api/widgets/quiz",
            json={"kind": "params", "variant": variant, "answer": 1024},
        )

    async def edit_params(self) -> None:
        inputs = {"in_channels": self.random.choice([1, 3, 16]), "out_channels": 8}
        await self.call("POST params", "POST", "/api/widgets/params", json=inputs)

    async def upload(self) -> None:
        files = {"image": ("mine.png", _picture(self.random), "image/png")}
        await self.call("POST upload", "POST", "/api/gallery/upload", files=files)

    async def run(self) -> None:
        """Arrive, load the page, then act and think until the deadline."""
        await asyncio.sleep(self.random.uniform(0, self.arrival_seconds))  # not all at once
        # Each learner has a browser of its own: its own connections (up to 6, as browsers).
        limits = httpx.Limits(max_connections=6)
        async with httpx.AsyncClient(base_url=self.base, timeout=30, limits=limits) as client:
            self.client = client
            await self.open_page()
            while time.monotonic() < self.deadline and self.tally.requests < self.max_requests:
                await self.act()
                await asyncio.sleep(self.random.uniform(*THINK_SECONDS))


def _picture(generator: random.Random) -> bytes:
    """Return a small PNG of a gradient with a square, the kind of picture a learner uploads."""
    pixels = np.zeros((240, 320, 3), dtype=np.uint8)
    pixels[..., 0] = np.linspace(0, 255, 320, dtype=np.uint8)
    top, left = generator.randint(20, 120), generator.randint(20, 200)
    pixels[top : top + 80, left : left + 80] = 255
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


# ---- the server under test ------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], str]:
    """Start ``convscope serve`` with ``workers`` processes; return it and its base URL."""
    port = _free_port()
    command = [
        sys.executable,
        "-c",
        "from convscope.cli import main; main()",
        "serve",
        "--no-open",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    base = f"http://{HOST}:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(base + "/", timeout=10).status_code == 200:
                return server, base
        if server.poll() is not None:
            raise RuntimeError(f"the server ended: {server.stderr.read().decode()}")  # type: ignore[union-attr]
        time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl+C would, then for good if it lingers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def tree_rss(root: int) -> int:
    """Return the resident memory in bytes of process ``root`` and all its descendants."""
    total = 0
    for pid in _tree(root):
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


async def _sample_memory(pid: int, tally: Tally, started: float, deadline: float) -> None:
    while time.monotonic() < deadline:
        tally.memory.append((time.monotonic() - started, tree_rss(pid)))
        await asyncio.sleep(2.0)
    tally.memory.append((time.monotonic() - started, tree_rss(pid)))


async def _drive(
    base: str, pid: int, learners: int, seconds: float, max_requests: int, arrival_seconds: float
) -> Tally:
    tally = Tally(steady_from=min(arrival_seconds + STEADY_AFTER_ARRIVAL, seconds / 2))
    started = time.monotonic()
    deadline = started + seconds
    crowd = [
        Learner(base, tally, seed, deadline, max_requests, arrival_seconds).run()
        for seed in range(learners)
    ]
    await asyncio.gather(_sample_memory(pid, tally, started, deadline), *crowd)
    return tally


def run_load(
    learners: int,
    seconds: float,
    workers: int,
    max_requests: int = 500_000,
    arrival_seconds: float = 10.0,
    nice: int = 0,
) -> dict[str, Any]:
    """Return the figures of ``learners`` playing the lesson for ``seconds`` on ``workers``.

    ``nice`` lowers the load generator's priority once the server runs (the server keeps its
    own), the nearest this machine comes to generating the load from another computer.
    """
    server, base = start_server(workers)
    if nice:
        os.nice(nice)
    load_before = os.getloadavg()
    client_cpu, server_cpu = _own_cpu_seconds(), tree_cpu_seconds(server.pid)
    try:
        tally = asyncio.run(
            _drive(base, server.pid, learners, seconds, max_requests, arrival_seconds)
        )
        server_cpu = tree_cpu_seconds(server.pid) - server_cpu
    finally:
        stop_server(server)
    return {
        "learners": learners,
        "seconds": seconds,
        "workers": workers,
        "arrival_seconds": arrival_seconds,
        "load_generator_nice": nice,
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "cpu_count": os.cpu_count(),
        "server_cpu_s": round(server_cpu, 1),
        "client_cpu_s": round(_own_cpu_seconds() - client_cpu, 1),
        **tally.summary(),
    }


def _own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _tree(root: int) -> list[int]:
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
    return found


def tree_cpu_seconds(root: int) -> float:
    """Return the CPU seconds (user + system) used so far by ``root`` and its descendants."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _tree(root):
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def _print(figures: dict[str, Any]) -> None:
    print(
        f"{figures['learners']} learners arriving over {figures['arrival_seconds']} s,"
        f" {figures['seconds']} s, {figures['workers']} workers: {figures['requests']} requests;"
        f" CPU s: server {figures['server_cpu_s']}, load test {figures['client_cpu_s']};"
        f" load average before {figures['load_average_before']}"
    )
    print(
        f"{'route':20} {'count':>6} {'p50':>7} {'p95':>7} {'p99':>7}   steady from"
        f" {figures['steady_from_s']} s: {'p50':>6} {'p95':>7} {'p99':>7} {'errors':>6}"
    )
    for route, row in figures["routes"].items():
        print(
            f"{route:20} {row['count']:6} {row['p50_ms']:7} {row['p95_ms']:7} {row['p99_ms']:7}"
            f"   {'':17} {row['steady_p50_ms']!s:>6} {row['steady_p95_ms']!s:>7}"
            f" {row['steady_p99_ms']!s:>7} {row['errors']:6}"
        )
    print("memory:", figures["memory"])
    for route, errors in figures["errors"].items():
        print(f"errors on {route}: {errors[:3]}")


def main() -> None:
    """Run the load test from the command line and print (and optionally save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument(
        "--arrival-seconds",
        type=float,
        default=10.0,
        help="learners open the page at random times within this many seconds",
    )
    parser.add_argument(
        "--nice", type=int, default=0, help="lower the load generator's priority by this much"
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    options = parser.parse_args()
    figures = run_load(
        options.learners,
        options.seconds,
        options.workers,
        options.max_requests,
        options.arrival_seconds,
        options.nice,
    )
    _print(figures)
    if options.json:
        options.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
