"""The loss curve as the page draws it: SVG polyline points, on a linear and a log scale.

The page only draws; where each loss lands on the plot is computed here, with the axis labels.
"""

from __future__ import annotations

import math
from typing import Any

from ...tracing.numbers import format_number

WIDTH, HEIGHT = 300.0, 120.0
"""The plot's viewBox: x from 0 to WIDTH (the steps), y from 0 (top) to HEIGHT."""
SHORTEST = 20
"""The x axis spans at least this many steps, so a short run does not fill the plot at once."""
LOG_FLOOR = 1e-12
"""On the log scale a loss of 0 is drawn at this fraction of the largest loss."""


def _points(values: list[float], span: int) -> str:
    return " ".join(
        f"{WIDTH * step / span:.1f},{HEIGHT * (1 - value):.1f}" for step, value in enumerate(values)
    )


def loss_curve(losses: list[float], max_steps: int) -> dict[str, Any]:
    """Return the polyline points and axis labels of ``losses`` (one per step, from step 0).

    Examples
    --------
    >>> curve = loss_curve([4.0, 1.0, 0.0], 100)
    >>> curve["linear"]["points"], curve["linear"]["top"]
    ('0.0,0.0 15.0,90.0 30.0,120.0', '4')
    """
    span = min(max(len(losses) - 1, SHORTEST), max_steps)
    top = max(losses) if losses else 0.0
    linear = [value / top if top > 0 else 0.0 for value in losses]
    floor = max(min((v for v in losses if v > 0), default=top), top * LOG_FLOOR)
    if top > 0 and floor < top:
        low, high = math.log10(floor), math.log10(top)
        logged = [(math.log10(max(v, floor)) - low) / (high - low) for v in losses]
    else:
        logged, floor = [1.0 for _ in losses], top
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "steps": span,
        "linear": {"points": _points(linear, span), "top": format_number(top), "bottom": "0"},
        "log": {
            "points": _points(logged, span),
            "top": format_number(top),
            "bottom": format_number(floor),
        },
    }
