// Parts the "Beyond the image" widgets share (signal_1d, causal_tree, groups, volume_3d):
// index labels counting from 0, the out-of-date mark after a refused change, a pressed-button
// toggle, and SVG elements. Nothing here computes a number: every one arrives from the server.

import { button, h } from "../_common/_grid.js";

const SVG = "http://www.w3.org/2000/svg";

/** Return a cell-label function counting from 0: "signal[3]: 14". */
export function indexLabel(name, oneD = false) {
  return oneD ? (r, c, text) => `${name}[${c}]: ${text}` : (r, c, text) => `${name}[${r}, ${c}]: ${text}`;
}

/** Grey `el`'s results (`.cs-results`) and show its note when the server refuses a change. */
export function markStaleOnError(model, el) {
  const mark = () => {
    for (const node of el.querySelectorAll(".cs-results")) node.classList.add("cs-stale");
    for (const note of el.querySelectorAll(".cs-stale-note")) note.hidden = false;
  };
  model.on("error", mark);
  return () => model.off("error", mark);
}

/** Return the hidden note shown over results a refused change left behind. */
export function staleNote() {
  const note = h("p", "cs-stale-note", "Out of date: these results are for the values before your last change, which was refused (see the message beside the control).");
  note.hidden = true;
  note.setAttribute("role", "status");
  return note;
}

/** Return a group of pressed/unpressed buttons; `options` is a list of [value, text]. */
export function toggle(label, key, options, value, onPick) {
  const group = h("div", "cs-toggle");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", label);
  for (const [optionValue, text] of options) {
    const option = button(text, `${key}-${optionValue}`, () => onPick(optionValue));
    option.setAttribute("aria-pressed", String(optionValue === value));
    group.append(option);
  }
  return group;
}

/** Return an SVG element `tag` with `attributes`. */
export function svg(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

/** Render `render(model, el, widget)` on every change; `Widget` is made once per mount. */
export function mounted(Widget) {
  return ({ model, el }) => {
    const widget = new Widget(model, el);
    const stopStale = markStaleOnError(model, el);
    const redraw = () => widget.draw();
    redraw();
    model.on("change", redraw);
    return () => { model.off("change", redraw); stopStale(); };
  };
}

/**
 * Return an output's formula (the engine's `Formula.to_json()`) with a toggle between the
 * names (`y₃ = w₀·x₃ + …`) and the numbers put in; `onMode(mode)` redraws with the new mode.
 */
export function formulaBox(formula, mode, onMode) {
  const box = h("div", "cs-formula-box");
  const pick = toggle("formula shown", "formula", [["symbolic", "In symbols"], ["substituted", "With the numbers"]],
    mode, onMode);
  box.append(h("h4", "", "As a formula"), pick, h("p", "cs-formula cs-formula-text", formula[mode]));
  const padded = formula.terms.filter((term) => term.padded).length;
  if (padded) box.append(h("p", "cs-caption", `${padded} of the terms multiply a zero the padding added (written ·0).`));
  return box;
}
