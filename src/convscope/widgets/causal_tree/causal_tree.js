// The `causal_tree` widget: a stack of causal dilated 1-D layers drawn as a tree of connections.
// Click an output (or Tab to it, move with the arrow keys, press Enter) and every connection and
// sample that reaches it lights up; samples after it are shaded as its future, and none of them
// lights up. Which nodes reach which output arrives from the server (the engine ran impulses
// through the layers); this module only draws. Positions count from 0: output[20], signal[5].

import { choice, errorSlot, h, keepFocus } from "../_common/_grid.js";
import { fieldset, numberChoices, resetButton, send } from "../_common/_parts.js";
import { mounted, staleNote, svg, toggle } from "../signal_1d/_beyond.js";

const PATTERNS = [["doubling", "doubling: 1, 2, 4, 8"], ["ones", "all 1"], ["twos", "all 2"]];
const STEP = 26, ROW = 74, MARGIN = 20, TOP = 30;

function dilationsFor(pattern, layers) {
  return Array.from({ length: layers }, (_, n) => (pattern === "doubling" ? 2 ** n : pattern === "ones" ? 1 : 2));
}

function patternOf(dilations) {
  for (const [pattern] of PATTERNS) {
    if (dilationsFor(pattern, dilations.length).every((d, n) => d === dilations[n])) return pattern;
  }
  return "custom";
}

