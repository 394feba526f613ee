"""The widgets a lesson can place, by directive name.

Adding a widget: write ``<name>.py`` here with an inputs model, ``build_state`` and ``WIDGET``,
add it to :data:`WIDGETS`, and put ``web/static/js/widgets/<name>.js`` beside the others. The
lesson directive ```` ```{name} ```` and the route ``POST /api/widgets/<name>`` then exist.
"""

from __future__ import annotations

from ...widgets.base import DirectiveSite, Widget, WidgetInputs
from . import (
    calculator,
    channels,
    checkerboard,
    code_trace,
    flip,
    gallery,
    padding_modes,
    params,
    pooling,
    quick_check,
    quiz,
    receptive,
    speed,
    step,
    torch_check,
    transposed,
)

FIRST_LESSON = (
    flip,
    step,
    torch_check,
    calculator,
    code_trace,
    speed,
    gallery,
    channels,
    params,
    quiz,
)
SECOND_LESSON = (padding_modes, pooling, transposed, checkerboard, receptive, quick_check)
WIDGETS: dict[str, Widget] = {
    module.WIDGET.name: module.WIDGET for module in (*FIRST_LESSON, *SECOND_LESSON)
}

__all__ = ["WIDGETS", "DirectiveSite", "Widget", "WidgetInputs"]
