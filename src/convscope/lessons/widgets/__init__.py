"""The widgets a lesson can place, by directive name.

Adding a widget: make its folder ``convscope/widgets/<name>/`` (``__init__.py`` with an inputs
model, ``build_state`` and ``WIDGET``; ``<name>.js``; ``<name>.css`` if it needs styles of its
own) and add it to :data:`WIDGETS`. The lesson directive ```` ```{name} ```` and the route
``POST /api/widgets/<name>`` then exist. Widgets not yet moved to their folder are still
modules here (see ``docs/architecture.md``).
"""

from __future__ import annotations

from ...widgets import (
    calculator,
    channels,
    code_trace,
    flip,
    gallery,
    padding_modes,
    params,
    pooling,
    quick_check,
    quiz,
    speed,
    step,
    torch_check,
    transposed,
)
from ...widgets.base import DirectiveSite, Widget, WidgetInputs
from . import checkerboard, receptive

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
