// The `grad_weight` widget: the weight view of a convolution's gradient. Pick a weight (in the
// kernel or in ∂L/∂weight) and every input cell it multiplied lights up, one per output
// position, with its gradient written as the sum of those products; pick an input cell (in the
// input or in ∂L/∂input) and the weights that sat on it light up, with its gradient written as
// the transposed convolution of ∂L/∂output. Every number arrives written out by the server;
// positions count from 0, as the arrays do: weight[0, 0], output[0, 0].

import { appendEquation, choice, h, keepFocus, numberGrid, panel, redrawnOnChange } from "../_common/_grid.js";
import { errorSlot, fieldset, numberChoices, resetButton, scrollRegion, send, withCell } from "../_common/_parts.js";

/** Return a cell-label function counting from 0: "weight[0, 2]: 1". */
export function indexLabel(name) {
  return (r, c, text) => `${name}[${r}, ${c}]: ${text}`;
}

/** Return a titled panel of the editable grid `key`, its cells named from 0: "target[0, 1]: 2". */
export function editableGrid(model, key, title, caption = "type to change a number") {
  const grid = numberGrid(model.get(key), {
    role: key === "kernel" ? "kernel" : key === "input" ? "input" : "output", name: key, kind: "input", label: indexLabel(key),
    onEdit: (r, c, value) => {
      const changed = withCell(model.get("inputs")[key], r, c, value);
      if (changed) send(model, { [key]: changed });
    },
  });
  const shown = panel(title, caption);
  shown.slot.append(grid);
  shown.box.append(errorSlot(key));
  return { box: shown.box, grid };
}

/** Mark `el`'s results out of date after a refusal; the next answer redraws them fresh. */
export function markStaleOnError(model, el) {
  model.on("error", () => {
    for (const node of el.querySelectorAll(".cs-results")) {
      node.classList.add("cs-stale");
    }
    for (const note of el.querySelectorAll(".cs-stale-note")) note.hidden = false;
  });
}

/** Return the note shown over results a refused change left behind. */
export function staleNote() {
  const note = h("p", "cs-stale-note", "Out of date: your last change was not applied (see the message by the control), so these results are from before it.");
  note.hidden = true;
  note.setAttribute("role", "status");
  return note;
}

