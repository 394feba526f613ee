"""The one Jupyter widget class every convscope widget is made from.

The Jupyter front door. A :class:`ConvscopeWidget` subclass stands for one entry of the widget
registry. Its
inputs are traitlets named as in the widget's inputs model (``input``, ``kernel``, ``stride`` …);
its whole state, as the widget's ES module reads it, is the synced traitlet ``state``. Changing an
input — from Python, or from the page, which sends ``inputs`` — runs the widget's own state
builder again (the one the web API calls) and sends the new state. The module is the very file
the web page loads, its imports inlined, behind a small adapter (``anywidget_host.js``) that
gives it the page's model.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

import anywidget
import numpy as np
import traitlets
from numpy.typing import NDArray
from pydantic import ValidationError
from pydantic_core import PydanticUndefined

from ..widgets.base import Widget
from ..widgets.bundle import STATIC, bundle_module, data_url
from ..widgets.media import MediaFolder

PALETTE = Path(__file__).resolve().parents[1] / "data" / "palette.css"
ADAPTER = Path(__file__).with_name("anywidget_host.js")
JUPYTER_CLASS = "cs-jupyter"
_PAGE_LEVEL = re.compile(r"(^|[},;\s])(:root|html|body)(\s*\{)", re.MULTILINE)


def scoped_css(own: Path | None = None) -> str:
    """Return convscope's styles nested under ``.cs-jupyter``, so a notebook keeps its own look.

    ``own`` is the widget's own stylesheet (:attr:`~convscope.widgets.base.Widget.css`), added
    after the page-wide ones as the lesson page links it. The page-level rules (``:root``,
    ``body``) apply to the widget's own element instead.
    """
    sheets = [PALETTE, *sorted((STATIC / "css").glob("*.css")), *([own] if own else [])]
    text = "\n".join(sheet.read_text(encoding="utf-8") for sheet in sheets)
    nested = _PAGE_LEVEL.sub(r"\1&\3", text)
    return f".{JUPYTER_CLASS} {{\n{nested}\n}}\n"


def notebook_module(module: str) -> str:
    """Return the ``_esm`` text for widget module ``module``: the adapter importing it."""
    adapter = ADAPTER.read_text(encoding="utf-8")
    return adapter.replace("__WIDGET_MODULE__", data_url(bundle_module(module)))


class ConvscopeWidget(anywidget.AnyWidget):  # type: ignore[misc,unused-ignore]
    """A convscope lesson widget in a notebook: inputs as traitlets, the state computed by Python.

    Attributes
    ----------
    state : dict
        The widget's whole state, every number computed by the engine (synced to the page).
    refusal : dict or None
        Why the last change made on the page was refused (``detail``, ``field``), else None.
    """

    widget: ClassVar[Widget]
    state = traitlets.Dict().tag(sync=True)
    inputs = traitlets.Dict().tag(sync=True)
    refusal = traitlets.Any(None).tag(sync=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = list(self.widget.inputs.model_fields)
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__} takes at most {len(fields)} inputs: {fields}")
        given = dict(zip(fields, args, strict=False))
        given |= {key: value for key, value in kwargs.items() if key in fields}
        others = {key: value for key, value in kwargs.items() if key not in fields}
        self._busy = False
        state = self.widget.state(_plain(given))  # raises here, naming the input, when invalid
        super().__init__(**others)
        self.add_class(JUPYTER_CLASS)
        self._show(state)
        self.observe(self._recompute_for_python, names=fields)
        self.observe(self._recompute_for_page, names=["inputs"])

    @property
    def output(self) -> NDArray[Any]:
        """Return the output grid the widget shows, as a NumPy array of its numbers.

        Raises
        ------
        AttributeError
            When this widget shows no single output grid.
        """
        grid = self.state.get("output")
        if grid is None and isinstance(self.state.get("trace"), dict):
            grid = self.state["trace"].get("output")
        if not isinstance(grid, list):
            raise AttributeError(f"{type(self).__name__} shows no output grid")
        return shown_numbers(grid)

    def _show(self, state: dict[str, Any]) -> None:
        self._busy = True
        try:
            with self.hold_sync():
                self.state = _PICTURES.localize(self.widget, state)
                self.inputs = state["inputs"]
                self.refusal = None
                for name, value in state["inputs"].items():
                    setattr(self, name, value)
        finally:
            self._busy = False

    def _recompute_for_python(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        try:
            state = self.widget.state({**self.inputs, change["name"]: _plain(change["new"])})
        except (ValueError, TypeError):
            self._busy = True
            setattr(self, change["name"], change["old"])  # inputs and state stay in agreement
            self._busy = False
            raise
        self._show(state)

    def _recompute_for_page(self, change: dict[str, Any]) -> None:
        if self._busy:
            return
        try:
            state = self.widget.state(change["new"])
        except (ValueError, TypeError, ValidationError) as error:
            self._busy = True
            self.inputs = change["old"]
            self.refusal = self.widget.refusal(error)
            self._busy = False
            return
        self._show(state)


# Pictures a state names by server address travel inside it: a notebook has no server.
_PICTURES = MediaFolder(write=lambda name, data: None, inline=True)


def shown_numbers(grid: list[Any]) -> NDArray[Any]:
    """Return a grid of written-out numbers (``−4``, ``1,792``) as a NumPy array."""
    flat = np.asarray(grid, dtype=object).ravel()
    texts = [str(text).replace(",", "").replace("−", "-") for text in flat]
    whole = all(re.fullmatch(r"-?\d+", text) for text in texts)
    values = [int(text) if whole else float(text) for text in texts]
    return np.array(values).reshape(np.shape(grid))


def _plain(value: Any) -> Any:
    # NumPy arrays and numbers become the lists and Python numbers the inputs model accepts.
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def widget_class(widget: Widget) -> type[ConvscopeWidget]:
    """Return the notebook class of registry entry ``widget`` (``code_trace`` → ``CodeTrace``).

    Raises
    ------
    ValueError
        When an input's name is already taken by the widget machinery (``state``, ``layout`` …).
    """
    name = "".join(part.capitalize() for part in widget.name.split("_"))
    traits: dict[str, Any] = {}
    for field, info in widget.inputs.model_fields.items():
        if hasattr(ConvscopeWidget, field):
            raise ValueError(f"{widget.name} input {field!r} clashes with a widget attribute")
        default = None if info.default is PydanticUndefined else info.default
        traits[field] = traitlets.Any(default, allow_none=True)
    doc = (
        f"The ``{widget.name}`` lesson widget in a notebook (ES module ``{widget.module}``).\n\n"
        f"Inputs, as arguments and traitlets: {', '.join(traits)}. Setting one recomputes "
        "``state`` with the widget's own builder; ``output`` is the output grid shown."
    )
    namespace = {
        "__doc__": doc,
        "__module__": "convscope.widgets",
        "widget": widget,
        "_esm": notebook_module(widget.module),
        "_css": scoped_css(widget.css),
        **traits,
    }
    return type(name, (ConvscopeWidget,), namespace)
