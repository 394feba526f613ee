"""The lesson widgets in Jupyter: ``Calculator``, ``Gallery``, ``Channels``, ``CodeTrace`` …

The Jupyter front door; ``convscope.widgets`` gives the same classes by name (``from
convscope.widgets import Calculator``), so notebooks written before keep working.

One class per widget of the lesson registry, made from it, so a widget added to the lessons is a
notebook widget too. Each is an ``anywidget.AnyWidget`` whose ``_esm`` is the same ES module the
web page loads (its imports inlined) and whose state the same Python builder computes.

Needs the ``jupyter`` extra: ``pip install "convscope[jupyter]"``.

Examples
--------
>>> from convscope.widgets import Calculator
>>> image = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
>>> calc = Calculator(image, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]])
>>> calc.output.tolist()
[[160, 160, 160], [240, 240, 240], [320, 320, 320]]
>>> calc.stride = 2
>>> calc.output.tolist()
[[160, 160], [320, 320]]
"""

from __future__ import annotations

try:
    import anywidget  # noqa: F401
except ImportError as error:  # pragma: no cover - depends on the environment
    raise ImportError(
        'convscope.widgets needs anywidget: pip install "convscope[jupyter]"'
    ) from error

from ..widgets.registry import WIDGETS
from .classes import ConvscopeWidget, widget_class

CLASSES: dict[str, type[ConvscopeWidget]] = {
    name: widget_class(widget) for name, widget in WIDGETS.items()
}
"""Each widget's class by its directive name."""

globals().update({cls.__name__: cls for cls in CLASSES.values()})

__all__ = ["CLASSES", "ConvscopeWidget", *sorted(cls.__name__ for cls in CLASSES.values())]
