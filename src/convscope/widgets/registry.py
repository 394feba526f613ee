"""The widgets a lesson can place, by directive name.

Adding a widget: make its folder ``convscope/widgets/<name>/`` (``__init__.py`` with an inputs
model, ``build_state`` and ``WIDGET``; ``<name>.js``; ``<name>.css`` if it needs styles of its
own) and add it to :data:`WIDGETS`. The lesson directive ```` ```{name} ```` and the route
``POST /api/widgets/<name>`` then exist (see ``docs/architecture.md``).
"""

from __future__ import annotations

from . import (
    calculator,
    channels,
    checkerboard,
    code_trace,
    flip,
    gallery,
    grad_learn,
    grad_loss,
    grad_weight,
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
from .base import DirectiveSite, Widget, WidgetInputs

FIRST_LESSON = (
    flip,
    step,
    torch_check,
    calculator,
    code_trace,
    speed,
    gallery,
    grad_learn,
    grad_loss,
    grad_weight,
    channels,
    params,
    quiz,
)
SECOND_LESSON = (padding_modes, pooling, transposed, checkerboard, receptive, quick_check)
THIRD_LESSON = (grad_weight, grad_loss, grad_learn)
WIDGETS: dict[str, Widget] = {
    module.WIDGET.name: module.WIDGET for module in (*FIRST_LESSON, *SECOND_LESSON, *THIRD_LESSON)
}
"""Every widget by its directive name, in the order the lessons first place them."""

__all__ = ["WIDGETS", "DirectiveSite", "Widget", "WidgetInputs"]
