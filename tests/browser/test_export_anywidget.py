"""A notebook widget's ``_esm`` rendered in Chromium through the anywidget contract.

A tiny page imports the widget class's ``_esm`` (the page's own module behind the notebook
adapter) and calls ``render({ model, el })`` with a stand-in for anywidget's model, the way
JupyterLab does. Python plays the kernel: what the page sends is given to the widget object,
and its new ``state`` is sent back.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .conftest import Watch

pytestmark = pytest.mark.browser
widgets = pytest.importorskip("convscope.widgets")

CONTRACT_PAGE = """<!doctype html><meta charset="utf-8"><title>anywidget contract</title>
<style>{css}</style><div id="host" class="{classes}"></div>
<script type="module">
const traits = {traits};
const handlers = {{}};
const model = {{
  get: (key) => traits[key],
  set: (key, value) => {{ traits[key] = value; }},
  on: (event, callback) => {{ (handlers[event] ??= new Set()).add(callback); }},
  off: (event, callback) => {{
    callback ? handlers[event]?.delete(callback) : delete handlers[event];
  }},
  save_changes: () => {{ window.sent.push(structuredClone(traits.inputs)); }},
}};
window.sent = [];
window.kernelSays = (key, value) => {{
  traits[key] = value;
  for (const callback of handlers[`change:${{key}}`] ?? []) callback();
}};
const widget = (await import({esm_url})).default;
widget.render({{ model, el: document.getElementById("host") }});
document.body.dataset.ready = "yes";
</script>
"""


def contract_page(folder: Path, widget: Any) -> Path:
    from convscope.widgets.bundle import data_url

    traits = {"state": widget.state, "inputs": widget.inputs, "refusal": widget.refusal}
    page = folder / "contract.html"
    text = CONTRACT_PAGE.format(
        css=widget._css,
        classes=" ".join(widget._dom_classes),
        traits=json.dumps(traits).replace("</", "<\\/"),
        esm_url=json.dumps(data_url(widget._esm)),
    )
    page.write_text(text, encoding="utf-8")
    return page


def texts(locator: Any) -> list[str]:
    return [text.strip() for text in locator.all_inner_texts()]


def test_calculator_module_renders_the_widgets_numbers_and_round_trips(
    browser: Any, tmp_path: Path, screenshots: Path
) -> None:
    image = [[10 * (r + 1) * (c + 1) for c in range(5)] for r in range(5)]
    calc = widgets.Calculator(image, [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], kernel_name="sobel_x")
    page_file = contract_page(tmp_path, calc)
    watch = Watch(origin=tmp_path.as_uri() + "/")
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    watch.attach(page)
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-ready='yes'] .cs-grid")
    outputs = page.locator(".cs-role-output .cs-cell")
    assert texts(outputs) == ["160", "160", "160", "240", "240", "240", "320", "320", "320"]
    page.locator("[aria-label^='output row 1, column 0:']").click()
    assert page.locator(".cs-explain .cs-result").inner_text() == "240"

    page.locator("select[data-key='stride']").select_option("2")
    sent = page.evaluate("window.sent")
    assert sent[-1]["stride"] == 2
    calc.inputs = sent[-1]  # the kernel's side: the widget recomputes with its builder
    page.evaluate("([key, value]) => window.kernelSays(key, value)", ["state", calc.state])
    page.wait_for_function("document.querySelectorAll('.cs-role-output .cs-cell').length === 4")
    assert texts(outputs) == ["160", "160", "320", "320"]
    assert calc.output.tolist() == [[160, 160], [320, 320]]
    page.screenshot(path=str(screenshots / "anywidget-calculator.png"))
    context.close()
    assert watch.problems == []


def test_a_refused_change_shows_the_servers_words_next_to_the_control(
    browser: Any, tmp_path: Path
) -> None:
    calc = widgets.Calculator([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 1], [1, 1]])
    page_file = contract_page(tmp_path, calc)
    context = browser.new_context()
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_selector("body[data-ready='yes'] .cs-grid")
    calc.inputs = {**calc.inputs, "dilation": 3}  # a 4×4 reach does not fit a 3×3 input
    assert calc.refusal is not None
    page.evaluate("([key, value]) => window.kernelSays(key, value)", ["refusal", calc.refusal])
    slot = page.locator("[data-error-for]", has_text=calc.refusal["detail"][:20])
    slot.first.wait_for()
    context.close()
