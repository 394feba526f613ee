"""The ``speed`` widget: the lesson's loop against ``convscope.conv2d``, timed on the server.

The numbers come from :func:`convscope.widgets.speed.timing.measure_lesson_speedup`. A lesson page
shows the measurement this process already holds (so a class opening the page at once does
not make the server time the loop thirty times); the widget's "Measure again" button asks the
API, which times afresh. At most one measurement runs at a time in a process: a request that
arrives meanwhile gets the latest finished one. In a page written by ``convscope export`` the
state says the numbers were measured when the page was exported, and that measuring again
needs ``convscope serve``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from ...tracing.numbers import format_number
from ..base import DirectiveSite, Widget, WidgetInputs
from .timing import SpeedMeasurement, measure_lesson_speedup


class SpeedInputs(WidgetInputs):
    """Inputs of the ``speed`` widget: none; the image, kernel and repeats are fixed."""


class _Latest:
    """The latest finished measurement of this process, and the lock one measurement holds."""

    lock = threading.Lock()
    measurement: SpeedMeasurement | None = None


def cached_measurement() -> SpeedMeasurement:
    """Return this process's latest measurement, measuring first when there is none yet."""
    if _Latest.measurement is None:
        with _Latest.lock:  # the first requests wait for the one measurement, not each their own
            if _Latest.measurement is None:
                _Latest.measurement = measure_lesson_speedup()
    return _Latest.measurement


def fresh_measurement() -> SpeedMeasurement:
    """Return a new measurement, or the latest one when another is being taken right now."""
    if not _Latest.lock.acquire(blocking=False):
        return cached_measurement()
    try:
        _Latest.measurement = measure_lesson_speedup()
    finally:
        _Latest.lock.release()
    return _Latest.measurement


def state_of(measurement: SpeedMeasurement) -> dict[str, Any]:
    """Return the widget's state for ``measurement``: the numbers and their words, as served."""
    rows, cols = measurement.image_shape
    k_rows, k_cols = measurement.kernel_shape
    return {
        "inputs": {},
        "measurement": measurement.to_json(),
        "text": {
            "loop_ms": _milliseconds(measurement.loop_seconds),
            "engine_ms": _milliseconds(measurement.engine_seconds),
            "speedup": _times(measurement.speedup),
            "image": f"{rows}×{cols}",
            "kernel": f"{k_rows}×{k_cols}",
        },
        "exported": False,
    }


def for_export(state: dict[str, Any]) -> dict[str, Any]:
    """Return ``state`` as an exported page shows it: measured at export, no new measurement."""
    return {**state, "exported": True}


def _milliseconds(seconds: float) -> str:
    # Three significant figures, trailing zeros kept so the two times read alike: "13.0" for
    # the loop, "0.100" for the engine; whole milliseconds from 100 on ("1,250").
    ms = seconds * 1000
    return f"{ms:,.0f}" if ms >= 100 else f"{ms:#.3g}"


def _times(ratio: float) -> str:
    return format_number(round(ratio) if ratio >= 10 else round(ratio, 1))


def build_state(inputs: SpeedInputs) -> dict[str, Any]:
    """Return the state of a new measurement (the API's answer to "Measure again")."""
    return state_of(fresh_measurement())


def _page_state(raw: dict[str, Any], site: DirectiveSite) -> dict[str, Any]:
    SpeedInputs.model_validate(raw)  # a directive body is refused like the API's inputs
    return state_of(cached_measurement())


WIDGET = Widget(
    name="speed",
    inputs=SpeedInputs,
    build=build_state,
    esm=Path(__file__).with_name("speed.js"),
    css=Path(__file__).with_name("speed.css"),
    directive=_page_state,
    exported=for_export,
)
