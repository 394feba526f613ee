"""A teacher's lesson whose every string tries to break out of where it lands, and its twin.

Each ``EVIL_…`` placeholder of :data:`TEMPLATE` stands where a teacher's text reaches the page:
the title, the prose, an inline count, a code block's language, a formula's ``\\text{}``,
``\\href`` and ``\\style``, a directive's label, an own question, its choices and explanation,
and a widget's short names. :func:`lesson` fills them with :data:`HOSTILE` strings (each one
would end a ``<script>`` element, open a comment, add an element or an event handler if it
landed unescaped) or with harmless words of the same role: a page that escapes everything has
the same elements for both.
"""

from __future__ import annotations

TEMPLATE = """# A title that ends here EVIL_TITLE

Prose with EVIL_PROSE in it, and a count that cannot be computed: {params}`EVIL_SHORT`.

```EVIL_LANG
a code block whose language is the teacher's word
```

A formula: $\\text{EVIL_MATH}$ and a link in one: $\\href{EVIL_LINK}{x}$.

$$\\text{EVIL_MATH} + \\style{EVIL_STYLE}{y}$$

```{quiz} EVIL_LABEL
question = 'EVIL_QUESTION'
choices = ['EVIL_CHOICE', 'second']
answer = 0
explanation = 'EVIL_EXPLANATION'
```

## After the quiz

```{quick_check} A number
question = 'EVIL_QUESTION'
answer = 3
explanation = 'EVIL_EXPLANATION'
```

```{channels} EVIL_LABEL
input = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
weight = [[[[1]], [[1]]]]
channel_names = ['EVIL_SHORT', 'G']
kernel_names = ['EVIL_SHORT']
```

## The last section

The end of the lesson.
"""

HOSTILE = {
    "EVIL_TITLE": '<script>window.__pwned = "title"</script><!--',
    "EVIL_PROSE": (
        '<!--<script>window.__pwned = "prose"</script> <img src=x onerror="window.__pwned = 1">'
    ),
    "EVIL_MATH": "<img src=x onerror=alert(1)></script><!--<script>",
    "EVIL_LANG": '<img src=x onerror="window.__pwned = 1">',
    "EVIL_LINK": "javascript:alert(1)",
    "EVIL_STYLE": "background:url(javascript:alert(1))",
    "EVIL_LABEL": '"><script>window.__pwned = "label"</script><!--',
    "EVIL_QUESTION": '<!--<script>window.__pwned = "question"</script>',
    "EVIL_CHOICE": '</script><!--<script>window.__pwned = "choice"//',
    "EVIL_EXPLANATION": (
        '</script><script>window.__pwned = "explanation"</script>\u2028&amp; <!--'
    ),
    "EVIL_SHORT": "<!--<script",
}
"""What each placeholder becomes on the attack side."""

QUESTION = HOSTILE["EVIL_QUESTION"]
"""The reported one: a quiz question holding ``<!--<script`` swallowed the rest of the page."""


def lesson(hostile: bool) -> str:
    """Return the lesson with every placeholder hostile, or with plain words in its place."""
    text = TEMPLATE
    for placeholder, value in HOSTILE.items():
        plain = "plain" if placeholder == "EVIL_SHORT" else f"plain words for {placeholder[5:]}"
        text = text.replace(placeholder, value if hostile else plain)
    return text
