"""Time what the network lesson's server does for one drawing: the whole ``network_maps`` state.

Run from the repository root::

    .venv/bin/python benchmarks/bench_network.py             # 100 drawings
    .venv/bin/python benchmarks/bench_network.py --count 300

Each drawing is a held-out 8×8 digit (cycling through them) with a clicked activation of
``conv2``: the forward pass through every layer, every layer's maps, the probabilities and the
clicked activation's explanation, as ``POST /api/widgets/network_maps`` computes them. After
five warm-up drawings each is timed alone; p50 and p95 are printed in milliseconds (target, issue
16: well under 100 ms per forward pass on the server).
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from convscope.network import held_out_split
from convscope.widgets.network_maps import NetworkMapsInputs, build_state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    count = parser.parse_args().count
    images = held_out_split()[1].images
    drawings = [
        NetworkMapsInputs(pixels=images[k % len(images)].astype(int).tolist(), layer="conv2")
        for k in range(count + 5)
    ]
    for inputs in drawings[:5]:
        build_state(inputs)
    times = []
    for inputs in drawings[5:]:
        began = time.perf_counter()
        build_state(inputs)
        times.append((time.perf_counter() - began) * 1000)
    p50, p95 = np.percentile(times, [50, 95])
    print(f"the network lesson's state for one drawing, {count} drawings:")
    print(f"p50 {p50:.2f} ms, p95 {p95:.2f} ms (target: well under 100 ms)")


if __name__ == "__main__":
    main()
