"""The widgets a lesson can place, by directive name.

Adding a widget: make its folder ``convscope/widgets/<name>/`` (``__init__.py`` with an inputs
model, ``build_state`` and ``WIDGET``; ``<name>.js``; ``<name>.css`` if it needs styles of its
own) and add it to :data:`WIDGETS`. The lesson directive ```` ```{name} ```` and the route
``POST /api/widgets/<name>`` then exist (see ``docs/architecture.md``).
"""

from __future__ import annotations

from . import (
    beyond_check,
    calculator,
    causal_tree,
    channels,
    checkerboard,
    code_trace,
    first_filters,
    flip,
    gallery,
    grad_chain,
    grad_check,
    grad_learn,
    grad_loss,
    grad_weight,
    groups,
    inspector,
    network_check,
    network_maps,
    padding_modes,
    params,
    pooling,
    quick_check,
    quiz,
    receptive,
    signal_1d,
    speed,
    step,
    torch_check,
    transposed,
    volume_3d,
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
    channels,
    params,
    quiz,
)
SECOND_LESSON = (padding_modes, pooling, transposed, checkerboard, receptive, quick_check)
THIRD_LESSON = (grad_weight, grad_loss, grad_learn, grad_chain, grad_check)
NETWORK_LESSON = (network_maps, first_filters, network_check, inspector)
BEYOND_LESSON = (signal_1d, causal_tree, groups, volume_3d, beyond_check)
WIDGETS: dict[str, Widget] = {
    module.WIDGET.name: module.WIDGET
    for module in (*FIRST_LESSON, *SECOND_LESSON, *THIRD_LESSON, *NETWORK_LESSON, *BEYOND_LESSON)
}
"""Every widget by its directive name, in the order the lessons first place them."""

__all__ = ["WIDGETS", "DirectiveSite", "Widget", "WidgetInputs"]
