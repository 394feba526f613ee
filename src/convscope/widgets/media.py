"""Pictures a widget state names by server address, saved once for a host with no server.

Some states name pictures by address (the gallery's ``/api/gallery/camera/sobel_x.jpg``). The
static export and a notebook have no server to ask, so they ask the widget itself
(:attr:`~convscope.widgets.base.Widget.picture`), save each picture once — beside the pages
under ``assets/media/`` with a name made from its bytes, or inline as a ``data:`` URL — and
write where it went into the state. An address that names no picture (an upload route) becomes
``None``: the page has no server to send to.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .base import SERVER_PREFIX, Widget

_SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp"}


@dataclass
class MediaFolder:
    """Saves each picture once and remembers where it went.

    Attributes
    ----------
    write : callable
        ``write(relative_path, data)``: stores a file in the export (atomically).
    prefix : str
        The folder, relative to the pages, the pictures go in.
    inline : bool
        Write each picture into the state as a ``data:`` URL instead (a notebook has no folder).
    """

    write: Callable[[str, bytes], object]
    prefix: str = "assets/media/"
    inline: bool = False
    saved: dict[str, str | None] = field(default_factory=dict)

    def localize(self, widget: Widget, value: Any) -> Any:
        """Return ``value`` with every address replaced by its saved picture (or ``None``)."""
        if isinstance(value, dict):
            return {key: self.localize(widget, item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.localize(widget, item) for item in value]
        if isinstance(value, str) and value.startswith(SERVER_PREFIX):
            return self.save(widget, value)
        return value

    def save(self, widget: Widget, address: str) -> str | None:
        """Return where the picture at ``address`` went, drawing it the first time."""
        if address not in self.saved:
            picture = widget.picture(address) if widget.picture is not None else None
            suffix = _SUFFIX.get(picture.media_type) if picture is not None else None
            if picture is None or suffix is None:
                self.saved[address] = None
            elif self.inline:
                encoded = base64.b64encode(picture.data).decode()
                self.saved[address] = f"data:{picture.media_type};base64,{encoded}"
            else:
                name = self.prefix + hashlib.sha256(picture.data).hexdigest()[:20] + suffix
                self.write(name, picture.data)
                self.saved[address] = name
        return self.saved[address]
