// The `calculator` widget: edit an input and a kernel, choose stride, padding and dilation,
// click any output cell to see its calculation, or animate the kernel sliding over the input.
// Every number comes from the server's state; this module only draws it and sends edits.
// Cells are named counting from 0, as output[0, 0] is. While the controls hold values the
// server refused, the output, the explanation and the size line are marked out of date.

import { appendEquation, button, choice, errorSlot, h, keepFocus, numberGrid, panel, parseTyped } from "../_common/_grid.js";
import { playersWaitOnRefusal, sizeBox } from "../_common/_parts.js";
import { markStale } from "../_common/_stale.js";
import { legend, stepView } from "../_common/_step_view.js";

const SPEEDS = [["1400", "slow"], ["700", "medium"], ["300", "fast"]];
const PATTERNS = {
  gradient: (r, c) => 10 * (r + 1) * (c + 1),
  edge: (r, c, cols) => (c < cols / 2 ? 0 : 100),
  checkerboard: (r, c) => ((r + c) % 2 ? 0 : 10),
  diagonal: (r, c) => (r === c ? 10 : 0),
  zeros: () => 0,
};
const PATTERN_NAMES = [["", "choose…"], ["gradient", "gradient"],
  ["edge", "vertical edge"], ["checkerboard", "checkerboard"], ["diagonal", "diagonal line"],
  ["zeros", "all zeros"]];
const range = (from, to) => Array.from({ length: to - from + 1 }, (_, k) => from + k);

function fill(rows, cols, value) {
  return range(0, rows - 1).map((r) => range(0, cols - 1).map((c) => value(r, c, cols)));
}

function resized(grid, rows, cols) {
  return fill(rows, cols, (r, c) => grid[r]?.[c] ?? 0);
}

/** Return `grid` grown or cut to `rows` × `cols` around its centre (a 3×3 blur stays centred). */
function recentred(grid, rows, cols) {
  const down = Math.floor((rows - grid.length) / 2);
  const right = Math.floor((cols - grid[0].length) / 2);
  return fill(rows, cols, (r, c) => grid[r - down]?.[c - right] ?? 0);
}

