"""JSON inside a ``<script>`` element, written so no string in it can end or bend the element.

A widget's state travels in ``<script type="application/json">``, and a teacher's text travels
in the state: their question, choices, labels, notes and programs. The HTML parser reads a
script element's body before any JSON parser does, and it reacts to more than ``</script>``:
``<!--`` followed by ``<script`` puts it in a state where the element's real end tag no longer
ends it, so the rest of the page is swallowed. Writing ``<``, ``>`` and ``&`` as ``\\u003c``,
``\\u003e`` and ``\\u0026`` leaves the parser nothing to react to; ``JSON.parse`` reads the same
text. U+2028 and U+2029 are escaped too, so the text is also safe where it is read as
JavaScript.

Examples
--------
>>> script_json({"question": "</script><!--<script>"})
'{"question":"\\\\u003c/script\\\\u003e\\\\u003c!--\\\\u003cscript\\\\u003e"}'
>>> import json
>>> json.loads(script_json({"a": "x < y & z"}))
{'a': 'x < y & z'}
"""

from __future__ import annotations

import json
from typing import Any

_ESCAPES = str.maketrans(
    {
        "<": "\\u003c",
        ">": "\\u003e",
        "&": "\\u0026",
        "\u2028": "\\u2028",
        "\u2029": "\\u2029",
    }
)


def script_json(value: Any) -> str:
    """Return ``value`` as compact JSON that is safe as the body of a ``<script>`` element.

    The five characters replaced occur in JSON only inside strings, where a ``\\uXXXX`` escape
    reads as the same character, so the replacement never changes what the JSON says.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.translate(_ESCAPES)
