"""ES modules with their relative imports inlined, for hosts that cannot fetch sibling files.

Chromium refuses to load module scripts from ``file://`` pages, and anywidget hands the
browser one module's text, not a folder. Both get the same answer here: each relative import
(``import { h } from "./_grid.js"``) is rewritten to a ``data:`` URL holding that module, itself
bundled the same way, so one string carries the widget and everything it imports. The module
text is otherwise untouched: the page, the export and the notebook run the same code.
"""

from __future__ import annotations

import base64
import re
from functools import cache
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "web" / "static"
JS = STATIC / "js"

# `import … from "./x.js"`, `export … from "./x.js"`, `import "./x.js"`, `import("./x.js")`.
_RELATIVE_IMPORT = re.compile(
    r"""(?P<head>\b(?:from|import)\s*\(?\s*)(?P<quote>["'])(?P<spec>\.{1,2}/[^"']+)(?P=quote)"""
)


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
    return _bundle(path.resolve(), ())


def bundle_module(module: str) -> str:
    """Return the bundled text of a module named as widgets name it (``"widgets/step.js"``)."""
    return _bundled_static(module)


@cache
def _bundled_static(module: str) -> str:
    path = (JS / module).resolve()
    if JS not in path.parents or not path.is_file():
        raise ValueError(f"module must be a file under {JS}; got {module!r}")
    return bundle_file(path)


def _bundle(path: Path, importers: tuple[Path, ...]) -> str:
    if path in importers:
        chain = " → ".join(p.name for p in (*importers, path))
        raise ValueError(f"modules import each other in a circle: {chain}")
    source = path.read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        target = (path.parent / match["spec"]).resolve()
        inner = _bundle(target, (*importers, path))
        return f'{match["head"]}"{data_url(inner)}"'

    return _RELATIVE_IMPORT.sub(inline, source)
