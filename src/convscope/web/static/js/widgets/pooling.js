// The `pooling` widget: max or average pooling of an editable grid. Click an output cell to
// see its window on the input, the winning cell or the sum and divisor; a second grid counts
// how many windows read each input cell; a photograph is pooled again and again.

import { appendEquation, button, choice, h, keepFocus, numberGrid, panel } from "./_grid.js";
import { editableGrid, errorSlot, fieldset, numberChoices, photoChoice, picture, resetButton, resized, send, sizeBox } from "./_parts.js";

class Pooling {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.pinned = null;  // [i, j] of the output cell being explained
  }

  draw() {
    const [rows, cols] = this.model.get("output_shape");
    if (this.pinned && (this.pinned[0] >= rows || this.pinned[1] >= cols)) this.pinned = null;
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), this.grids(), this.sizeLine(),
      this.explanation = h("div", "cs-explain-slot"), this.photos(), errorSlot("*")));
    this.applySelection();
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const [rows, cols] = [inputs.input.length, inputs.input[0].length];
    const kind = h("div", "cs-toggle");
    kind.setAttribute("role", "group");
    kind.setAttribute("aria-label", "kind of pooling");
    for (const [value, text] of [["max", "Max pooling"], ["avg", "Average pooling"]]) {
      const option = button(text, `kind-${value}`, () => send(model, { kind: value }));
      option.setAttribute("aria-pressed", String(inputs.kind === value));
      kind.append(option);
    }
    const window = fieldset("Window",
      choice("size", "kernel_size", numberChoices(1, 4, (n) => `${n}×${n}`), inputs.kernel_size, (v) => send(model, { kernel_size: +v })),
      choice("stride", "stride", numberChoices(1, 4), inputs.stride, (v) => send(model, { stride: +v })),
      choice("padding", "padding", numberChoices(0, 2), inputs.padding, (v) => send(model, { padding: +v })));
    const size = fieldset("Input",
      choice("rows", "rows", numberChoices(2, 8), rows, (v) => send(model, { input: resized(inputs.input, +v, cols) })),
      choice("columns", "cols", numberChoices(2, 8), cols, (v) => send(model, { input: resized(inputs.input, rows, +v) })));
    const box = h("div", "cs-controls");
    box.append(kind, window, size, fieldset("Picture", photoChoice(model.get("photo_names"), inputs.photo, (v) => send(model, { photo: v }))),
      resetButton(model, this.initial, () => { this.pinned = null; }));
    return box;
  }

  grids() {
    const model = this.model;
    const inputs = model.get("inputs");
    const input = editableGrid(model, "input", "Input");
    this.inputGrid = input.grid;
    const [rows, cols] = model.get("output_shape");
    const title = inputs.kind === "max" ? "Max pooled" : "Average pooled";
    const output = panel(`${title} (${rows}×${cols})`, "click a cell to see its window");
    this.outputGrid = numberGrid(model.get("output"), {
      role: "output", name: "output", kind: "button",
      onSelect: (r, c) => { this.pinned = [r, c]; this.applySelection(); },
    });
    output.slot.append(this.outputGrid);
    const coverage = panel("Windows reading each cell", model.get("coverage_text"));
    coverage.slot.append(numberGrid(model.get("coverage"), { role: "coverage", name: "windows reading cell", small: true }));
    const row = h("div", "cs-row");
    appendEquation(row, input.box, "→", output.box, coverage.box);
    return row;
  }

  sizeLine() {
    return sizeBox(this.model.get("size"));
  }

  photos() {
    const box = h("div", "cs-photo-block");
    const kind = this.model.get("inputs").kind === "max" ? "max" : "average";
    box.append(h("h3", "", `The same ${kind} pooling, applied to a photograph again and again`));
    const row = h("div", "cs-row cs-pictures");
    for (const photo of this.model.get("photos")) {
      row.append(picture(photo.src, photo.label, `photograph, ${photo.label}`, "cs-pixelated"));
    }
    box.append(row);
    return box;
  }

  applySelection() {
    const cols = this.model.get("output_shape")[1];
    const step = this.pinned ? this.model.get("steps")[this.pinned[0] * cols + this.pinned[1]] : null;
    const inside = new Map();
    if (step) {
      step.rows.forEach((r, a) => step.cols.forEach((c, b) => inside.set(`${r},${c}`, [a, b])));
    }
    for (const cell of this.inputGrid.children) {
      const tap = inside.get(`${cell.dataset.r},${cell.dataset.c}`);
      cell.classList.toggle("cs-in-window", Boolean(tap));
      cell.classList.toggle("cs-winner", Boolean(tap && step.winner && tap[0] === step.winner[0] && tap[1] === step.winner[1]));
    }
    for (const cell of this.outputGrid.children) {
      const on = Boolean(this.pinned) && +cell.dataset.r === this.pinned[0] && +cell.dataset.c === this.pinned[1];
      cell.classList.toggle("cs-current", on);
      cell.setAttribute("aria-pressed", String(on));
    }
    this.explanation.replaceChildren(step ? this.stepView(step) : h("p", "cs-caption cs-hint",
      "Click an output cell (or reach it with Tab and the arrow keys, then Enter) to see its window."));
  }

  stepView(step) {
    const box = h("section", "cs-explain");
    box.setAttribute("aria-live", "polite");
    box.append(h("h3", "", `Output row ${step.index[0] + 1}, column ${step.index[1] + 1}`));
    const kind = this.model.get("inputs").kind;
    const caption = step.is_padding.flat().some(Boolean)
      ? (kind === "max" ? "hatched: padding, which never wins (it counts as −∞)" : "hatched: padding, counted as 0")
      : null;
    const window = panel("Window", caption);
    window.slot.append(numberGrid(step.window, {
      role: "input", name: "window", small: true,
      className: (r, c) => [step.is_padding[r][c] ? "cs-pad" : "",
        step.winner && step.winner[0] === r && step.winner[1] === c ? "cs-winner" : ""].join(" "),
    }));
    const words = h("div", "cs-pool-words");
    const sum = h("p", "cs-sum");
    sum.append(h("span", "cs-sum-text", step.text));
    const result = h("p", "");
    result.append("result: ", h("span", "cs-result", step.result));
    words.append(sum, result);
    if (step.divisor !== null) words.append(h("p", "cs-caption", `divided by ${step.divisor}: the cells of the window, padding included`));
    if (step.winner) words.append(h("p", "cs-caption", "the winning cell is marked with a thick border"));
    const row = h("div", "cs-row");
    row.append(window.box, words);
    box.append(row);
    return box;
  }
}

function render({ model, el }) {
  const widget = new Pooling(model, el);
  const redraw = () => widget.draw();
  redraw();
  model.on("change", redraw);
  return () => model.off("change", redraw);
}

export default { render };