/** The gradient grids and the explanation of the picked number, shared with `grad_loss`. */
export class GradientView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.picked = { kind: "weight", index: [0, 0] };
    markStaleOnError(model, el);
  }

  draw() {
    this.clampPick();
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), staleNote(), this.results(), errorSlot("*")));
    this.applyPick();
  }

  clampPick() {
    const shape = this.picked.kind === "weight" ? this.model.get("kernel") : this.model.get("input");
    const [r, c] = this.picked.index;
    if (r >= shape.length || c >= shape[0].length) this.picked = { kind: "weight", index: [0, 0] };
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const box = h("div", "cs-controls");
    box.append(fieldset("Window",
      choice("stride", "stride", numberChoices(1, 2), inputs.stride, (v) => send(model, { stride: +v })),
      choice("padding", "padding", numberChoices(0, 1), inputs.padding, (v) => send(model, { padding: +v }))));
    box.append(resetButton(model, this.initial), this.editor());
    return box;
  }

  /** The numbers a learner may change, folded away so the picture stays in view. */
  editor(extra = []) {
    const details = h("details", "cs-grad-edit");
    details.append(h("summary", "", "Change the numbers"));
    const row = h("div", "cs-row");
    row.append(editableGrid(this.model, "input", "Input").box, editableGrid(this.model, "kernel", "Kernel").box, ...extra);
    details.append(row);
    details.open = this.editorOpen ?? false;
    details.addEventListener("toggle", () => { this.editorOpen = details.open; });
    return details;
  }

  results() {
    const box = h("div", "cs-results");
    box.append(this.forwardRow(), this.gradientRow(), this.explanation = h("div", "cs-explain-slot"));
    return box;
  }

  pick(kind, r, c) {
    this.picked = { kind, index: [r, c] };
    this.applyPick();
  }

  forwardRow() {
    const model = this.model;
    const frame = model.get("frame");
    const input = panel("Input x", model.get("padding") ? "hatched: padding (zeros); click a cell" : "click a cell");
    this.inputGrid = numberGrid(frame.texts, {
      role: "input", name: "x", gridLabel: "input",
      kind: (r, c) => (frame.real[r][c] ? "button" : "plain"),
      label: (r, c, text) => (frame.real[r][c] ? `input[${r - frame.offset}, ${c - frame.offset}]: ${text}` : `padding: ${text}`),
      className: (r, c) => (frame.real[r][c] ? "" : "cs-pad"),
      onSelect: (r, c) => this.pick("input", r - frame.offset, c - frame.offset),
    });
    input.slot.append(this.inputGrid);
    const kernel = panel("Kernel w", "click a weight");
    this.kernelGrid = numberGrid(model.get("kernel"), {
      role: "kernel", name: "weight", gridLabel: "kernel", kind: "button", label: indexLabel("weight"),
      onSelect: (r, c) => this.pick("weight", r, c),
    });
    kernel.slot.append(this.kernelGrid);
    const output = panel("Output y");
    output.slot.append(numberGrid(model.get("output"), { role: "output", name: "output", label: indexLabel("output") }));
    return appendEquation(h("div", "cs-row"), input.box, "⋆", kernel.box, "=", output.box, ...this.afterOutput());
  }

  /** Panels after the output (grad_loss adds the target). */
  afterOutput() { return []; }

  gradOutputCaption() {
    return this.model.get("ones") ? "ones: the gradient of the sum of the outputs" : "given by the lesson";
  }

  gradientRow() {
    const model = this.model;
    const gradOut = panel("∂L/∂y", this.gradOutputCaption());
    this.gradOutputGrid = numberGrid(model.get("grad_output"), { role: "output", name: "∂L/∂output", label: indexLabel("∂L/∂output") });
    gradOut.slot.append(this.gradOutputGrid);
    const gradWeight = panel("∂L/∂w", "each weight's gradient: click one");
    this.gradWeightGrid = numberGrid(model.get("grad_weight"), {
      role: "kernel", name: "∂L/∂weight", kind: "button", label: indexLabel("∂L/∂weight"),
      onSelect: (r, c) => this.pick("weight", r, c),
    });
    gradWeight.slot.append(this.gradWeightGrid);
    const gradInput = panel("∂L/∂x", "each input cell's gradient: click one");
    this.gradInputGrid = numberGrid(model.get("grad_input"), {
      role: "input", name: "∂L/∂input", kind: "button", label: indexLabel("∂L/∂input"),
      onSelect: (r, c) => this.pick("input", r, c),
    });
    gradInput.slot.append(this.gradInputGrid);
    const row = h("div", "cs-row cs-grad-row");
    row.append(gradOut.box, gradWeight.box, gradInput.box);
    return row;
  }

  step() {
    const { kind, index } = this.picked;
    const steps = this.model.get(kind === "weight" ? "weight_steps" : "input_steps");
    const cols = this.model.get(kind === "weight" ? "kernel" : "input")[0].length;
    return steps[index[0] * cols + index[1]];
  }

  applyPick() {
    const step = this.step();
    const { kind, index } = this.picked;
    const offset = this.model.get("frame").offset;
    const cells = new Set(step.terms.map((t) => `${t.cell[0] + offset},${t.cell[1] + offset}`));
    const taps = new Set(step.terms.map((t) => `${t.tap[0]},${t.tap[1]}`));
    const outputs = new Set(step.terms.map((t) => `${t.output[0]},${t.output[1]}`));
    const here = `${index[0]},${index[1]}`;
    mark(this.inputGrid, (k) => kind === "weight" && cells.has(k), (k) => kind === "input" && k === `${index[0] + offset},${index[1] + offset}`);
    mark(this.kernelGrid, (k) => kind === "input" && taps.has(k), (k) => kind === "weight" && k === here);
    mark(this.gradWeightGrid, () => false, (k) => kind === "weight" && k === here);
    mark(this.gradInputGrid, () => false, (k) => kind === "input" && k === here);
    mark(this.gradOutputGrid, (k) => outputs.has(k), () => false);
    this.explanation.replaceChildren(kind === "weight" ? this.weightView(step) : this.inputView(step));
  }

  weightView(step) {
    const box = explainBox(`${step.label} = ${step.result}`);
    const [a, b] = step.index;
    box.append(h("p", "", `weight[${a}, ${b}] sat on ${plural(step.terms.length, "input cell")}, one for each output position (outlined on the input). `
      + "Each time, it added weight × input to that output, so a small change in the weight moves that output by the input cell's value, times how much the loss cares about that output (∂L/∂y there)."));
    box.append(termTable(step, ["output cell", "∂L/∂y there", "input cell it met", "product"],
      (t) => [`output[${t.output[0]}, ${t.output[1]}]`, t.grad_output, t.in_padding ? `padding (${t.factor})` : `input[${t.cell[0]}, ${t.cell[1]}] = ${t.factor}`, t.product]));
    box.append(sumLine(step));
    return box;
  }

  inputView(step) {
    const box = explainBox(`${step.label} = ${step.result}`);
    const [r, c] = step.index;
    if (!step.terms.length) {
      box.append(h("p", "", `No window covered input[${r}, ${c}] (the stride stepped over it), so no output depends on it and its gradient is 0.`));
      box.append(sumLine(step));
      return box;
    }
    box.append(h("p", "", `input[${r}, ${c}] was covered by ${plural(step.terms.length, "window")}; in each, one weight sat on it (outlined in the kernel). `
      + "Its gradient adds ∂L/∂y of each of those outputs times that weight."));
    box.append(termTable(step, ["output cell", "∂L/∂y there", "weight on this cell", "product"],
      (t) => [`output[${t.output[0]}, ${t.output[1]}]`, t.grad_output, `weight[${t.tap[0]}, ${t.tap[1]}] = ${t.factor}`, t.product]));
    box.append(sumLine(step));
    const transposed = this.model.get("transposed")[r][c];
    box.append(h("p", "cs-caption cs-transposed-note",
      `Doing this for every input cell is the transposed convolution of lesson 2: each ∂L/∂y is stamped back through the kernel. `
      + `conv_transpose2d(∂L/∂y, w)[${r}, ${c}] = ${transposed}, the same number.`));
    return box;
  }
}