class Calculator {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.pinned = null;     // index into the trace's steps, kept until another cell is chosen
    this.preview = null;    // index previewed by hovering or focusing
    this.timer = null;
    this.speed = 700;
  }

  get state() { return this.model.get("trace"); }
  get steps() { return this.state.steps; }

  send(changes, from = this.model.get("inputs")) {
    markStale(this.el, [this.outputPanel, this.explanation, this.sizeElement],
      { noteBefore: this.sizeElement });
    this.model.set("inputs", { ...from, ...changes });
    this.model.save_changes();
  }

  // ---- drawing ----

  draw() {
    if (this.pinned !== null && this.pinned >= this.steps.length) this.pinned = null;
    keepFocus(this.el, () => {
      this.explained = undefined;  // a new state: its cell's explanation is drawn again
      this.el.replaceChildren(this.controls(), this.grids(), this.sizeLine(), this.player(),
        this.explanation = h("div", "cs-explain-slot"), legend(), this.generalError());
    });
    this.applySelection();
  }

  controls() {
    const inputs = this.model.get("inputs");
    const rows = inputs.input.length;
    const cols = inputs.input[0].length;
    const sizes = range(3, this.model.get("limits").input).map((n) => [n, n]);
    const inputSet = fieldset("Input",
      choice("rows", "input_rows", sizes, rows, (v) => this.send({ input: resized(inputs.input, +v, cols) })),
      choice("columns", "input_cols", sizes, cols, (v) => this.send({ input: resized(inputs.input, rows, +v) })),
      choice("pattern", "input_pattern", PATTERN_NAMES, "", (v) => v && this.send({ input: fill(rows, cols, PATTERNS[v]) })),
      button("Random", "random", () => this.send({ input: fill(rows, cols, () => Math.floor(Math.random() * 10)) })));
    const catalog = this.model.get("catalog").map((k) => [k.name, k.title]);
    const k = inputs.kernel.length;
    const kernelSet = fieldset("Kernel",
      choice("preset", "kernel_name", [...catalog, ["custom", "custom"]], inputs.kernel_name,
        (v) => v !== "custom" && this.send({ kernel: this.model.get("catalog").find((x) => x.name === v).values, kernel_name: v })),
      choice("size", "kernel_size", range(1, this.model.get("limits").kernel).map((n) => [n, `${n}×${n}`]), k,
        (v) => this.send({ kernel: recentred(inputs.kernel, +v, +v), kernel_name: "custom" })),
      this.biasField(inputs.bias));
    const padChoices = [...range(0, 3).map((n) => [n, String(n)]), ["valid", "'valid'"], ["same", "'same'"], ["full", "'full'"]];
    const slideSet = fieldset("Sliding",
      choice("stride", "stride", range(1, 4).map((n) => [n, n]), inputs.stride, (v) => this.send({ stride: +v })),
      choice("padding", "padding", padChoices, inputs.padding,
        (v) => this.send({ padding: /^\d+$/.test(v) ? +v : v })),
      choice("padding mode", "padding_mode", ["zeros", "reflect", "replicate", "circular"].map((m) => [m, m]),
        inputs.padding_mode, (v) => this.send({ padding_mode: v })),
      choice("dilation", "dilation", range(1, 3).map((n) => [n, n]), inputs.dilation, (v) => this.send({ dilation: +v })));
    const reset = button("Reset to the lesson's example", "reset", () => {
      this.stop();
      this.pinned = null;
      this.send({}, structuredClone(this.initial));
    });
    const box = h("div", "cs-controls");
    box.append(inputSet, kernelSet, slideSet, reset);
    return box;
  }

  biasField(value) {
    const label = h("label", "", "bias (added to every output)");
    const field = h("input", "cs-number");
    field.type = "text";
    field.inputMode = "decimal";
    field.autocomplete = "off";
    field.value = this.model.get("bias") ?? String(value ?? 0);
    field.dataset.key = "bias";
    field.size = 6;
    field.addEventListener("change", () => this.send({ bias: this.typed(field.value) }));
    label.append(field, errorSlot("bias"));
    return label;
  }

  /** Return what was typed as a number, or as the text itself when no number holds it (1e400). */
  typed(text) {
    const value = parseTyped(text);
    return typeof value === "number" && !Number.isFinite(value) ? text.trim() : value;
  }

  grids() {
    const trace = this.state;
    const [top, left] = trace.pad_offset;
    const mask = trace.padding_mask;
    const row = h("div", "cs-row");
    const padded = mask.flat().some(Boolean);
    const input = panel(`Input (${this.model.get("input").length}×${this.model.get("input")[0].length})`,
      padded ? "hatched cells are padding" : "type to change a number");
    this.inputGrid = numberGrid(trace.padded_input, {
      role: "input", name: "input",
      kind: (r, c) => (mask[r][c] ? "plain" : "input"),
      className: (r, c) => (mask[r][c] ? "cs-pad" : ""),
      label: (r, c, text) => (mask[r][c]
        ? `padding, padded row ${r}, column ${c}: ${text}`
        : `input row ${r - top}, column ${c - left}: ${text}`),
      onEdit: (r, c) => this.editInput(r - top, c - left, this.typed(this.cellText(r, c))),
    });
    input.slot.append(this.inputGrid);
    input.box.append(errorSlot("input"));
    const words = this.model.get("kernel_words");
    const kernel = panel(`Kernel: ${words.title}`);
    const kernelGrid = numberGrid(this.model.get("kernel"), {
      role: "kernel", name: "kernel", kind: "input",
      label: (r, c, text) => `kernel row ${r}, column ${c}: ${text}`,
      onEdit: (r, c) => this.editKernel(r, c, this.typed(
        kernelGrid.querySelector(`[data-r="${r}"][data-c="${c}"]`).value)),
    });
    kernel.slot.append(kernelGrid);
    kernel.box.append(errorSlot("kernel"));
    const [outRows, outCols] = trace.output_shape;
    const output = panel(`Output (${outRows}×${outCols})`, "click a cell to see its sum");
    this.outputGrid = numberGrid(trace.output, {
      role: "output", name: "output", kind: "button",
      label: (r, c, text) => `output row ${r}, column ${c}: ${text}`,
      onSelect: (r, c) => { this.stop(); this.pin(r * outCols + c); },
      onPreview: (r, c) => this.setPreview(r === null ? null : r * outCols + c),
    });
    this.outputGrid.addEventListener("focusin", (event) => {
      const cell = event.target;
      if (cell.dataset.r !== undefined) this.setPreview(+cell.dataset.r * outCols + +cell.dataset.c);
    });
    this.outputGrid.addEventListener("focusout", () => this.setPreview(null));
    output.slot.append(this.outputGrid);
    this.outputPanel = output.box;
    appendEquation(row, input.box, "⋆", kernel.box, "=", output.box);
    const box = h("div");
    box.append(row, h("p", "cs-caption", `${words.title}: ${words.detects}`));
    return box;
  }

  sizeLine() {
    this.sizeElement = sizeBox(this.model.get("size"));
    return this.sizeElement;
  }

  cellText(r, c) {
    return this.inputGrid.querySelector(`[data-r="${r}"][data-c="${c}"]`).value;
  }

  player() {
    const box = h("div", "cs-controls cs-player");
    this.playButton = button(this.timer ? "Pause" : "Animate", "play", () => (this.timer ? this.stop() : this.play()), "cs-primary");
    this.playButton.setAttribute("aria-pressed", String(Boolean(this.timer)));
    const step = button("Step", "step", () => { this.stop(); this.advance(); });
    const speed = choice("speed", "speed", SPEEDS, this.speed, (v) => {
      this.speed = +v;
      if (this.timer) { this.stop(); this.play(); }
    });
    this.status = h("span", "cs-caption");
    this.status.setAttribute("role", "status");
    box.append(this.playButton, step, speed, this.status);
    return box;
  }

  generalError() { return errorSlot("*"); }

  // ---- edits ----

  editInput(r, c, value) {
    const inputs = this.model.get("inputs");
    if (inputs.input[r][c] === value) return;
    const input = inputs.input.map((row) => [...row]);
    input[r][c] = value;
    this.send({ input });
  }

  editKernel(r, c, value) {
    const inputs = this.model.get("inputs");
    if (inputs.kernel[r][c] === value) return;
    const kernel = inputs.kernel.map((row) => [...row]);
    kernel[r][c] = value;
    this.send({ kernel, kernel_name: "custom" });
  }

  // ---- selection and animation ----

  pin(index) { this.pinned = index; this.applySelection(); }

  setPreview(index) { this.preview = index; this.applySelection(); }

  applySelection() {
    const shown = this.preview ?? this.pinned;
    const step = shown === null ? null : this.steps[shown];
    const [top, left] = this.state.pad_offset;
    const rows = new Set((step?.rows ?? []).map((r) => r + top));
    const cols = new Set((step?.cols ?? []).map((c) => c + left));
    for (const cell of this.inputGrid.children) {
      cell.classList.toggle("cs-in-window", rows.has(+cell.dataset.r) && cols.has(+cell.dataset.c));
    }
    const cols_out = this.state.output_shape[1];
    for (const cell of this.outputGrid.children) {
      const index = +cell.dataset.r * cols_out + +cell.dataset.c;
      cell.classList.toggle("cs-current", index === this.pinned);
      cell.classList.toggle("cs-preview", index === this.preview);
      cell.setAttribute("aria-pressed", String(index === this.pinned));
    }
    if (this.explained !== shown || !this.explanation.isConnected || !this.explanation.hasChildNodes()) {
      // Only when the cell shown changes: redrawing it under a click (a blur ends a focus
      // preview) would replace the very button or <summary> being clicked.
      this.explained = shown;
      this.explanation.replaceChildren(step ? withBias(stepView(step), step) : hint());
      if (step) this.explanation.append(this.formula(shown));
    }
    this.status.textContent = this.pinned === null ? "" : `position ${this.pinned + 1} of ${this.steps.length}`;
  }

  /** The cell as a formula, y₀₀ = w₀₀·x₀₀ + …, from the server; the numbers go in on request. */
  formula(index) {
    const written = this.model.get("formulas")?.[index];
    const box = h("details", "cs-formula");
    if (!written) return box;
    box.open = Boolean(this.formulaOpen);
    box.addEventListener("toggle", () => { this.formulaOpen = box.open; });
    box.append(h("summary", "", "As a formula"));
    box.append(h("p", "cs-formula-symbols", written.symbolic));
    const numbers = h("p", "cs-formula-numbers", written.substituted);
    numbers.hidden = !this.numbersIn;
    const put = button(this.numbersIn ? "Hide the numbers" : "Put the numbers in", "formula-numbers", () => {
      this.numbersIn = !this.numbersIn;
      numbers.hidden = !this.numbersIn;
      put.textContent = this.numbersIn ? "Hide the numbers" : "Put the numbers in";
    });
    box.append(put, numbers);
    return box;
  }

  advance() {
    const next = this.pinned === null ? 0 : this.pinned + 1;
    if (next >= this.steps.length) { this.stop(); return false; }
    this.pin(next);
    return next < this.steps.length - 1;
  }

  play() {
    if (this.pinned !== null && this.pinned >= this.steps.length - 1) this.pinned = null;
    this.preview = null;
    if (!this.advance()) return;
    this.timer = setInterval(() => { if (!this.advance()) this.stop(); }, this.speed);
    this.syncPlayButton();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    this.syncPlayButton();
  }

  syncPlayButton() {
    if (!this.playButton) return;
    this.playButton.textContent = this.timer ? "Pause" : "Animate";
    this.playButton.setAttribute("aria-pressed", String(Boolean(this.timer)));
  }
}

function fieldset(legendText, ...children) {
  const box = h("fieldset");
  box.append(h("legend", "", legendText), ...children);
  return box;
}

/** Return `view` with the bias line before its result, for a step that adds a bias. */
function withBias(view, step) {
  if (!step.bias_text) return view;
  const line = h("p", "cs-sum");
  line.append("plus bias: ", h("span", "cs-sum-text", step.bias_text));
  view.lastElementChild.before(line);
  return view;
}

function hint() {
  return h("p", "cs-caption cs-hint",
    "Click an output cell (or focus it with Tab and the arrow keys) to see how it is computed.");
}

function render({ model, el }) {
  const calculator = new Calculator(model, el);
  const redraw = () => { calculator.stop(); calculator.draw(); };
  calculator.draw();
  model.on("change", redraw);
  const unfreeze = playersWaitOnRefusal(model, el, () => calculator.stop());
  return () => { calculator.stop(); model.off("change", redraw); unfreeze(); };
}

export default { render };
