// The `flip` widget: cross-correlation and true convolution side by side on one example,
// and the commutativity check. Both results come in the state; the toggle only chooses which
// one to show, and editing the kernel asks the server for new numbers.

import { appendEquation, errorSlot, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

const fromZero = (name) => (r, c, text) => `${name} row ${r}, column ${c}: ${text}`;

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

function editKernel(model, el, r, c, value) {
  const inputs = model.get("inputs");
  if (inputs.kernel[r][c] === value) return;
  markStale(el, [...el.querySelectorAll(".cs-flip-result, .cs-explain")], {
    noteBefore: el.querySelector(".cs-explain"),
  });
  const kernel = inputs.kernel.map((row) => [...row]);
  kernel[r][c] = value;
  model.set("inputs", { ...inputs, kernel });
  model.save_changes();
}

function example(model, el) {
  const operation = OPERATIONS.find((op) => op.flip === model.get("inputs").flip);
  const result = model.get(operation.key);
  const row = h("div", "cs-row");
  const signal = panel("Input a");
  signal.slot.append(numberGrid(model.get("signal"), { role: "input", name: "input a", label: fromZero("input a") }));
  const written = panel("Kernel b as written", "type to change it");
  written.slot.append(numberGrid(model.get("kernel"), {
    role: "kernel", name: "kernel b", kind: "input", label: fromZero("kernel b"),
    onEdit: (r, c, value) => editKernel(model, el, r, c, typeof value === "number" && !Number.isFinite(value)
      ? el.querySelector(`[data-key="kernel b:${r},${c}"]`).value.trim()  // 1e400: the server names it
      : value),
  }));
  const error = errorSlot("kernel");
  written.box.append(error);
  const used = panel("Kernel as applied", operation.flip ? "turned 180°" : "unchanged");
  used.box.classList.add("cs-flip-result");
  used.slot.append(numberGrid(result.kernel_used, { role: "kernel", name: "applied kernel", label: fromZero("applied kernel") }));
  const output = panel(`a ${operation.symbol} b`);
  output.box.classList.add("cs-flip-result");
  const outputName = `output of ${operation.label}`;
  output.slot.append(numberGrid(result.output, { role: "output", name: outputName, label: fromZero(outputName) }));
  appendEquation(row, signal.box, written.box, used.box, "→", output.box);
  return row;
}

function commutativity(model) {
  const box = h("section", "cs-explain");
  box.append(h("h3", "", "Does swapping a and b matter? (padding 'full')"));
  const zero = model.get("all_zero");
  if (zero) {
    box.append(h("p", "cs-verdict", `${zero === "a and b" ? "a and b are" : `${zero} is`} all zeros, `
      + "so every product and every result is 0 whichever way round: this check cannot tell "
      + `whether the operations commute. Put some numbers other than 0 in ${zero} to see it.`));
  }
  const checks = h("div", "cs-row");
  box.append(checks);
  for (const check of model.get("commutativity")) {
    const symbol = check.flip ? "*" : "⋆";
    const row = h("div", "cs-row");
    const forward = panel(`a ${symbol} b`);
    forward.slot.append(numberGrid(check.a_with_b, { role: "output", name: `a ${symbol} b`, small: true, label: fromZero(`a ${symbol} b`) }));
    const backward = panel(`b ${symbol} a`);
    backward.slot.append(numberGrid(check.b_with_a, { role: "output", name: `b ${symbol} a`, small: true, label: fromZero(`b ${symbol} a`) }));
    const words = check.flip ? "True convolution" : "Cross-correlation";
    const verdict = zero
      ? h("p", "cs-verdict", `${words}: all zeros both ways — nothing to compare.`)
      : check.equal
      ? h("p", "cs-verdict cs-yes", `${words}: equal — it commutes.`)
      : h("p", "cs-verdict cs-no", `${words}: different — swapping the arrays changes the result.`);
    row.append(forward.box, backward.box);
    const column = h("div", "cs-panel");
    column.append(verdict, row);
    if (!zero && !check.equal && check.turned_copy) {
      column.append(h("p", "cs-caption", `b ${symbol} a is a ${symbol} b turned 180°.`));
    }
    checks.append(column);
  }
  return box;
}

function render({ model, el }) {
  const draw = () => keepFocus(el, () => {
    el.replaceChildren(toggle(model, draw), example(model, el), commutativity(model));
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