function explainBox(title) {
  const box = h("section", "cs-explain");
  box.setAttribute("aria-live", "polite");
  box.append(h("h3", "", title));
  return box;
}

function sumLine(step) {
  const sum = h("p", "cs-sum");
  sum.append(h("span", "cs-sum-text", step.sum_text));
  return sum;
}

function termTable(step, headers, cells) {
  const table = h("table", "cs-terms");
  const head = h("tr");
  for (const text of headers) head.append(h("th", "", text));
  table.append(head);
  for (const term of step.terms) {
    const row = h("tr");
    for (const text of cells(term)) row.append(h("td", "", text));
    table.append(row);
  }
  return scrollRegion(table, `the products that make ${step.label}`);
}

function plural(count, noun) { return `${count} ${noun}${count === 1 ? "" : "s"}`; }

/** Outline the cells of `grid` whose "r,c" key passes `inside`, and mark the one `current`. */
function mark(grid, inside, current) {
  for (const cell of grid.children) {
    const key = `${cell.dataset.r},${cell.dataset.c}`;
    cell.classList.toggle("cs-in-window", inside(key));
    const on = current(key);
    cell.classList.toggle("cs-current", on);
    if (cell.tagName === "BUTTON") cell.setAttribute("aria-pressed", String(on));
  }
}

export default { render: redrawnOnChange((model, el, view) => view.draw(), (model, el) => new GradientView(model, el)) };
