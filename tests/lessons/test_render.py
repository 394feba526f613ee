"""Lessons render from Markdown: math as MathML, tables, coloured code, widgets with state."""

from __future__ import annotations

import html
import json
import re
from importlib.resources import files
from typing import Any

from convscope.lessons import lesson_names, render_lesson, render_lesson_text

CALCULATOR = """\
```{calculator} A calculator
input = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
kernel = [[1, 0], [0, 1]]
```
"""


def embedded_states(page: str, widget: str = "") -> list[dict[str, Any]]:
    """Return the initial states embedded in ``page`` (only ``widget``'s when it is given)."""
    name = re.escape(widget) if widget else r"[a-z_]+"
    script = r'<script type="application/json" class="cs-state">(.*?)</script>'
    pattern = rf'data-widget="{name}"[^>]*>{script}'
    return [json.loads(text.replace("<\\/", "</")) for text in re.findall(pattern, page)]


def test_inline_and_display_math_become_mathml() -> None:
    page = render_lesson_text("Inline $a_i$ and\n\n$$\n\\sum_m x_m\n$$\n").html
    assert '<math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">' in page
    assert 'display="block"' in page
    assert "<msub><mi>a</mi><mi>i</mi></msub>" in page


def test_tables_render_as_html_tables() -> None:
    page = render_lesson_text("| a | b |\n| --- | --- |\n| 1 | 2 |\n").html
    assert "<table>" in page
    assert "<td>2</td>" in page


def test_python_code_is_coloured_by_pygments() -> None:
    page = render_lesson_text("```python\nimport torch\n```\n").html
    assert '<span class="kn">import</span>' in page


def test_directive_becomes_placeholder_with_initial_state() -> None:
    lesson = render_lesson_text(CALCULATOR)
    assert 'data-widget="calculator"' in lesson.html
    assert 'data-module="widgets/calculator/calculator.js"' in lesson.html
    (state,) = embedded_states(lesson.html)
    assert state["trace"]["output"] == [["6", "8"], ["12", "14"]]
    assert lesson.widgets == ["calculator"]


def test_broken_directive_shows_an_error_box_with_its_line_and_the_rest_renders() -> None:
    text = (
        "# Title\n\nBefore.\n\n```{calculator}\ninput = [[1, 2], [3]]\nkernel = [[1]]\n```\n"
        "\nAfter.\n"
    )
    page = render_lesson_text(text, filename="broken.md").html
    assert "cs-directive-error" in page
    assert "broken.md, line 5" in html.unescape(page)
    assert "rows must all have the same length" in page
    assert "<p>After.</p>" in page


def test_unknown_widget_and_bad_toml_are_reported_not_raised() -> None:
    page = render_lesson_text("```{nosuch}\n```\n\n```{flip}\nsignal = [[1\n```\n").html
    assert page.count("cs-directive-error") == 2
    assert "unknown widget 'nosuch'" in html.unescape(page)


def test_state_json_cannot_close_its_script_element() -> None:
    text = '```{calculator}\ninput = [[1]]\nkernel = [[1]]\nkernel_name = "</script>"\n```\n'
    page = render_lesson_text(text).html
    assert "</script>" not in page.split('class="cs-state">', 1)[1].split("</script>", 1)[0]


def test_shipped_convolution_lesson_renders_every_widget_without_errors() -> None:
    assert "convolution" in lesson_names()
    lesson = render_lesson("convolution")
    assert lesson.title == "The convolution operation"
    assert "cs-directive-error" not in lesson.html
    mine = ["flip", "step", "torch_check", "calculator"]
    assert [name for name in lesson.widgets if name in mine] == mine


def test_shipped_lesson_shows_the_by_hand_sum_of_160() -> None:
    (step_state,) = embedded_states(render_lesson("convolution").html, "step")
    assert step_state["step"]["sum_text"].endswith("= 160")


def test_parameter_counts_in_the_prose_are_computed_by_the_engine() -> None:
    text = (
        "First layer: {params}`3, 64, 3`; next: {params}`64, 128, 3`; "
        "depthwise {params}`32, 32, 3, 32`."
    )
    page = render_lesson_text(text).html
    # nn.Conv2d(3, 64, 3): 3·3·3·64 + 64; (64, 128, 3): 3·3·64·128 + 128; depthwise: 9·32 + 32
    assert "First layer: 1,792; next: 73,856; depthwise 320." in page


def test_a_bad_inline_number_is_boxed_and_reported_not_raised() -> None:
    rendered = render_lesson_text("A {params}`3, x` and {nosuch}`1`.\n\nAfter.", filename="n.md")
    assert rendered.html.count("cs-directive-error") == 2
    assert "only {params} exists" in html.unescape(rendered.html)
    assert "<p>After.</p>" in rendered.html
    assert any("n.md" in error and "whole numbers" in error for error in rendered.errors)


def test_the_shipped_lesson_types_no_parameter_count_by_hand() -> None:
    source = (files("convscope.lessons") / "content" / "convolution.md").read_text("utf-8")
    assert "1,792" not in source and "{params}`3, 64, 3`" in source
    page = render_lesson("convolution").html
    assert "{params}" not in page
    assert "= 1,792 parameters" in page


def test_a_rendered_lesson_carries_its_placed_widgets_as_data() -> None:
    calculator = "```{calculator}\ninput = [[1, 2], [3, 4]]\nkernel = [[1]]\nstride = 2\n```\n"
    text = f"# Two\n\n```{{speed}}\n```\n\nBetween.\n\n{calculator}"
    lesson = render_lesson_text(text, filename="two.md")
    assert lesson.errors == []
    assert [placed.name for placed in lesson.placed] == ["speed", "calculator"]
    placed = lesson.placed[1]
    assert placed.element_id == "widget-calculator-2"
    assert placed.inputs["stride"] == 2 and placed.directive.line == 8
    marked = lesson.html_with(lambda placed: f"<i>{placed.name}</i>")
    assert "<i>speed</i>" in marked and "<i>calculator</i>" in marked
    assert 'class="cs-state"' not in marked and "Between." in marked
