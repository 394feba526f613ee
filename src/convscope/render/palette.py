"""The role colours of every picture, read from the same table the web page uses.

``data/palette.css`` defines each role once as a CSS custom property (``--cs-input`` …); this
module parses the light theme's values so a PNG or GIF draws the input, kernel, padding and
window in exactly the page's colours.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

RGB = tuple[int, int, int]

_PROPERTY = re.compile(r"--cs-([a-z-]+)\s*:\s*#([0-9a-fA-F]{6})\s*;")


def palette_css() -> str:
    """Return the text of ``data/palette.css``."""
    return (resources.files("convscope") / "data" / "palette.css").read_text(encoding="utf-8")


@cache
def light() -> dict[str, RGB]:
    """Return the light theme's colours by role, e.g. ``light()["kernel"] == (138, 90, 0)``."""
    text = palette_css()
    first_block = text[: text.index("@media")]
    return {name: _rgb(hex_value) for name, hex_value in _PROPERTY.findall(first_block)}


def colour(role: str) -> RGB:
    """Return one role's colour, raising ``KeyError`` with the known roles if it is unknown."""
    roles = light()
    if role not in roles:
        raise KeyError(f"no colour for role {role!r}; roles are {', '.join(sorted(roles))}")
    return roles[role]


def hex_colour(role: str) -> str:
    """Return one role's colour as ``#rrggbb`` for SVG."""
    return "#{:02x}{:02x}{:02x}".format(*colour(role))


def _rgb(hex_value: str) -> RGB:
    return (int(hex_value[0:2], 16), int(hex_value[2:4], 16), int(hex_value[4:6], 16))
