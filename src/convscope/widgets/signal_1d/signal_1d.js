// The `signal_1d` widget: a short signal convolved with a smoothing or a difference kernel.
// Click an output sample (or reach it with Tab and the arrow keys, then Enter) to see its window
// on the signal, the products and their sum, and the same sum as a formula, in symbols or with
// the numbers in. Every number, the formula and PyTorch's answer arrive from the server;
// positions count from 0, as the arrays do: output[0], signal[3].

import { appendEquation, choice, errorSlot, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { fieldset, numberChoices, resetButton, scrollRegion, send } from "../_common/_parts.js";
import { formulaBox, indexLabel, mounted, staleNote, svg, toggle } from "./_beyond.js";

const PRESETS = [["smooth", "Smoothing"], ["difference", "Difference"]];
const PADDINGS = [["valid", "valid (none)"], ["same", "same"], ["causal", "causal (left only)"]];
const OPERATIONS = [["conv", "conv1d"], ["transposed", "conv_transpose1d"]];

class Signal1d {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.pinned = null;  // index of the output sample being explained
    this.mode = "symbolic";  // the formula in names, or with the numbers in
  }

  draw() {
    if (this.pinned !== null && this.pinned >= this.model.get("output").length) this.pinned = null;
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), staleNote(), this.results(), errorSlot("*")));
    this.applySelection();
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const values = model.get("preset_values");
    const kernelName = toggle("kernel preset", "kernel_name", PRESETS, inputs.kernel_name,
      (name) => send(model, { kernel: values[name], kernel_name: name }));
    const operation = toggle("operation", "operation", OPERATIONS, inputs.operation,
      (value) => send(model, value === "transposed" ? { operation: value, padding: "valid" } : { operation: value }));
    const padding = choice("padding", "padding", PADDINGS, inputs.padding, (v) => send(model, { padding: v }));
    if (inputs.operation === "transposed") {
      padding.querySelector("select").disabled = true;
      padding.append(h("span", "cs-reason", "none when transposed"));
    }
    const shape = fieldset("Sliding", padding,
      choice("stride", "stride", numberChoices(1, 3), inputs.stride, (v) => send(model, { stride: +v })),
      choice("dilation", "dilation", numberChoices(1, 4), inputs.dilation, (v) => send(model, { dilation: +v })));
    const sizes = fieldset("Lengths",
      choice("signal length", "length", numberChoices(2, 32), inputs.samples.length,
        (v) => send(model, { samples: resizedList(inputs.samples, +v) })),
      choice("kernel taps", "taps", numberChoices(1, 7), inputs.kernel.length,
        (v) => send(model, { kernel: resizedList(inputs.kernel, +v), kernel_name: "custom" })));
    const box = h("div", "cs-controls");
    const presets = h("div", "cs-control-group");
    presets.append(kernelName, operation, errorSlot("operation"));
    box.append(presets, shape, sizes, resetButton(model, this.initial, () => { this.pinned = null; }));
    return box;
  }

  results() {
    const model = this.model;
    const box = h("div", "cs-results");
    const signal = panel(`Signal (${model.get("samples").length} samples)`, model.get("provenance"));
    this.signalRow = this.editableRow("samples", "signal", "input");
    signal.slot.append(this.signalRow);
    signal.box.append(errorSlot("samples"));
    const kernel = panel(`Kernel (${model.get("kernel").length} taps)`, "type to change a weight");
    kernel.slot.append(this.editableRow("kernel", "weight", "kernel"));
    kernel.box.append(errorSlot("kernel"));
    const transposed = model.get("inputs").operation === "transposed";
    const output = panel(`${transposed ? "conv_transpose1d" : "conv1d"} output (${model.get("output").length} samples)`,
      transposed ? "each signal sample stamps the kernel onto the output, stride apart; click a sample to see the stamps that land on it"
        : "click a sample to see how it is made");
    this.outputRow = numberGrid([model.get("output")], {
      role: "output", name: "output", kind: "button", small: true, label: indexLabel("output", true),
      onSelect: (r, c) => { this.pinned = c; this.applySelection(); },
    });
    output.slot.append(this.outputRow);
    const row = h("div", "cs-row cs-signal-rows");
    appendEquation(row, signal.box, "⋆", kernel.box);
    box.append(row, output.box, this.plot(), this.explanation = h("div", "cs-explain-slot"), this.torchLine());
    return box;
  }

  editableRow(key, name, role) {
    const model = this.model;
    return numberGrid([model.get(key)], {
      role, name, kind: "input", small: true, label: indexLabel(name, true),
      onEdit: (r, c, value) => {
        const list = [...model.get("inputs")[key]];
        if (list[c] === value) return;
        list[c] = value;
        send(model, key === "kernel" ? { kernel: list, kernel_name: "custom" } : { [key]: list });
      },
    });
  }

  /** The signal and the output drawn as two lines on the signal's axis (positions from the server). */
  plot() {
    const samples = this.model.get("sample_values");
    const outputs = this.model.get("output_values");
    const centres = this.model.get("steps").map((step) => step.centre);
    const all = [...samples, ...outputs];
    const [low, high] = [Math.min(...all), Math.max(...all)];
    const span = high - low || 1;
    const width = 640, height = 170, margin = 14;
    const x = (position) => margin + (position / Math.max(1, samples.length - 1)) * (width - 2 * margin);
    const y = (value) => height - margin - ((value - low) / span) * (height - 2 * margin);
    const figure = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "cs-signal-plot", role: "img",
      "aria-label": "the signal (blue) and the output (green) drawn as lines; each output sits at the middle of its window" });
    figure.append(svg("polyline", { class: "cs-line-input", points: samples.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
    figure.append(svg("polyline", { class: "cs-line-output", points: outputs.map((v, i) => `${x(centres[i])},${y(v)}`).join(" ") }));
    this.dots = samples.map((v, i) => figure.appendChild(svg("circle", { class: "cs-dot-input", cx: x(i), cy: y(v), r: 3.5 })));
    this.outDots = outputs.map((v, i) => figure.appendChild(svg("circle", { class: "cs-dot-output", cx: x(centres[i]), cy: y(v), r: 3.5 })));
    const box = h("figure", "cs-signal-figure");
    const caption = h("figcaption", "cs-caption");
    caption.append(h("span", "cs-key-input", "signal"), " and ", h("span", "cs-key-output", "output"),
      ", each output drawn at the middle of its window");
    box.append(figure, caption);
    return box;
  }

  torchLine() {
    const check = this.model.get("torch");
    const words = check.available
      ? `PyTorch ${check.version}: ${check.line} gives ${check.equal ? "the same samples" : "different samples"}: ${check.output.join(", ")}`
      : `${check.line} would give the same; ${check.message}, so it was not run.`;
    const line = h("p", "cs-caption cs-torch-line", words);
    line.dataset.equal = String(Boolean(check.equal));
    return line;
  }

  applySelection() {
    const step = this.pinned === null ? null : this.model.get("steps")[this.pinned];
    const inside = new Set(step ? step.taps.filter((tap) => !tap.padded).map((tap) => tap.position) : []);
    for (const cell of this.signalRow.children) cell.classList.toggle("cs-in-window", inside.has(+cell.dataset.c));
    for (const cell of this.outputRow.children) {
      const on = +cell.dataset.c === this.pinned;
      cell.classList.toggle("cs-current", on);
      cell.setAttribute("aria-pressed", String(on));
    }
    this.dots.forEach((dot, i) => dot.classList.toggle("cs-dot-window", inside.has(i)));
    this.outDots.forEach((dot, i) => dot.classList.toggle("cs-dot-current", i === this.pinned));
    this.explanation.replaceChildren(step ? this.stepView(step) : h("p", "cs-caption cs-hint",
      "Click an output sample to see its window, its products and its formula."));
  }

  stepView(step) {
    const box = h("section", "cs-explain");
    box.setAttribute("aria-live", "polite");
    const transposed = this.model.get("inputs").operation === "transposed";
    box.append(h("h3", "", `How output[${step.index}] is ${transposed ? "gathered from the stamps" : "computed"}`));
    if (transposed && !step.taps.length) box.append(h("p", "cs-caption", "No stamp lands here: the stride leaves a gap, so the sample is 0."));
    const table = h("table", "cs-terms cs-signal-terms");
    const head = table.createTHead().insertRow();
    for (const text of ["tap", "sample", "value", "weight", "product"]) head.append(h("th", "", text));
    const body = table.createTBody();
    step.taps.forEach((tap, k) => {
      const row = body.insertRow();
      if (tap.padded) row.className = "cs-pad-row";
      const where = tap.padded ? `padding (${tap.position})` : `signal[${tap.position}]`;
      for (const text of [`w[${tap.tap ?? k}]`, where, tap.value, tap.weight, tap.product]) row.append(h("td", "", text));
    });
    const scroll = scrollRegion(table, `the products of output[${step.index}]`);
    const sum = h("p", "cs-sum");
    sum.append(h("span", "cs-sum-text", step.sum_text));
    const result = h("p", "");
    result.append(`output[${step.index}] = `, h("span", "cs-result", step.result));
    box.append(scroll, sum, result, this.formulaBox(step.formula));
    return box;
  }

  formulaBox(formula) {
    return formulaBox(formula, this.mode, (mode) => { this.mode = mode; this.applySelection(); });
  }
}

/** Return `list` cut or lengthened to `length`, new places copying the last value. */
function resizedList(list, length) {
  const out = list.slice(0, length);
  while (out.length < length) out.push(out[out.length - 1] ?? 0);
  return out;
}

export default { render: mounted(Signal1d) };
