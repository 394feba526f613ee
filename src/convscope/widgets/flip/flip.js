// The `flip` widget: cross-correlation and true convolution side by side on one example,
// and the commutativity check. Both results come in the state; the toggle only chooses which
// one to show, and editing the kernel asks the server for new numbers.

import { appendEquation, errorSlot, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";

const OPERATIONS = [
  { flip: false, key: "correlation", label: "Cross-correlation (PyTorch)", symbol: "⋆" },
  { flip: true, key: "convolution", label: "True convolution (kernel turned 180°)", symbol: "*" },
];

function toggle(model, onChange) {
  const group = h("div", "cs-toggle");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", "Operation");
  for (const operation of OPERATIONS) {
    const button = h("button", "", operation.label);
    button.type = "button";
    button.dataset.key = operation.key;
    button.setAttribute("aria-pressed", String(model.get("inputs").flip === operation.flip));
    button.addEventListener("click", () => {
      model.set("inputs", { ...model.get("inputs"), flip: operation.flip });
      onChange();
    });
    group.append(button);
  }
  return group;
}

function editKernel(model, r, c, value) {
  const inputs = model.get("inputs");
  if (inputs.kernel[r][c] === value) return;
  const kernel = inputs.kernel.map((row) => [...row]);
  kernel[r][c] = value;
  model.set("inputs", { ...inputs, kernel });
  model.save_changes();
}

function example(model) {
  const operation = OPERATIONS.find((op) => op.flip === model.get("inputs").flip);
  const result = model.get(operation.key);
  const row = h("div", "cs-row");
  const signal = panel("Input a");
  signal.slot.append(numberGrid(model.get("signal"), { role: "input", name: "input a" }));
  const written = panel("Kernel b as written", "type to change it");
  written.slot.append(numberGrid(model.get("kernel"), {
    role: "kernel", name: "kernel b", kind: "input",
    onEdit: (r, c, value) => editKernel(model, r, c, value),
  }));
  const error = errorSlot("kernel");
  written.box.append(error);
  const used = panel("Kernel as applied", operation.flip ? "turned 180°" : "unchanged");
  used.slot.append(numberGrid(result.kernel_used, { role: "kernel", name: "applied kernel" }));
  const output = panel(`a ${operation.symbol} b`);
  output.slot.append(numberGrid(result.output, { role: "output", name: `output of ${operation.label}` }));
  appendEquation(row, signal.box, written.box, used.box, "→", output.box);
  return row;
}

function commutativity(model) {
  const box = h("section", "cs-explain");
  box.append(h("h3", "", "Does swapping a and b matter? (padding 'full')"));
  const checks = h("div", "cs-row");
  box.append(checks);
  for (const check of model.get("commutativity")) {
    const symbol = check.flip ? "*" : "⋆";
    const row = h("div", "cs-row");
    const forward = panel(`a ${symbol} b`);
    forward.slot.append(numberGrid(check.a_with_b, { role: "output", name: `a ${symbol} b`, small: true }));
    const backward = panel(`b ${symbol} a`);
    backward.slot.append(numberGrid(check.b_with_a, { role: "output", name: `b ${symbol} a`, small: true }));
    const words = check.flip ? "True convolution" : "Cross-correlation";
    const verdict = check.equal
      ? h("p", "cs-verdict cs-yes", `${words}: equal — it commutes.`)
      : h("p", "cs-verdict cs-no", `${words}: different — swapping the arrays changes the result.`);
    row.append(forward.box, backward.box);
    const column = h("div", "cs-panel");
    column.append(verdict, row);
    if (!check.equal && check.turned_copy) {
      column.append(h("p", "cs-caption", `b ${symbol} a is a ${symbol} b turned 180°.`));
    }
    checks.append(column);
  }
  return box;
}

function render({ model, el }) {
  const draw = () => keepFocus(el, () => {
    el.replaceChildren(toggle(model, draw), example(model), commutativity(model));
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
