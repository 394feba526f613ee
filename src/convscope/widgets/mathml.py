"""LaTeX formulas as MathML that shows a teacher's text as text, whatever it holds.

latex2mathml builds an element tree and then writes it with every ``&lt;`` turned back into
``<``, so ``\\text{<img src=x onerror=…>}`` would reach the page as a real ``<img>``; and
``\\href``, ``\\style`` and ``\\class`` copy the teacher's words into attributes. Here the tree
is written by the standard library's serialiser, which escapes text and attributes, and only the
numeric character references latex2mathml itself writes (``&#x02211;`` for ∑) are put back.
Attributes outside the presentation ones latex2mathml uses for layout are dropped: a formula
draws, it does not link, restyle or run anything.

Examples
--------
>>> math = math_to_mathml(r"\\text{<b>bold?</b>}", display=False)
>>> math.split("<mtext>")[1].split("</mtext>")[0]
'&lt;b&gt;bold?&lt;/b&gt;'
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, tostring

import latex2mathml.converter

ATTRIBUTES = frozenset(
    {
        "accent", "accentunder", "align", "columnalign", "columnlines", "columnspacing",
        "columnspan", "depth", "display", "displaystyle", "equalcolumns", "equalrows", "fence",
        "form", "frame", "framespacing", "height", "largeop", "linebreak", "linethickness",
        "lspace", "mathbackground", "mathcolor", "mathsize", "mathvariant", "maxsize", "minsize",
        "movablelimits", "notation", "rowalign", "rowlines", "rowspacing", "rowspan", "rspace",
        "scriptlevel", "separator", "stretchy", "symmetric", "voffset", "width", "xmlns",
    }
)  # fmt: skip
"""The MathML attributes a formula keeps: layout only (no ``href``, ``style``, ``class``…)."""

# tostring writes latex2mathml's "&#x02211;" as "&amp;#x02211;"; a character reference can only
# ever stand for one character of text, so restoring it cannot open markup.
_CHARACTER_REFERENCE = re.compile(r"&amp;(#(?:x[0-9A-Fa-f]{1,6}|[0-9]{1,7});)")


def math_to_mathml(latex: str, *, display: bool) -> str:
    """Return the MathML for ``latex``, as a block when ``display``, with its text escaped."""
    tree = latex2mathml.converter.convert_to_element(
        latex, display="block" if display else "inline"
    )
    _keep_layout_attributes(tree)
    written = tostring(tree, encoding="unicode", short_empty_elements=True)
    return _CHARACTER_REFERENCE.sub(r"&\1", written)


def _keep_layout_attributes(tree: Element) -> None:
    for element in tree.iter():
        for name in [name for name in element.attrib if name not in ATTRIBUTES]:
            del element.attrib[name]
