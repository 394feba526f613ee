// The `params` widget: the parameter count of any convolution layer, and its cost, as a live
// calculator. Every number (the count, the formula with its numbers, the multiply-accumulates)
// comes from the server; this module draws the form and sends what was typed. A refused value
// stays in its field with the server's words beside it, and the result is marked out of date
// until the controls hold values that work again; a preset starts from the last values that
// worked, so it always applies.

import { button, h, keepFocus, parseTyped } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

const FIELDS = [
  ["in_channels", "input channels C_in"],
  ["out_channels", "output channels C_out"],
  ["kernel_rows", "kernel rows k_H"],
  ["kernel_cols", "kernel columns k_W"],
  ["groups", "groups"],
];
const IMAGE_FIELDS = [
  ["input_rows", "image rows"],
  ["input_cols", "image columns"],
  ["stride", "stride"],
  ["padding", "padding"],
];
const PRESETS = [
  ["A first layer: RGB → 64, 3×3", { in_channels: 3, out_channels: 64, kernel_rows: 3, kernel_cols: 3, groups: 1, bias: true }],
  ["64 → 128, 3×3", { in_channels: 64, out_channels: 128, kernel_rows: 3, kernel_cols: 3, groups: 1, bias: true }],
  ["Depthwise 3×3 on 32 channels", { in_channels: 32, out_channels: 32, kernel_rows: 3, kernel_cols: 3, groups: 32, bias: true }],
];

/** The widget as one mount sees it: its model, its element, the inputs last drawn. */
function widget(model, el) {
  return {
    model,
    el,
    accepted: structuredClone(model.get("inputs")),
    send(changes, from = model.get("inputs")) {
      markStale(el, [...el.querySelectorAll(".cs-explain")]);
      model.set("inputs", { ...from, ...changes });
      model.save_changes();
    },
  };
}

function numberField(view, key, text) {
  const label = h("label", "", text);
  const input = h("input", "cs-number");
  input.type = "text";
  input.inputMode = "numeric";
  input.value = String(view.model.get("inputs")[key]);
  input.dataset.key = key;
  input.addEventListener("change", () => view.send({ [key]: parseTyped(input.value) }));
  const error = h("output", "cs-field-error");
  error.dataset.errorFor = key;
  label.append(input, error);
  return label;
}

function biasField(view) {
  const label = h("label", "cs-check");
  const box = h("input");
  box.type = "checkbox";
  box.checked = view.model.get("inputs").bias;
  box.dataset.key = "bias";
  box.addEventListener("change", () => view.send({ bias: box.checked }));
  const error = h("output", "cs-field-error");
  error.dataset.errorFor = "bias";
  label.append(box, " bias (one per output channel)", error);
  return label;
}

function fieldset(title, ...children) {
  const box = h("fieldset");
  box.append(h("legend", "", title), ...children);
  return box;
}

function result(model) {
  const count = model.get("count");
  const box = h("section", "cs-explain");
  box.setAttribute("aria-live", "polite");
  box.append(h("p", "cs-formula cs-call", model.get("call")));
  const lines = h("dl", "cs-params-lines");
  const row = (term, value, className = "") => {
    lines.append(h("dt", "", term), h("dd", className, value));
  };
  row("weight shape (C_out, C_in / groups, k_H, k_W)", model.get("weight_shape"), "cs-formula");
  row("weights", count.weights, "cs-formula");
  row("biases", count.biases, "cs-formula");
  row("parameters", count.sum, "cs-formula");
  box.append(lines);
  const total = h("p", "cs-params-total");
  total.append("Parameters: ", h("span", "cs-result", count.total));
  box.append(total);
  const cost = model.get("cost");
  const costLine = h("p", "cs-caption");
  costLine.append(`Output ${cost.output_shape} for one image; multiply-accumulates: `, h("strong", "", cost.macs), ` (${cost.macs_text})`);
  box.append(costLine);
  return box;
}

function render({ model, el }) {
  const draw = () => keepFocus(el, () => {
    const view = widget(model, el);
    const presets = h("div", "cs-controls");
    for (const [text, values] of PRESETS) {  // from the last values that worked: it applies
      presets.append(button(text, `preset-${text}`, () => view.send(values, view.accepted)));
    }
    const layer = fieldset("Layer", ...FIELDS.map(([key, text]) => numberField(view, key, text)), biasField(view));
    const image = fieldset("Input image (for the cost)", ...IMAGE_FIELDS.map(([key, text]) => numberField(view, key, text)));
    const form = h("div", "cs-controls");
    form.append(layer, image);
    const general = h("output", "cs-field-error");
    general.dataset.errorFor = "*";
    el.replaceChildren(presets, form, general, result(model));
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
