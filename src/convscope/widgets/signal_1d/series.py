"""The lesson's made-up signal: three weeks of daily high temperatures, in whole degrees.

Generated here, not measured anywhere: a slow warming of about a degree every four days, a
warm spell in the second week and a little day-to-day jitter from a seeded generator, so the
series is the same on every machine and has what a smoothing and a difference kernel are for:
noise to even out and steps to find.
"""

from __future__ import annotations

import numpy as np

DAYS = 21
SEED = 17
PROVENANCE = (
    "made up by convscope (widgets/signal_1d/series.py): a slow warming, a warm spell in the "
    "second week and seeded day-to-day jitter; not a measurement"
)


def temperature_series(days: int = DAYS) -> list[int]:
    """Return ``days`` daily highs in °C, the same list on every call.

    Examples
    --------
    >>> len(temperature_series()), temperature_series() == temperature_series()
    (21, True)
    """
    day = np.arange(days)
    warming = 11 + day // 4
    spell = np.where((day >= 8) & (day <= 12), 5, 0)
    jitter = np.random.default_rng(SEED).integers(-2, 3, size=days)
    return [int(value) for value in warming + spell + jitter]
