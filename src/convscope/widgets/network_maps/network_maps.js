// The `network_maps` widget: draw a digit (mouse, touch or keyboard) or pick a held-out one,
// and see what the digits network does with it: the input as it sees it, every layer's feature
// maps, the ten probabilities, and any clicked activation worked out (window on every input
// channel, products, sums, bias, ReLU, the pool's winner, a class score's largest terms) with
// the pixels it can see outlined on the input. Each change sends the 64 pixels and the pick to
// the server, which runs one forward pass; every number and shade level comes from there.
// Positions count from 0.

import { appendEquation, button, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { errorSlot, fieldset, result, showExplanation, staleOnRefusal } from "../_common/_parts.js";
import { padView } from "./pad.js";

const SIGN_CLASS = { pos: "cs-pos", neg: "cs-neg", zero: "cs-zero" };
const MAP_OF_SOURCE = { relu1: "conv1", relu2: "conv2", pool1: "pool1" };

class NetworkView {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.pad = padView(model);
    this.picker = h("div", "cs-nm-pick");
    this.results = result(h("div", "cs-nm-results"));
    const controls = h("div", "cs-nm-controls");
    controls.append(this.pad.box, this.picker);
    el.replaceChildren(controls, this.results, errorSlot("*"));
    staleOnRefusal(model, el);
  }

  draw() {
    this.pad.update();
    keepFocus(this.el, () => {
      this.picker.replaceChildren(this.pickerControls());
      this.results.replaceChildren(this.top(), this.mapsView(), this.explained());
    });
    this.markSources();
    if (this.picked) showExplanation(this.results.querySelector(".cs-nm-explain"));
    this.picked = false;
  }

  pickerControls() {
    const inputs = this.model.get("inputs");
    const label = h("label", "", "Pick a held-out digit ");
    const select = h("select");
    select.dataset.key = "example";
    select.append(new Option("— your drawing —", ""));
    for (const { digit, index } of this.model.get("examples")) {
      select.append(new Option(`a held-out ${digit} (no. ${index})`, String(digit)));
    }
    select.value = inputs.example === null ? "" : String(inputs.example);
    select.addEventListener("change", () => {
      if (select.value === "") return;
      this.send({ example: Number(select.value), pixels: null });
    });
    label.append(select, errorSlot("example"));
    const label_note = this.model.get("label");
    const note = h("p", "cs-note", label_note === null
      ? "The pad holds your drawing; the network has never seen it."
      : `This image is labelled ${label_note} in the data set; the network did not train on it.`);
    return fieldset("Or start from the data", label, note);
  }

  send(changes) {
    this.model.set("inputs", { ...this.model.get("inputs"), ...changes });
    this.model.save_changes();
  }

  pick(layer, channel, row, col) {
    this.picked = true;  // once the answer is drawn, bring its explanation into view (a phone)
    this.send({ layer, channel, row, col });
  }

  top() {
    const row = h("div", "cs-row cs-nm-top");
    const seen = panel("What the network sees", "each pixel ÷ 16 (ink 0–16 becomes 0–1)");
    const grid = numberGrid(this.model.get("seen"), { role: "input", name: "input", small: true, label: (r, c, t) => `input[0, ${r}, ${c}]: ${t}` });
    grid.classList.add("cs-nm-seen");
    shade(grid, (r, c) => this.model.get("seen_levels")[r][c]);
    seen.slot.append(grid);
    this.seenGrid = grid;
    row.append(seen.box, this.probabilities());
    return row;
  }

  probabilities() {
    const box = h("section", "cs-nm-probs");
    const predicted = this.model.get("predicted");
    box.append(h("h3", "", `The network's answer: ${predicted}`));
    const list = h("ol", "cs-nm-prob-list");
    const inputs = this.model.get("inputs");
    for (const p of this.model.get("probabilities")) {
      const item = h("li", p.digit === predicted ? "cs-nm-best" : "");
      const pressed = inputs.layer === "linear" && inputs.channel === p.digit;
      const choose = button("", `prob-${p.digit}`, () => this.pick("linear", p.digit, 0, 0), "cs-nm-prob");
      choose.setAttribute("aria-pressed", String(pressed));
      choose.setAttribute("aria-label", `digit ${p.digit}: probability ${p.text}; show its score`);
      const bar = h("span", "cs-nm-bar");
      bar.style.setProperty("--share", `${p.level}%`);
      choose.append(h("span", "cs-nm-digit", String(p.digit)), bar, h("span", "cs-nm-pct", p.text));
      item.append(choose);
      list.append(item);
    }
    box.append(list, h("p", "cs-caption", "softmax of the ten scores; click a digit to see its score added up"));
    return box;
  }

  mapsView() {
    const box = h("section", "cs-nm-layers");
    const inputs = this.model.get("inputs");
    this.mapGrids = {};
    for (const layer of this.model.get("maps")) {
      const [channels, rows, cols] = layer.shape;
      const part = h("div", "cs-nm-layer");
      part.append(h("h3", "", `${layer.title}: ${channels} maps of ${rows}×${cols}`),
        h("p", "cs-caption", `darker = larger; the darkest cell holds ${layer.largest}; click a cell to see how it was computed`));
      const row = h("div", "cs-nm-maps");
      this.mapGrids[layer.layer] = [];
      layer.values.forEach((values, channel) => {
        const figure = h("figure", "cs-nm-map");
        const name = `${layer.layer}[${channel}]`;
        const grid = numberGrid(values, {
          role: "output", name, kind: "button", small: true, gridLabel: `${layer.title}, channel ${channel}`,
          label: (r, c, t) => `${layer.layer}[${channel}, ${r}, ${c}]: ${t}`,
          onSelect: (r, c) => this.pick(layer.layer, channel, r, c),
        });
        shade(grid, (r, c) => layer.levels[channel][r][c]);
        for (const cell of grid.children) {
          const on = inputs.layer === layer.layer && inputs.channel === channel
            && Number(cell.dataset.r) === inputs.row && Number(cell.dataset.c) === inputs.col;
          cell.classList.toggle("cs-current", on);
          cell.setAttribute("aria-pressed", String(on));
        }
        this.mapGrids[layer.layer].push(grid);
        figure.append(grid, h("figcaption", "", `channel ${channel}`));
        row.append(figure);
      });
      part.append(row);
      box.append(part);
    }
    return box;
  }

  /** Outline, on the maps, the cells the picked activation was computed from. */
  markSources() {
    const step = this.model.get("explanation");
    const [channel] = this.model.get("cell");
    if (step.kind === "linear") return;
    const inside = (cell) => step.rows.includes(Number(cell.dataset.r)) && step.cols.includes(Number(cell.dataset.c));
    const grids = step.source === "input" ? [this.seenGrid]
      : step.kind === "pool" ? [this.mapGrids[MAP_OF_SOURCE[step.source]][channel]]
        : this.mapGrids[MAP_OF_SOURCE[step.source]];
    for (const grid of grids) for (const cell of grid.children) cell.classList.toggle("cs-in-window", inside(cell));
  }

  explained() {
    const box = h("div", "cs-row cs-nm-explained");
    const step = this.model.get("explanation");
    const words = step.kind === "conv" ? this.convView(step) : step.kind === "pool" ? this.poolView(step) : this.linearView(step);
    words.append(errorSlot("layer"), errorSlot("channel"), errorSlot("row"), errorSlot("col"));
    box.append(words, this.fieldView());
    return box;
  }

  where() {
    const { layer } = this.model.get("inputs");
    const [c, i, j] = this.model.get("cell");
    return `${layer}[${c}, ${i}, ${j}]`;
  }

  convView(step) {
    const box = h("section", "cs-explain cs-nm-explain");
    box.setAttribute("aria-live", "polite");
    const [c, i, j] = this.model.get("cell");
    const source = step.source === "input" ? "the input" : `${step.source}, all ${step.channels.length} channels`;
    box.append(h("h3", "", `How ${this.where()} is computed (channel ${c}, row ${i}, column ${j}, from 0)`),
      h("p", "", `Its 3×3 window on ${source} (outlined above) times filter ${c}'s weights for that channel, summed; then the bias, then the ReLU.`));
    const channels = h("div", "cs-nm-channels");
    for (const part of step.channels) {
      const row = h("div", "cs-row cs-nm-channel");
      const window = panel(step.source === "input" ? "Window" : `Window on channel ${part.channel}`);
      window.slot.append(numberGrid(part.window, { role: "input", name: `window ${part.channel}`, small: true, className: (r, k) => (step.is_padding[r][k] ? "cs-pad" : "") }));
      const kernel = panel("Weights");
      kernel.slot.append(numberGrid(part.kernel, { role: "kernel", name: `weights ${part.channel}`, small: true }));
      const products = panel("Products");
      products.slot.append(numberGrid(part.products, { role: "products", name: `products ${part.channel}`, small: true, className: (r, k) => SIGN_CLASS[part.signs[r][k]] }));
      appendEquation(row, window.box, "×", kernel.box, "=", products.box);
      const sum = h("p", "cs-sum");
      sum.append(`channel ${part.channel} sum: `, h("span", "", part.sum_text));
      row.append(sum);
      channels.append(row);
    }
    box.append(channels);
    const lines = h("div", "cs-nm-lines");
    if (step.channels.length > 1) lines.append(line("sum of the channel sums: ", step.sum_text, "cs-nm-sum"));
    lines.append(line("plus the bias: ", step.bias_text, "cs-nm-bias"),
      line(`before the ReLU, ${step.source === "input" ? "conv1" : "conv2"} = `, step.z, "cs-nm-z cs-result"),
      line("", step.relu_text, "cs-nm-relu"),
      line(`${this.where()} after the ReLU = `, step.relu, "cs-nm-value cs-result"));
    box.append(lines, legendBox(true));
    return box;
  }

  poolView(step) {
    const box = h("section", "cs-explain cs-nm-explain");
    box.setAttribute("aria-live", "polite");
    const [c] = this.model.get("cell");
    const from = MAP_OF_SOURCE[step.source];
    box.append(h("h3", "", `How ${this.where()} is computed: the largest of a 2×2 window`),
      h("p", "", `The window is rows ${step.rows.join("–")}, columns ${step.cols.join("–")} of ${from} → ReLU, channel ${c} (outlined above).`));
    const window = panel("Window");
    window.slot.append(numberGrid(step.window, {
      role: "output", name: "pool window", small: true,
      className: (r, k) => (r === step.winner[0] && k === step.winner[1] ? "cs-current" : ""),
      label: (r, k, t) => `${step.source}[${c}, ${step.rows[r]}, ${step.cols[k]}]: ${t}${r === step.winner[0] && k === step.winner[1] ? " (the winner)" : ""}`,
    }));
    const [wr, wc] = step.winner_cell;
    const follow = button(`Explain the winner, ${step.source}[${c}, ${wr}, ${wc}]`, "winner", () => this.pick(from, c, wr, wc));
    box.append(window.box, line("", step.text, "cs-nm-pooltext"),
      line(`${this.where()} = `, step.result, "cs-nm-value cs-result"),
      h("p", "", `The winner is ${step.source}[${c}, ${wr}, ${wc}] (marked); the other three are dropped.`), follow);
    return box;
  }

  linearView(step) {
    const box = h("section", "cs-explain cs-nm-explain");
    box.setAttribute("aria-live", "polite");
    box.append(h("h3", "", `How the score of digit ${step.digit} is computed`),
      h("p", "", `The 64 pooled numbers (16 channels × 2 × 2) each times their weight for digit ${step.digit}, added, plus the bias. The ${step.terms.length} largest products:`));
    const table = h("table", "cs-nm-terms");
    const head = h("tr");
    for (const text of ["from", "value", "× weight", "= product"]) head.append(h("th", "", text));
    table.append(head);
    for (const term of step.terms) {
      const tr = h("tr", SIGN_CLASS[term.sign]);
      tr.append(h("td", "", term.from), h("td", "", term.value), h("td", "", term.weight), h("td", "cs-nm-product", term.product));
      table.append(tr);
    }
    const scroll = h("div", "cs-scroll");
    scroll.append(table);
    box.append(scroll,
      h("p", "", `The other ${step.rest_count} products add ${step.rest_sum} (${step.rest_zero} of them are 0: their pooled value is 0).`),
      line("bias: ", step.bias, "cs-nm-bias"),
      line(`score of digit ${step.digit} = `, step.logit, "cs-nm-value cs-result"),
      line("after the softmax, its probability: ", step.probability, "cs-nm-prob-text"));
    return box;
  }

  fieldView() {
    const field = this.model.get("field");
    const shown = panel("What it can see", `outlined: ${field.words}; each pixel's name says by how many paths it reaches the activation`);
    const pixels = this.model.get("pixels").map((row) => row.map(String));
    const grid = numberGrid(pixels, {
      role: "input", name: "field", small: true,
      className: (r, c) => (field.counts[r][c] > 0 ? "cs-in-window" : "cs-nm-outside"),
      label: (r, c, t) => `pixel [${r}, ${c}]: ink ${t}${field.counts[r][c] > 0 ? `, seen through ${field.counts[r][c]} paths` : ", not seen"}`,
    });
    grid.classList.add("cs-nm-field");
    shade(grid, (r, c) => this.model.get("pixel_levels")[r][c]);
    shown.slot.append(grid);
    shown.box.classList.add("cs-nm-fieldbox");
    return shown.box;
  }
}

function line(before, text, className) {
  const p = h("p", `cs-sum ${className}`);
  p.append(before, h("span", "cs-nm-number", text));
  return p;
}

function legendBox(withPadding) {
  const box = h("div", "cs-legend");
  box.append(h("span", "cs-key-window", "the window (outlined on the maps)"));
  if (withPadding) box.append(h("span", "cs-key-pad", "padding (0)"));
  box.append(h("span", "cs-key-pos", "positive product"), h("span", "cs-key-neg", "negative product"));
  return box;
}

/** Give each cell of `grid` the shade level (0–8) the server computed for it. */
function shade(grid, level) {
  grid.classList.add("cs-nm-shaded");
  for (const cell of grid.children) cell.style.setProperty("--level", String(level(Number(cell.dataset.r), Number(cell.dataset.c))));
}

export function render({ model, el }) {
  const view = new NetworkView(model, el);
  const redraw = () => view.draw();
  view.draw();
  model.on("change", redraw);
  return () => model.off("change", redraw);
}

export default { render };
