// The `channels` widget: one kernel spans every input channel. For the chosen output cell it
// shows each channel's window, kernel slice and products, each channel's sum, and their total;
// with several kernels, one output map per kernel. The numbers all come from the server.

import { appendEquation, errorSlot, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

const SIGN_CLASS = { pos: "cs-pos", neg: "cs-neg", zero: "cs-zero" };

// every grid names its cells counting from 0, as the position (0, 0) does
const fromZero = (name) => (r, c, text) => `${name} row ${r}, column ${c}: ${text}`;

function send(model, el, changes) {
  markStale(el, [...el.querySelectorAll(".cs-explain, .cs-stack")], {
    noteBefore: el.querySelector(".cs-row"),
  });
  model.set("inputs", { ...model.get("inputs"), ...changes });
  model.save_changes();
}

function positionPicker(model, el) {
  const label = h("label", "", "output position (row, column)");
  const select = h("select");
  select.dataset.key = "position";
  const [, rows, cols] = model.get("shapes").output;
  for (let i = 0; i < rows; i += 1) {
    for (let j = 0; j < cols; j += 1) select.append(new Option(`(${i}, ${j})`, `${i},${j}`));
  }
  select.value = model.get("inputs").position.join(",");
  select.addEventListener("change", () => send(model, el, { position: select.value.split(",").map(Number) }));
  label.append(select);
  return label;
}

function kernelPicker(model, el) {
  const label = h("label", "", "kernel (output channel)");
  const select = h("select");
  select.dataset.key = "c_out";
  model.get("kernel_names").forEach((name, k) => select.append(new Option(`${k}: ${name}`, String(k))));
  select.value = String(model.get("inputs").c_out);
  select.addEventListener("change", () => send(model, el, { c_out: Number(select.value) }));
  label.append(select);
  return label;
}

function controls(model, el) {
  const box = h("div", "cs-controls");
  box.append(positionPicker(model, el));
  if (model.get("kernel_names").length > 1) box.append(kernelPicker(model, el));
  const error = errorSlot("*");
  box.append(error);
  return box;
}

function stack(title, grids) {
  const box = h("div", "cs-panel cs-stack");
  box.append(h("h3", "", title));
  const inner = h("div", "cs-stack-row");
  for (const [name, grid] of grids) {
    const slice = h("div", "cs-slice");
    slice.append(h("span", "cs-slice-name", name), grid);
    inner.append(slice);
  }
  box.append(inner);
  return box;
}

function inputsRow(model, el) {
  const step = model.get("step");
  const names = model.get("channel_names");
  const [channels, height, width] = model.get("shapes").input;
  const inWindow = (r, c) => step.rows.includes(r) && step.cols.includes(c);
  const inputs = stack(`Input (${channels}×${height}×${width})`, model.get("input").map((grid, k) => [names[k],
    numberGrid(grid, { role: "input", name: `input ${names[k]}`, small: true, label: fromZero(`input ${names[k]}`),
      className: (r, c) => (inWindow(r, c) ? "cs-in-window" : "") })]));
  const kernelName = model.get("kernel_names")[step.c_out];
  const kernel = stack(`Kernel ${kernelName} (${model.get("shapes").weight.slice(1).join("×")})`,
    model.get("kernel").map((grid, k) => [names[k],
      numberGrid(grid, { role: "kernel", name: `kernel ${names[k]}`, small: true, label: fromZero(`kernel ${names[k]}`) })]));
  const outputs = stack(`Output (${model.get("shapes").output.join("×")})`, model.get("outputs").map((grid, k) => [
    model.get("kernel_names")[k],
    numberGrid(grid, {
      role: "output", name: `output ${model.get("kernel_names")[k]}`, kind: "button", small: true,
      label: fromZero(`output ${model.get("kernel_names")[k]}`),
      className: (r, c) => (k === step.c_out && r === step.i && c === step.j ? "cs-current" : ""),
      onSelect: (r, c) => send(model, el, { position: [r, c], c_out: k }),
    })]));
  const row = h("div", "cs-row");
  appendEquation(row, inputs, "⋆", kernel, "=", outputs);
  return row;
}

function channelRow(part) {
  const row = h("div", "cs-row cs-channel-row");
  const window = panel(`${part.name}: window`);
  window.slot.append(numberGrid(part.window, { role: "input", name: `${part.name} window`, small: true, label: fromZero(`${part.name} window`) }));
  const kernel = panel(`${part.name}: kernel`);
  kernel.slot.append(numberGrid(part.kernel, { role: "kernel", name: `${part.name} kernel`, small: true, label: fromZero(`${part.name} kernel`) }));
  const products = panel(`${part.name}: products`);
  products.slot.append(numberGrid(part.products, {
    role: "products", name: `${part.name} product`, small: true, label: fromZero(`${part.name} product`),
    className: (r, c) => SIGN_CLASS[part.signs[r][c]],
  }));
  appendEquation(row, window.box, "×", kernel.box, "=", products.box);
  const sum = h("p", "cs-sum cs-channel-sum");
  sum.append(`${part.name} sum: `, h("span", "cs-sum-text", part.sum_text));
  const box = h("div", "cs-channel");
  box.append(row, sum);
  return box;
}

function explanation(model) {
  const step = model.get("step");
  const box = h("section", "cs-explain");
  box.setAttribute("aria-live", "polite");
  const kernelName = model.get("kernel_names")[step.c_out];
  box.append(h("h3", "", `Output ${kernelName}, position (${step.i}, ${step.j}): one sum per input channel, then their total`));
  for (const part of step.channels) box.append(channelRow(part));
  const contributions = h("ul", "cs-contributions");
  for (const part of step.channels) {
    const item = h("li");
    item.append(h("span", "cs-slice-name", part.name), h("span", "cs-contribution", part.sum));
    contributions.append(item);
  }
  const total = h("p", "cs-total");
  total.append(`output ${kernelName} at (${step.i}, ${step.j}) = `, h("span", "cs-sum-text", step.total_terms), " = ",
    h("span", "cs-result", step.result));
  box.append(contributions, total);
  return box;
}

function render({ model, el }) {
  const draw = () => keepFocus(el, () => {
    el.replaceChildren(controls(model, el), inputsRow(model, el), explanation(model));
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
