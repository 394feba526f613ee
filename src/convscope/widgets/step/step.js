// The `step` widget: one output position of a convolution, worked out by hand.

import { errorSlot, h, keepFocus, numberGrid, panel, placeGrid } from "../_common/_grid.js";
import { clearStale, markStale } from "../_common/_stale.js";
import { legend, stepView } from "../_common/_step_view.js";

function inputGrid(state) {
  const { step } = state;
  const inWindow = (r, c) => step.rows.includes(r) && step.cols.includes(c);
  return numberGrid(state.input, {
    role: "input", name: "input",
    label: (r, c, text) => `input row ${r}, column ${c}: ${text}`,
    className: (r, c) => (inWindow(r, c) ? "cs-in-window" : ""),
  });
}

function positionPicker(model, el) {
  const label = h("label", "", "Output position [i, j]");
  const select = h("select");
  select.dataset.key = "position";
  const [rows, cols] = model.get("output_shape");
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < cols; j += 1) select.append(new Option(`[${i}, ${j}]`, `${i},${j}`));
  }
  select.value = model.get("inputs").position.join(",");
  select.addEventListener("change", () => {
    markStale(el, [el.querySelector(".cs-step-input"), el.querySelector(".cs-step-explain")]);
    model.set("inputs", { ...model.get("inputs"), position: select.value.split(",").map(Number) });
    model.save_changes();
  });
  label.append(select);
  return label;
}

function render({ model, el }) {
  const controls = h("div", "cs-controls");
  const input = panel("Input image");
  input.box.classList.add("cs-step-input");
  const explanation = h("div", "cs-step-explain");
  const error = errorSlot("*");
  el.append(controls, input.box, explanation, legend(), error);
  const draw = () => keepFocus(el, () => {
    clearStale(el);
    controls.replaceChildren(positionPicker(model, el));
    placeGrid(input.slot, inputGrid({ input: model.get("input"), step: model.get("step") }));
    explanation.replaceChildren(stepView(model.get("step")));
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
