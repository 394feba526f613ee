"""ES modules with their relative imports inlined, for hosts that cannot fetch sibling files.

Chromium refuses to load module scripts from ``file://`` pages, and anywidget hands the
browser one module's text, not a folder. Both get the same answer here: each relative import
(``import { h } from "./_grid.js"``) is rewritten to a ``data:`` URL holding that module, itself
bundled the same way, so one string carries the widget and everything it imports. The module
text is otherwise untouched: the page, the export and the notebook run the same code.

A widget's module is bundled by its address (:mod:`.assets`): its imports are followed through
the addresses the web app serves, so the bundle holds exactly what the page loads.
"""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

from .assets import asset_file

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
"""The page's own files (the host shim, the page-wide styles), which the exporter and the
notebook carry too."""

# `import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"`, `import("./x.js")`.
_RELATIVE_IMPORT = re.compile(
    r"""(?P<head>\b(?:from|import)\s*\(?\s*)(?P<quote>["'])(?P<spec>\.{1,2}/[^"']+)(?P=quote)"""
)


_Reader = Callable[[str], str]


def data_url(source: str) -> str:
    """Return ``source`` as a ``data:`` URL a browser imports as a JavaScript module."""
    encoded = base64.b64encode(source.encode("utf-8")).decode("ascii")
    return f"data:text/javascript;base64,{encoded}"


def bundle_file(path: Path) -> str:
    """Return the text of the ES module at ``path`` with every relative import inlined.

    Raises
    ------
    ValueError
        When the modules import each other in a circle, which ``data:`` URLs cannot express.
    """
    return _bundle(path.resolve().as_posix(), (), lambda where: Path(where).read_text("utf-8"))


@cache
def bundle_module(module: str) -> str:
    """Return the bundled text of a widget's module by its address (``widgets/step/step.js``).

    Raises
    ------
    ValueError
        When ``module`` or a module it imports names no widget script
        (:func:`~.assets.asset_file`), or when they import each other in a circle.
    """
    return _bundle(module, (), lambda address: asset_file(address).read_text(encoding="utf-8"))


def _bundle(where: str, importers: tuple[str, ...], read: _Reader) -> str:
    if where in importers:
        chain = " → ".join(posixpath.basename(p) for p in (*importers, where))
        raise ValueError(f"modules import each other in a circle: {chain}")

    def inline(match: re.Match[str]) -> str:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(where), match["spec"]))
        inner = _bundle(target, (*importers, where), read)
        return f'{match["head"]}"{data_url(inner)}"'

    return _RELATIVE_IMPORT.sub(inline, read(where))
