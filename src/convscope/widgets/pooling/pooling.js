// The `pooling` widget: max or average pooling of an editable grid. Click an output cell to
// see its window on the input, the winning cell or the sum and divisor; a second grid counts
// how many windows read each input cell; a photograph is pooled again and again. Three finer
// switches (round the size up, count padding in the divisor, dilation) show their effect in the
// size formula and in the explanation, where a window past the edge is drawn on the input as the
// windows see it: padding hatched, overhang dotted and empty.

import { appendEquation, button, choice, h, keepFocus, numberGrid, panel, redrawnOnChange } from "../_common/_grid.js";
import { editableGrid, errorSlot, fieldset, numberChoices, photoChoice, picture, resetButton, resized, result, send, showExplanation, sizeBox, withStaleMarks } from "../_common/_parts.js";

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
      this.explanation = result(h("div", "cs-explain-slot")), this.photos(), errorSlot("*")));
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
      // average pooling has no dilation: leave it at 1 rather than answer with an error
      const changes = value === "avg" ? { kind: value, dilation: 1 } : { kind: value };
      const option = button(text, `kind-${value}`, () => send(model, changes));
      option.setAttribute("aria-pressed", String(inputs.kind === value));
      kind.append(option);
    }
    const window = fieldset("Window",
      choice("size", "kernel_size", numberChoices(1, 4, (n) => `${n}×${n}`), inputs.kernel_size, (v) => send(model, { kernel_size: +v })),
      choice("stride", "stride", numberChoices(1, 4), inputs.stride, (v) => send(model, { stride: +v })),
      choice("padding", "padding", numberChoices(0, 2), inputs.padding, (v) => send(model, { padding: +v })),
      onlyFor(inputs.kind === "max", "max pooling only",
        choice("dilation", "dilation", numberChoices(1, 2), inputs.dilation, (v) => send(model, { dilation: +v }))));
    const edges = fieldset("Edges",
      checkbox("round the output size up", "ceil_mode", inputs.ceil_mode, (on) => send(model, { ceil_mode: on })),
      onlyFor(inputs.kind === "avg", "average pooling only",
        checkbox("count padding in the divisor", "count_include_pad", inputs.count_include_pad, (on) => send(model, { count_include_pad: on }))));
    const size = fieldset("Input",
      choice("rows", "rows", numberChoices(2, 8), rows, (v) => send(model, { input: resized(inputs.input, +v, cols) })),
      choice("columns", "cols", numberChoices(2, 8), cols, (v) => send(model, { input: resized(inputs.input, rows, +v) })));
    const box = h("div", "cs-controls");
    box.append(kind, window, edges, size, fieldset("Picture", photoChoice(model.get("photo_names"), inputs.photo, (v) => send(model, { photo: v }))),
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
    const output = panel(`${title} (${rows}×${cols})`, this.outputHint());
    this.outputGrid = numberGrid(model.get("output"), {
      role: "output", name: "output", kind: "button",
      onSelect: (r, c) => { this.pinned = [r, c]; this.applySelection(); showExplanation(this.explanation); },
    });
    output.slot.append(this.outputGrid);
    const coverage = panel("Windows reading each cell", model.get("coverage_text"));
    coverage.slot.append(numberGrid(model.get("coverage"), { role: "coverage", name: "windows reading cell", small: true }));
    const row = h("div", "cs-row");
    appendEquation(row, input.box, "→", result(output.box), result(coverage.box));
    return row;
  }

  sizeLine() {
    return result(sizeBox(this.model.get("size")));
  }

  outputHint() {
    const hangs = this.model.get("steps").some((step) => step.taps.flat().includes("beyond"));
    return hangs
      ? "rounding up added windows that hang over the edge: click a cell in the last row or column"
      : "click a cell to see its window";
  }

  photos() {
    const box = result(h("div", "cs-photo-block"));
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
    const [i, j] = step.index;
    box.append(h("h3", "", `How output[${i}, ${j}] is computed (row ${i}, column ${j}, counting from 0)`));
    const window = panel("Window");
    window.slot.append(numberGrid(step.window, {
      role: "input", name: "window", small: true, label: tapLabel("window", step.taps),
      className: (r, c) => [TAP_CLASS[step.taps[r][c]],
        step.winner && step.winner[0] === r && step.winner[1] === c ? "cs-winner" : ""].join(" "),
    }));
    const words = h("div", "cs-pool-words");
    const sum = h("p", "cs-sum");
    sum.append(h("span", "cs-sum-text", step.text));
    const result = h("p", "");
    result.append("result: ", h("span", "cs-result", step.result));
    words.append(sum, result);
    for (const note of step.notes) words.append(h("p", "cs-caption cs-note", note));
    const row = h("div", "cs-row");
    row.append(window.box);
    if (step.taps.flat().some((tap) => tap !== "real")) row.append(this.whereItSits(step));
    row.append(words);
    box.append(row);
    return box;
  }

  /** The input as the windows see it (padding and overhang around it), this window outlined. */
  whereItSits(step) {
    const frame = this.model.get("frame");
    const taps = new Map();
    step.rows.forEach((r, a) => step.cols.forEach((c, b) => taps.set(`${r + frame.top},${c + frame.left}`, [a, b])));
    const isWinner = (tap) => Boolean(tap && step.winner && tap[0] === step.winner[0] && tap[1] === step.winner[1]);
    const present = new Set(frame.kinds.flat());
    const edges = [present.has("pad") ? "padding hatched" : "", present.has("beyond") ? "past the edge dotted" : ""];
    const where = panel("Where it sits", `outlined: this window; ${edges.filter(Boolean).join(", ")}`);
    where.slot.append(numberGrid(frame.texts, {
      role: "input", name: "extended input", small: true, label: tapLabel("extended input", frame.kinds),
      className: (r, c) => {
        const tap = taps.get(`${r},${c}`);
        return [TAP_CLASS[frame.kinds[r][c]], tap ? "cs-in-window" : "", isWinner(tap) ? "cs-winner" : ""].join(" ");
      },
    }));
    return where.box;
  }
}

const TAP_CLASS = { real: "", pad: "cs-pad", beyond: "cs-beyond" };
const TAP_WORDS = { pad: "padding", beyond: "past the edge, empty" };

/** Return a cell-label function that names padding and overhang cells for a screen reader. */
function tapLabel(name, kinds) {
  return (r, c, text) => `${name} row ${r}, column ${c}: ${TAP_WORDS[kinds[r][c]] ?? text}${kinds[r][c] === "pad" ? ` (${text})` : ""}`;
}

/** Return a labelled checkbox calling `onChange(checked)`. */
function checkbox(text, key, checked, onChange) {
  const label = h("label", "cs-check");
  const box = h("input");
  box.type = "checkbox";
  box.checked = checked;
  box.dataset.key = key;
  box.addEventListener("change", () => onChange(box.checked));
  label.append(box, ` ${text}`, errorSlot(key));
  return label;
}

/** Return `control` (a <label>), disabled with a short reason when it does not apply. */
function onlyFor(applies, reason, control) {
  if (applies) return control;
  for (const field of control.querySelectorAll("select, input")) field.disabled = true;
  control.classList.add("cs-not-here");
  control.append(h("span", "cs-reason", reason));
  return control;
}

export default { render: withStaleMarks(redrawnOnChange((model, el, widget) => widget.draw(), (model, el) => new Pooling(model, el))) };
