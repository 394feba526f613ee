"""Where a widget's browser files live, and the one address every host knows them by.

A widget keeps its ES module and its CSS in its own folder, ``convscope/widgets/<name>/``,
beside its Python, as an anywidget project does; the JavaScript parts widgets share sit in
``convscope/widgets/_common/``. Every host names these files by one address, the path below
its static prefix: ``widgets/<folder>/<file>`` (``widgets/flip/flip.js``,
``widgets/_common/_grid.js``). The web app serves that path at ``/static/<address>``, the
bundler follows a module's relative imports (``../_common/_grid.js``) through the same
addresses, and the exporter copies each stylesheet to ``assets/<address>``. So a module's
imports mean the same thing on disk, on the server and in a bundle.

Examples
--------
>>> from convscope.widgets.assets import asset_file, asset_url
>>> asset_url(asset_file("widgets/_common/_grid.js"))
'widgets/_common/_grid.js'
"""

from __future__ import annotations

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
"""``convscope/widgets/``: one folder per widget, and ``_common/``."""
COMMON = PACKAGE / "_common"
"""The JavaScript parts several widgets import (grids, controls, the step view)."""
MEDIA_TYPES = {".js": "text/javascript", ".css": "text/css"}
"""The kinds of file an address may name, with the media type they are served as."""

_FOLDER = re.compile(r"[a-z_][a-z0-9_]*")
_FILE = re.compile(r"[A-Za-z0-9_-]+\.(?:js|css)")


def asset_url(path: Path) -> str:
    """Return the address (``widgets/flip/flip.js``) of a widget's file ``path``.

    Raises
    ------
    ValueError
        When ``path`` is not a ``.js`` or ``.css`` file of a widget folder.
    """
    path = path.resolve()
    if path.parent.parent == PACKAGE and path.suffix in MEDIA_TYPES:
        return f"widgets/{path.parent.name}/{path.name}"
    raise ValueError(f"{path} is not a script or stylesheet of a widget folder under {PACKAGE}")


def asset_file(address: str) -> Path:
    """Return the file an address names (``widgets/flip/flip.js`` → its path on disk).

    Raises
    ------
    ValueError
        When ``address`` names no widget script or stylesheet (the web app answers 404).
    """
    parts = address.split("/")
    if len(parts) == 3 and parts[0] == "widgets":
        folder, name = parts[1], parts[2]
        if _FOLDER.fullmatch(folder) and _FILE.fullmatch(name):
            path = PACKAGE / folder / name
            if path.is_file() and asset_url(path) == address:
                return path
    raise ValueError(f"no widget script or stylesheet is served at {address!r}")
