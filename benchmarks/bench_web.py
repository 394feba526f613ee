"""W1: time the web API the lesson page calls, against a real ``convscope serve``.

Two requests, each sent 200 times one after another on one kept-alive connection (after a
short warm-up), p50 and p95 of the wall-clock time per answer as the client sees it:

- **trace**: ``POST /api/trace`` of a lesson-size problem (a 6×6 image, Sobel 3×3, padding 1:
  36 output cells, each with its nine products explained);
- **gallery**: ``POST /api/gallery/upload`` of a 512×512 RGB photograph (the bundled
  ``astronaut`` as PNG). This is the one route that applies *every* catalog kernel: it decodes
  the picture, shrinks it to the large (480) and thumbnail (160) sides and answers with each
  kernel's large and thumbnail version as JPEG ``data:`` URLs. Nothing about an upload is
  cached, so every request computes all of it (a cold cache by construction).

Traffic goes only to 127.0.0.1, is bounded (2 × (200 + warm-up) requests) and stops by itself.
Run it alone with ``.venv/bin/python benchmarks/bench_web.py`` or through ``bench_engine.py``.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from load_test import start_server, stop_server

REQUESTS = 200
WARM_UP = 10
TARGETS_MS = {"W1 trace": 10.0, "W1 gallery": 100.0}  # p95, from the issue
SOBEL_X = [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]


def trace_body() -> dict[str, Any]:
    """Return the lesson-size trace request: a 6×6 image, Sobel 3×3, padding 1."""
    image = [[float((3 * i + 5 * j) % 10) for j in range(6)] for i in range(6)]
    return {"input": image, "weight": SOBEL_X, "padding": 1}


def photo_png() -> bytes:
    """Return the bundled 512×512 RGB photograph encoded as PNG, as a learner would upload it."""
    from convscope.render.images import load_photo

    pixels = load_photo("astronaut")
    assert pixels.shape == (512, 512, 3), pixels.shape
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def percentiles(client: httpx.Client, name: str, send: Any) -> dict[str, Any]:
    """Return p50/p95 (ms) of ``send(client)`` over :data:`REQUESTS` calls after a warm-up."""
    for _ in range(WARM_UP):
        send(client).raise_for_status()
    times = []
    for _ in range(REQUESTS):
        start = time.perf_counter()
        response = send(client)
        times.append(1e3 * (time.perf_counter() - start))
        response.raise_for_status()
    cuts = statistics.quantiles(times, n=100)
    return {
        "case": name,
        "requests": REQUESTS,
        "p50_ms": cuts[49],
        "p95_ms": cuts[94],
        "best_ms": min(times),
        "target_p95_ms": TARGETS_MS[name],
        "bytes": len(response.content),
    }


def web_rows(base_url: str) -> list[dict[str, Any]]:
    """Return the W1 rows (trace, gallery) measured against the server at ``base_url``."""
    body, png = trace_body(), photo_png()
    with httpx.Client(base_url=base_url, timeout=30) as client:
        return [
            percentiles(client, "W1 trace", lambda c: c.post("/api/trace", json=body)),
            percentiles(
                client,
                "W1 gallery",
                lambda c: c.post(
                    "/api/gallery/upload", files={"image": ("photo.png", png, "image/png")}
                ),
            ),
        ]


def measure_web(base_url: str | None = None) -> list[dict[str, Any]]:
    """Return the W1 rows, starting (and then stopping) a server when no URL is given."""
    if base_url is not None:
        return web_rows(base_url.rstrip("/"))
    server, base = start_server(workers=1)
    try:
        return web_rows(base)
    finally:
        stop_server(server)


def print_rows(rows: list[dict[str, Any]]) -> None:
    """Print each W1 row with its target and whether it is met."""
    for row in rows:
        verdict = "hit" if row["p95_ms"] <= row["target_p95_ms"] else "MISS"
        print(
            f"{row['case']:11} p50 {row['p50_ms']:7.2f} ms  p95 {row['p95_ms']:7.2f} ms  "
            f"(best {row['best_ms']:.2f}; target p95 ≤ {row['target_p95_ms']:.0f} ms: {verdict}; "
            f"{row['bytes']:,} bytes)"
        )


if __name__ == "__main__":
    print_rows(measure_web(sys.argv[1] if len(sys.argv) > 1 else None))
