// One output number worked out: window × kernel = products, then their sum.
// `step` is an explained step from the server (every number already written out).

import { appendEquation, h, numberGrid, panel } from "./_grid.js";

const SIGN_CLASS = { pos: "cs-pos", neg: "cs-neg", zero: "cs-zero" };

function where(step) {
  return `output[${step.i}, ${step.j}]`;
}

/** Return an element explaining `step`; `title` heads it. */
export function stepView(step, title = null) {
  const box = h("section", "cs-explain");
  box.setAttribute("aria-live", "polite");
  const place = `row ${step.i}, column ${step.j}, counting from 0`;
  box.append(h("h3", "", title ?? `How ${where(step)} is computed (${place})`));
  const row = h("div", "cs-row");
  const window = panel("Window on the input", step.is_padding.flat().some(Boolean) ? "hatched: padding" : null);
  window.slot.append(numberGrid(step.window, {
    role: "input", name: "window", small: true,
    className: (r, c) => (step.is_padding[r][c] ? "cs-pad" : ""),
  }));
  const kernel = panel("Kernel");
  kernel.slot.append(numberGrid(step.kernel, { role: "kernel", name: "kernel", small: true }));
  const products = panel("Products");
  products.slot.append(numberGrid(step.products, {
    role: "products", name: "product", small: true,
    className: (r, c) => SIGN_CLASS[step.signs[r][c]],
  }));
  appendEquation(row, window.box, "×", kernel.box, "=", products.box);
  const sum = h("p", "cs-sum");
  sum.append("sum: ", h("span", "cs-sum-text", step.sum_text));
  const result = h("p", "");
  result.append(`${where(step)} = `, h("span", "cs-result", step.result));
  box.append(row, sum, result);
  return box;
}

/** Return the legend of the colours and hatching a step view uses. */
export function legend(withWindow = true) {
  const box = h("div", "cs-legend");
  if (withWindow) box.append(h("span", "cs-key-window", "window of the selected cell"));
  box.append(h("span", "cs-key-pad", "padding"), h("span", "cs-key-pos", "positive product"),
    h("span", "cs-key-neg", "negative product"));
  return box;
}
