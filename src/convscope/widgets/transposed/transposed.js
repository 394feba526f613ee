// The `transposed` widget: a transposed convolution shown two ways with the same numbers.
// Scatter: each input cell stamps the kernel scaled by its value; step or play through the
// stamps and watch overlapping sums build up. Gather: an ordinary convolution over the input
// with zeros inserted and the kernel turned 180°. Click any output cell to see both stories.

import { button, choice, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { editableGrid, errorSlot, fieldset, numberChoices, playersWaitOnRefusal, resetButton, resized, send, showExplanation, sizeBox, staleOnRefusal, result as resultPart } from "../_common/_parts.js";
import { stepView } from "../_common/_step_view.js";

const REDUCED_MOTION = window.matchMedia?.("(prefers-reduced-motion: reduce)").matches;

class Transposed {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.frame = null;   // how many stamps are shown: null = all of them (the finished output)
    this.pinned = null;  // [i, j] of the output cell explained
    this.timer = null;
  }

  get frames() { return this.model.get("frames"); }

  draw() {
    const [rows, cols] = this.model.get("output_shape");
    if (this.pinned && (this.pinned[0] >= rows || this.pinned[1] >= cols)) this.pinned = null;
    if (this.frame !== null && this.frame > this.frames.length) this.frame = null;
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), this.operands(), resultPart(this.views()),
      this.explanation = resultPart(h("div", "cs-explain-slot")), errorSlot("*")));
    this.showFrame();
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const [rows, cols] = [inputs.input.length, inputs.input[0].length];
    const k = inputs.kernel.length;
    const box = h("div", "cs-controls");
    box.append(
      fieldset("Input",
        choice("rows", "rows", numberChoices(1, 4), rows, (v) => send(model, { input: resized(inputs.input, +v, cols) })),
        choice("columns", "cols", numberChoices(1, 4), cols, (v) => send(model, { input: resized(inputs.input, rows, +v) })),
        choice("kernel", "kernel_size", numberChoices(1, 4, (n) => `${n}×${n}`), k,
          (v) => send(model, { kernel: resized(inputs.kernel, +v, +v) }))),
      fieldset("Spreading",
        choice("stride", "stride", numberChoices(1, 3), inputs.stride, (v) => send(model, { stride: +v })),
        choice("padding (crop)", "padding", numberChoices(0, 3), inputs.padding, (v) => send(model, { padding: +v })),
        choice("output_padding", "output_padding", numberChoices(0, 2), inputs.output_padding,
          (v) => send(model, { output_padding: +v }))),
      resetButton(model, this.initial, () => { this.stop(); this.frame = null; this.pinned = null; }));
    return box;
  }

  operands() {
    const model = this.model;
    const input = editableGrid(model, "input", "Input");
    this.inputGrid = input.grid;
    const kernel = editableGrid(model, "kernel", "Kernel", null);
    const row = h("div", "cs-row");
    row.append(input.box, kernel.box, resultPart(sizeBox(model.get("size"))));
    return row;
  }

  views() {
    const row = h("div", "cs-row cs-two-views");
    row.append(this.scatterView(), this.gatherView());
    return row;
  }

  scatterView() {
    const box = h("section", "cs-view");
    box.append(h("h3", "", "Scatter: every input cell stamps a scaled kernel"));
    const player = h("div", "cs-controls cs-player");
    this.playButton = button("Play", "play", () => (this.timer ? this.stop() : this.play()), "cs-primary");
    player.append(this.playButton,
      button("Step", "step", () => { this.stop(); this.advance(); }),
      button("Show all", "all", () => { this.stop(); this.frame = null; this.showFrame(); }));
    this.status = h("p", "cs-caption cs-stamp-status");
    this.status.setAttribute("role", "status");
    this.stampSlot = h("div", "cs-stamp-slot");
    this.scatterSlot = h("div", "cs-scroll");
    const bottom = h("div", "cs-row");
    const out = h("div", "cs-panel");
    out.append(h("h4", "", "Output so far"), this.scatterSlot);
    bottom.append(this.stampSlot, out);
    const counts = panel("Stamps landing on each cell");
    counts.slot.append(numberGrid(this.model.get("stamp_counts"), { role: "coverage", name: "stamps on cell", small: true }));
    box.append(player, this.status, bottom, counts.box);
    return box;
  }

  gatherView() {
    const box = h("section", "cs-view");
    box.append(h("h3", "", "Gather: a convolution over the spread-out input"));
    const gather = this.model.get("gather");
    if (gather.error) {
      box.append(h("p", "cs-field-error", gather.error));
      return box;
    }
    const trace = gather.trace;
    const originals = new Set(gather.originals.map(([r, c]) => `${r},${c}`));
    const mask = trace.padding_mask;
    const spread = panel("Input with zeros between cells, padded", "solid: the input's own cells; faint: inserted zeros; hatched: padding");
    this.gatherInput = numberGrid(trace.padded_input, {
      role: "input", name: "spread input", small: true,
      className: (r, c) => (mask[r][c] ? "cs-pad" : originals.has(`${r},${c}`) ? "cs-original" : "cs-inserted"),
    });
    spread.slot.append(this.gatherInput);
    const kernel = panel("Kernel turned 180°");
    kernel.slot.append(numberGrid(trace.steps[0].kernel, { role: "kernel", name: "turned kernel", small: true }));
    const [rows, cols] = trace.output_shape;
    const output = panel(`Output (${rows}×${cols})`, "click a cell: both views explain it");
    this.gatherOutput = numberGrid(trace.output, {
      role: "output", name: "gather output", kind: "button",
      onSelect: (r, c) => this.pin(r, c),
    });
    output.slot.append(this.gatherOutput);
    const row = h("div", "cs-row");
    row.append(spread.box, kernel.box, output.box);
    const verdict = h("p", `cs-verdict ${gather.equal ? "cs-yes" : "cs-no"}`,
      gather.equal ? "✓ Equal: both views give the same output, cell for cell." : "✗ The two views differ.");
    box.append(row, verdict);
    return box;
  }

  // ---- the scatter animation ----

  showFrame() {
    const frames = this.frames;
    const shown = this.frame ?? frames.length;
    const current = shown > 0 && this.frame !== null ? frames[shown - 1] : null;
    const running = shown > 0 ? frames[shown - 1].running : this.model.get("output").map((row) => row.map(() => "0"));
    const touched = new Set((current?.cells ?? []).map((cell) => `${cell.i},${cell.j}`));
    const pinned = this.pinned;
    this.scatterGrid = numberGrid(running, {
      role: "output", name: "output", kind: "button",
      className: (r, c) => (touched.has(`${r},${c}`) ? "cs-stamped" : ""),
      onSelect: (r, c) => this.pin(r, c),
    });
    this.scatterSlot.replaceChildren(this.scatterGrid);
    for (const cell of this.inputGrid.querySelectorAll(".cs-cell")) {
      cell.classList.toggle("cs-stamping", Boolean(current) && +cell.dataset.r === current.row && +cell.dataset.c === current.col);
    }
    this.stampSlot.replaceChildren(current ? this.stampPanel(current) : h("p", "cs-caption cs-hint",
      this.frame === null ? "The output grid holds the finished result. Press Step to build it one input cell at a time." : "Nothing stamped yet."));
    this.status.textContent = this.frame === null
      ? `all ${frames.length} stamps added`
      : `stamp ${shown} of ${frames.length}`;
    this.pinned = pinned;
    this.applySelection();
  }

  stampPanel(frame) {
    const box = h("div", "cs-panel");
    box.append(h("h4", "", `input (${frame.row}, ${frame.col}) = ${frame.value}, times the kernel`));
    box.append(numberGrid(frame.stamp, { role: "products", name: "stamp", small: true }));
    box.append(h("p", "cs-caption", "added onto the outlined output cells"));
    return box;
  }

  advance() {
    const next = this.frame === null ? 1 : this.frame + 1;
    if (next > this.frames.length) { this.frame = null; this.showFrame(); return false; }
    this.frame = next;
    this.showFrame();
    return next < this.frames.length;
  }

  play() {
    if (this.frame === null) this.frame = 0;
    if (!this.advance()) return;
    this.timer = setInterval(() => { if (!this.advance()) this.stop(); }, REDUCED_MOTION ? 1600 : 900);
    this.playButton.textContent = "Pause";
    this.playButton.setAttribute("aria-pressed", "true");
  }

  stop() {
    clearInterval(this.timer);
    this.timer = null;
    if (this.playButton) {
      this.playButton.textContent = "Play";
      this.playButton.setAttribute("aria-pressed", "false");
    }
  }

  // ---- one output cell, told both ways ----

  pin(i, j) { this.pinned = [i, j]; this.applySelection(); showExplanation(this.explanation); }

  applySelection() {
    const cols = this.model.get("output_shape")[1];
    const on = (cell) => Boolean(this.pinned) && +cell.dataset.r === this.pinned[0] && +cell.dataset.c === this.pinned[1];
    for (const grid of [this.scatterGrid, this.gatherOutput]) {
      for (const cell of grid?.children ?? []) {
        cell.classList.toggle("cs-current", on(cell));
        cell.setAttribute("aria-pressed", String(on(cell)));
      }
    }
    const step = this.pinned ? this.model.get("steps")[this.pinned[0] * cols + this.pinned[1]] : null;
    const sources = new Set((step?.sources ?? []).map(([r, c]) => `${r},${c}`));
    for (const cell of this.inputGrid.querySelectorAll(".cs-cell")) {
      cell.classList.toggle("cs-in-window", sources.has(`${cell.dataset.r},${cell.dataset.c}`));
    }
    const gather = this.model.get("gather");
    const gatherStep = this.pinned && !gather.error ? gather.trace.steps[this.pinned[0] * cols + this.pinned[1]] : null;
    if (this.gatherInput) {
      const [top, left] = gather.trace.pad_offset;
      const rows = new Set((gatherStep?.rows ?? []).map((r) => r + top));
      const cs = new Set((gatherStep?.cols ?? []).map((c) => c + left));
      for (const cell of this.gatherInput.children) {
        cell.classList.toggle("cs-in-window", rows.has(+cell.dataset.r) && cs.has(+cell.dataset.c));
      }
    }
    if (!step) {
      this.explanation.replaceChildren(h("p", "cs-caption cs-hint", "Click an output cell in either view to see where its number comes from."));
      return;
    }
    const box = h("section", "cs-explain cs-scatter-explain");
    box.setAttribute("aria-live", "polite");
    box.append(h("h3", "", `Scatter: the stamps landing on output (${step.i}, ${step.j})`));
    const sum = h("p", "cs-sum");
    sum.append(h("span", "cs-sum-text", step.sum_text));
    const result = h("p", "");
    result.append(`output (${step.i}, ${step.j}) = `, h("span", "cs-result", step.result));
    box.append(h("p", "cs-caption", "each term is an input value × the kernel weight that lands here (input cells outlined)"), sum, result);
    this.explanation.replaceChildren(box);
    if (gatherStep) this.explanation.append(stepView(gatherStep, `Gather: the same cell as a window × the turned kernel`));
  }
}

function render({ model, el }) {
  const widget = new Transposed(model, el);
  const redraw = () => { widget.stop(); widget.draw(); };
  redraw();
  model.on("change", redraw);
  const unfreeze = playersWaitOnRefusal(model, el, () => widget.stop());
  const unmark = staleOnRefusal(model, el);
  return () => { widget.stop(); model.off("change", redraw); unfreeze(); unmark(); };
}

export default { render };
