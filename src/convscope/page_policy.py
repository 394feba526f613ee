"""What a convscope page may load and who may frame it: one policy for served and exported pages.

The web app sends :func:`served_headers` with every answer; the exporter writes
:func:`meta_policy` into every page's ``<meta http-equiv="Content-Security-Policy">``. Both read
the directives here, so the two cannot drift apart, and neither front door imports the other.

What the pages truly need, and nothing else:

- scripts, styles, fonts and requests from the page's own origin only; no inline script or
  style, no ``eval``, nothing from another site (no CDN);
- pictures from the origin and ``data:`` URLs (an uploaded photo is answered as ``data:`` URLs
  and kept only in the page; the favicon is ``data:,``);
- no plugins (``object-src 'none'``), no ``<base>``, forms posting only home, and no framing by
  any other page (``frame-ancestors 'none'``, which only a header can carry).

An exported page opened from ``file://`` cannot load module scripts from files (Chromium refuses
them there), so it carries its modules as ``data:`` URLs imported by one small inline module:
its meta policy allows ``data:`` scripts and that one inline script by its SHA-256 hash.

Examples
--------
>>> served_policy().split("; ")[:2]
["default-src 'self'", "script-src 'self'"]
>>> "frame-ancestors" in meta_policy(["import 'x';"])
False
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable

_DIRECTIVES: dict[str, tuple[str, ...]] = {
    "default-src": ("'self'",),
    "script-src": ("'self'",),
    "style-src": ("'self'",),
    "img-src": ("'self'", "data:"),
    "font-src": ("'self'",),
    "connect-src": ("'self'",),
    "object-src": ("'none'",),
    "base-uri": ("'none'",),
    "form-action": ("'self'",),
    "frame-ancestors": ("'none'",),
}
_HEADER_ONLY = {"frame-ancestors"}  # ignored (with a console warning) in a <meta> policy

REFERRER_POLICY = "no-referrer"
"""No page address leaves with a request: a lesson's address can name a teacher's folder."""


def _joined(directives: dict[str, tuple[str, ...]]) -> str:
    return "; ".join(" ".join((name, *sources)) for name, sources in directives.items())


def served_policy() -> str:
    """Return the ``Content-Security-Policy`` header value of every page the server answers."""
    return _joined(_DIRECTIVES)


def script_hash(source: str) -> str:
    """Return the CSP source (``'sha256-…'``) that allows an inline script with this text."""
    digest = hashlib.sha256(source.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def meta_policy(inline_scripts: Iterable[str] = ()) -> str:
    """Return the policy an exported page carries in its ``<meta>``: the served one, minus
    what a meta element cannot carry, plus ``data:`` module scripts and the page's inline
    scripts (given by their exact text) allowed by hash."""
    directives = {name: v for name, v in _DIRECTIVES.items() if name not in _HEADER_ONLY}
    hashes = tuple(script_hash(source) for source in inline_scripts)
    directives["script-src"] = (*directives["script-src"], "data:", *hashes)
    return _joined(directives)


def served_headers() -> dict[str, str]:
    """Return the security headers sent with every answer of ``convscope serve``."""
    return {
        "content-security-policy": served_policy(),
        "x-content-type-options": "nosniff",
        "referrer-policy": REFERRER_POLICY,
        "x-frame-options": "DENY",  # frame-ancestors for browsers that predate it
        "cross-origin-opener-policy": "same-origin",
    }
