"""The widgets: one host-neutral package per widget, and what every host needs from one.

Each widget is a :class:`~convscope.widgets.base.Widget`: its inputs model, its state builder,
its pictures, its ES module and its refusals in one set of words. The front doors (the web app,
the static exporter, the Jupyter host) read widgets from here and never from each other; see
``docs/architecture.md``.

The Jupyter classes keep their old address: ``from convscope.widgets import Calculator`` gives
the anywidget class of :mod:`convscope.jupyter`, imported only when asked for, so this layer
needs no notebook packages and imports no front door at import time.
"""

from __future__ import annotations

import importlib
from typing import Any


def __getattr__(name: str) -> Any:
    # The one sanctioned upward reference (tests/test_layers.py allows it by name): the
    # notebook classes, looked up lazily so `convscope.widgets.base` never loads anywidget.
    # Only capitalised names (`Calculator`, `CLASSES`): a lower-case one is a widget's folder,
    # which `from convscope.widgets import flip` must import, not look up in the notebook.
    if not name[:1].isupper():
        raise AttributeError(f"module 'convscope.widgets' has no attribute {name!r}")
    jupyter = importlib.import_module("convscope.jupyter")
    try:
        return getattr(jupyter, name)
    except AttributeError:
        raise AttributeError(f"module 'convscope.widgets' has no attribute {name!r}") from None
