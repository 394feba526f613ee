"""Markdown to HTML for lessons: CommonMark, tables, MathML formulas, coloured code, widgets.

Formulas between ``$…$`` (inline) and ``$$…$$`` (display) become MathML through latex2mathml,
which every current browser draws without a script. Code fences are coloured by Pygments;
fences whose info string is ``{widget}`` become live widgets (see :mod:`.directives`).
Numbers in the prose come from the engine too: ``{params}`3, 64, 3` `` is replaced by the
parameter count of ``nn.Conv2d(3, 64, 3)``, so no count is typed into a lesson by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.myst_role import myst_role_plugin
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

from ..engine import param_count
from ..widgets.mathml import math_to_mathml
from .directives import Directive, parse_info, render_directive

__all__ = ["highlight_code", "lesson_markdown", "math_to_mathml"]


def highlight_code(code: str, language: str, _attrs: Any = None) -> str:
    """Return ``code`` coloured by Pygments in a ``<pre>`` block; ``""`` for unknown languages."""
    try:
        lexer = get_lexer_by_name(language or "text")
    except ClassNotFound:
        return ""
    formatter = HtmlFormatter(nowrap=True)
    body = highlight(code, lexer, formatter)
    kind = escapeHtml(language)
    return f'<pre class="cs-code"><code class="language-{kind}">{body}</code></pre>\n'


def _render_math_inline(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return math_to_mathml(tokens[idx].content, display=False)


def _render_math_block(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    return f'<div class="cs-math">{math_to_mathml(tokens[idx].content, display=True)}</div>\n'


def _render_fence(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    directive = parse_info(token.info)
    if directive is None:
        return self.fence(tokens, idx, options, env)
    env["widget_count"] = env.get("widget_count", 0) + 1
    line = (token.map[0] + 1) if token.map else 0
    where = (env.get("filename", "?"), line, env.get("folder"))
    found = Directive(directive[0], directive[1], token.content, *where)
    env.setdefault("widgets", []).append(found.name)
    errors, placed = env.setdefault("errors", []), env.setdefault("placed", [])
    return render_directive(found, env["widget_count"], errors, placed)


def _render_role(
    self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    token = tokens[idx]
    name, content = token.meta.get("name"), token.content
    try:
        if name != "params":
            raise ValueError(f"unknown inline number {{{name}}}; only {{params}} exists")
        parts = content.split(",")
        if not 3 <= len(parts) <= 4 or not all(p.strip().isdigit() for p in parts):
            raise ValueError(
                "give in_channels, out_channels, kernel_size[, groups] as whole numbers"
            )
        numbers = [int(part) for part in parts]
        in_channels, out_channels, kernel = numbers[:3]
        groups = numbers[3] if len(numbers) == 4 else 1
        return f"{param_count(in_channels, out_channels, kernel, groups=groups):,}"
    except ValueError as error:
        message = f"{{{name}}}`{content}`: {error}"
        env.setdefault("errors", []).append(f"{env.get('filename', '?')}: {message}")
        return f'<span class="cs-directive-error" role="alert">{escapeHtml(message)}</span>'


def lesson_markdown() -> MarkdownIt:
    """Return the Markdown parser lessons use, with math, tables, anchors and directives."""
    # No raw HTML: a lesson's "<" is text, so "<!--" or "<script>" in the prose shows as typed
    # instead of hiding the rest of the page or running on it (docs/authoring.md says so).
    md = MarkdownIt("commonmark", {"highlight": highlight_code, "html": False})
    md.enable("table")
    dollarmath_plugin(md, double_inline=True, allow_space=True)
    anchors_plugin(md, min_level=2, max_level=3)
    myst_role_plugin(md)
    md.add_render_rule("myst_role", _render_role)
    md.add_render_rule("math_inline", _render_math_inline)
    md.add_render_rule("math_inline_double", _render_math_block)
    md.add_render_rule("math_block", _render_math_block)
    md.add_render_rule("math_block_label", _render_math_block)
    md.add_render_rule("fence", _render_fence)
    return md