class CausalTree {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.pinned = model.get("inputs").length - 1;
  }

  draw() {
    const length = this.model.get("inputs").length;
    if (this.pinned >= length) this.pinned = length - 1;
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), staleNote(), this.results(), errorSlot("*")));
    this.applySelection();
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const pattern = patternOf(inputs.dilations);
    const dilations = toggle("dilations", "dilations", PATTERNS, pattern,
      (value) => send(model, { dilations: dilationsFor(value, inputs.dilations.length) }));
    const layers = fieldset("Stack",
      choice("layers", "layers", numberChoices(1, 4), inputs.dilations.length,
        (v) => send(model, { dilations: dilationsFor(pattern === "custom" ? "doubling" : pattern, +v) })),
      choice("kernel taps", "kernel_size", numberChoices(2, 3), inputs.kernel_size, (v) => send(model, { kernel_size: +v })),
      choice("signal length", "length", numberChoices(4, 32), inputs.length, (v) => send(model, { length: +v })));
    const box = h("div", "cs-controls");
    const group = h("div", "cs-control-group");
    group.append(dilations, errorSlot("dilations"));
    box.append(group, layers, resetButton(model, this.initial));
    return box;
  }

  results() {
    const box = h("div", "cs-results");
    const scroll = h("div", "cs-tree-scroll");
    scroll.append(this.tree());
    box.append(scroll, this.words = h("div", "cs-tree-words"));
    return box;
  }

  tree() {
    const model = this.model;
    const levels = model.get("levels");
    const length = model.get("inputs").length;
    const width = 2 * MARGIN + (length - 1) * STEP, height = TOP + (levels.length - 1) * ROW + 34;
    const x = (index) => MARGIN + index * STEP;
    const y = (level) => TOP + (levels.length - 1 - level) * ROW;
    const figure = svg("svg", { viewBox: `0 0 ${width} ${height}`, class: "cs-tree", width, height,
      "aria-label": "the layers as rows of nodes, the input at the bottom; lines join each node to the nodes it reads" });
    this.future = figure.appendChild(svg("rect", { class: "cs-future-zone", y: 0, height }));
    this.futureLabel = figure.appendChild(svg("text", { class: "cs-future-label", y: height - 4 }));
    this.edges = model.get("edges").map((pairs, layer) => pairs.map(([from, to]) => {
      const line = svg("line", { class: "cs-edge", x1: x(from), y1: y(layer), x2: x(to), y2: y(layer + 1) });
      line.dataset.layer = layer; line.dataset.to = to;
      return figure.appendChild(line);
    }));
    levels.forEach((name, level) => {
      const label = svg("text", { class: "cs-level-label", x: 4, y: y(level) - 11 });
      label.textContent = level === levels.length - 1 ? `${name} (output)` : name;
      figure.append(label);
    });
    this.nodes = levels.map((_, level) => Array.from({ length }, (_, index) => {
      const node = svg("circle", { class: "cs-node", cx: x(index), cy: y(level), r: 6 });
      node.dataset.level = level; node.dataset.index = index;
      if (level === levels.length - 1) this.makeButton(node, index);
      return figure.appendChild(node);
    }));
    for (let index = 0; index < length; index++) {
      const label = svg("text", { class: "cs-node-index", x: x(index), y: y(0) + 20 });
      label.textContent = String(index);
      figure.append(label);
    }
    this.x = x;
    return figure;
  }

  makeButton(node, index) {
    node.classList.add("cs-out-node");
    node.setAttribute("role", "button");
    node.setAttribute("tabindex", index === this.pinned ? "0" : "-1");
    node.setAttribute("aria-label", `output[${index}]`);
    node.dataset.key = `output:${index}`;
    const pick = () => { this.pinned = index; this.applySelection(); };
    node.addEventListener("click", pick);
    node.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
      const move = { ArrowLeft: -1, ArrowRight: 1 }[event.key];
      const next = move && this.nodes.at(-1)[index + move];
      if (next) { event.preventDefault(); next.focus(); }
    });
  }

  applySelection() {
    const model = this.model;
    const output = model.get("outputs")[this.pinned];
    const reached = output.reached.map((indices) => new Set(indices));
    this.nodes.forEach((row, level) => row.forEach((node, index) => {
      node.classList.toggle("cs-reached", reached[level].has(index));
      node.classList.toggle("cs-future", index > this.pinned);
      if (level === this.nodes.length - 1) {
        node.setAttribute("aria-pressed", String(index === this.pinned));
        node.setAttribute("tabindex", index === this.pinned ? "0" : "-1");
      }
    }));
    this.edges.forEach((lines, layer) => lines.forEach((line) => {
      line.classList.toggle("cs-edge-on", reached[layer + 1].has(+line.dataset.to));
    }));
    const length = model.get("inputs").length;
    const start = this.x(this.pinned) + STEP / 2;
    this.future.setAttribute("x", String(start));
    this.future.setAttribute("width", String(Math.max(0, this.x(length - 1) + STEP - start)));
    this.futureLabel.setAttribute("x", String(start + 4));
    this.futureLabel.textContent = this.pinned < length - 1 ? "future of this output" : "";
    this.words.replaceChildren(this.explain(output, length));
  }

  explain(output, length) {
    const model = this.model;
    const t = output.index;
    const inputs = output.reached[0];
    const box = h("section", "cs-explain");
    box.setAttribute("aria-live", "polite");
    box.append(h("h3", "", `What reaches output[${t}]`));
    const seen = h("p", "cs-reach-line");
    seen.append(`${inputs.length} input samples: `, h("span", "cs-reach-list", inputs.map((s) => `signal[${s}]`).join(", ")), ".");
    const field = h("p", "", `Receptive field of the stack: ${model.get("field_words")}, ending at the output's own sample.`);
    box.append(seen, field);
    if (output.cut_by_start) box.append(h("p", "cs-caption", `It would start at signal[${t - model.get("field") + 1}]; the signal begins at signal[0], so the rest of the field falls on the causal padding's zeros.`));
    if (output.gaps.length) box.append(h("p", "cs-caption", `Gaps: ${output.gaps.map((s) => `signal[${s}]`).join(", ")} lie inside the field but no path leads from them: every dilation skips them.`));
    const future = t < length - 1
      ? `None of the ${length - 1 - t} later samples (signal[${t + 1}] to signal[${length - 1}], shaded) reaches it: every layer reads only its own position and earlier ones.`
      : "It is the last sample, so nothing lies in its future here; click an earlier output to see a shaded future that never reaches it.";
    box.append(h("p", "cs-future-words", future));
    const paths = output.paths;
    if (paths.some((count) => count !== 1)) {
      box.append(h("p", "cs-caption", `Paths from each, in order: ${paths.join(", ")}. Samples reached by more paths weigh more in a stack of equal weights.`));
    } else {
      box.append(h("p", "cs-caption", "Exactly one path leads from each of them: with these dilations the tree never joins itself."));
    }
    box.append(h("p", "cs-caption cs-mono", `In PyTorch: ${model.get("pytorch")}`));
    return box;
  }
}

export default { render: mounted(CausalTree) };
