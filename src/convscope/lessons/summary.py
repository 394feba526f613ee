"""A lesson's summary for an index of lessons: its opening sentences as plain text."""

from __future__ import annotations

import html
import re
from typing import Protocol

SUMMARY_CHARS = 240
"""A summary is at most this many characters (plus " …" when cut mid-sentence)."""
_FIRST_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class _Rendered(Protocol):
    @property
    def html(self) -> str: ...


def lesson_summary(lesson: _Rendered) -> str:
    """Return the lesson's first paragraph as plain text, cut after its last whole sentence
    that fits in :data:`SUMMARY_CHARS` characters (at a word, with "…", if none does).

    The text is unescaped (``&lt;`` becomes ``<``): the page's template escapes it once.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> lesson_summary(SimpleNamespace(html="<h1>T</h1><p>If <em>a</em> &lt; b &amp; c.</p>"))
    'If a < b & c.'
    """
    match = _FIRST_PARAGRAPH.search(lesson.html)
    text = " ".join(html.unescape(_TAG.sub("", match[1])).split()) if match else ""
    if len(text) <= SUMMARY_CHARS:
        return text
    head = text[: SUMMARY_CHARS + 1]
    end = max(head.rfind(". "), head.rfind("? "), head.rfind("! "))
    return head[: end + 1] if end > 0 else head.rsplit(" ", 1)[0] + " …"
