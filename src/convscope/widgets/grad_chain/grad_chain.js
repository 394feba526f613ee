// The `grad_chain` widget: conv → ReLU → 2×2 pool, and the gradient followed back. Click a
// pooled gradient to follow it to its window's winner (or its four sharers), through the ReLU,
// onto the input cells its convolution window covered; click any ∂L/∂a or ∂L/∂z cell for why
// it got what it got; click a weight's gradient for its sum of products. Cells that get no
// gradient are marked and named. Every number and sentence comes from the server; positions
// count from 0.

import { appendEquation, button, h, keepFocus, numberGrid, panel, redrawnOnChange } from "../_common/_grid.js";
import { errorSlot, fieldset, resetButton, send } from "../_common/_parts.js";
import { editableGrid, indexLabel, markStaleOnError, staleNote } from "../grad_weight/grad_weight.js";

class Chain {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.picked = { kind: "pooled", index: [0, 0] };
    markStaleOnError(model, el);
  }

  draw() {
    const shape = this.model.get({ pooled: "pooled", cell: "relu", weight: "kernel" }[this.picked.kind]);
    const [r, c] = this.picked.index;
    if (r >= shape.length || c >= shape[0].length) this.picked = { kind: "pooled", index: [0, 0] };
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), staleNote(), this.results(), errorSlot("*")));
    this.applyPick();
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const kind = h("div", "cs-toggle");
    kind.setAttribute("role", "group");
    kind.setAttribute("aria-label", "kind of pooling");
    for (const [value, text] of [["max", "Max pool"], ["avg", "Average pool"]]) {
      const option = button(text, `kind-${value}`, () => send(model, { kind: value }));
      option.setAttribute("aria-pressed", String(inputs.kind === value));
      kind.append(option);
    }
    const details = h("details", "cs-grad-edit");
    details.append(h("summary", "", "Change the numbers"));
    const row = h("div", "cs-row");
    row.append(editableGrid(model, "input", "Input").box, editableGrid(model, "kernel", "Kernel").box);
    details.append(row);
    details.open = this.editorOpen ?? false;
    details.addEventListener("toggle", () => { this.editorOpen = details.open; });
    const box = h("div", "cs-controls");
    box.append(fieldset("After the ReLU", kind, errorSlot("kind")), resetButton(model, this.initial), details);
    return box;
  }

  grid(key, title, caption, options = {}) {
    const shown = panel(title, caption);
    const grid = numberGrid(this.model.get(key), { role: options.role ?? "output", name: key, small: true, label: options.label ?? indexLabel(options.name ?? key), ...options });
    shown.slot.append(grid);
    return { box: shown.box, grid };
  }

  results() {
    const model = this.model;
    const kind = model.get("inputs").kind === "max" ? "max pool" : "average pool";
    const x = this.grid("input", "Input x", null, { role: "input", name: "x", label: indexLabel("x") });
    const w = this.grid("kernel", "Kernel w", null, { role: "kernel", name: "w", label: indexLabel("w") });
    const z = this.grid("conv", "z = x ⋆ w", null, { name: "z" });
    const a = this.grid("relu", "a = ReLU(z)", null, { name: "a" });
    const p = this.grid("pooled", `p = ${kind}(a)`, null, { name: "p" });
    Object.assign(this, { xGrid: x.grid, zGrid: z.grid, aGrid: a.grid });
    const forward = h("div", "cs-chain-forward");
    forward.append(appendEquation(h("div", "cs-row"), x.box, "⋆", w.box, "="), appendEquation(h("div", "cs-row"), z.box, "→", a.box, "→", p.box));
    const passes = model.get("passes");
    const wins = model.get("wins");
    const gp = this.grid("grad_pooled", "Backward: ∂L/∂p", model.get("ones") ? "ones: L is the sum of p; click one to follow it" : "click one to follow it", {
      kind: "button", name: "∂L/∂p", onSelect: (r, c) => this.pick("pooled", r, c),
    });
    const ga = this.grid("grad_a", "∂L/∂a", wins ? "back through the pool: only each window's winner" : "back through the pool: shared by 4", {
      kind: "button", name: "∂L/∂a", onSelect: (r, c) => this.pick("cell", r, c),
      className: (r, c) => (wins && !wins[r][c] ? "cs-nograd" : ""),
      label: (r, c, t) => `∂L/∂a[${r}, ${c}]: ${t}${wins && !wins[r][c] ? " (no gradient: did not win its window)" : ""}`,
    });
    const gz = this.grid("grad_z", "∂L/∂z", "back through the ReLU: blocked where z ≤ 0", {
      kind: "button", name: "∂L/∂z", onSelect: (r, c) => this.pick("cell", r, c),
      className: (r, c) => (passes[r][c] ? "" : "cs-blocked"),
      label: (r, c, t) => `∂L/∂z[${r}, ${c}]: ${t}${passes[r][c] ? "" : " (no gradient: the ReLU blocked it)"}`,
    });
    const gw = this.grid("grad_weight", "∂L/∂w", "back through the convolution: click one", {
      role: "kernel", kind: "button", name: "∂L/∂w", onSelect: (r, c) => this.pick("weight", r, c),
    });
    Object.assign(this, { gpGrid: gp.grid, gaGrid: ga.grid, gzGrid: gz.grid, gwGrid: gw.grid });
    const backward = appendEquation(h("div", "cs-row cs-grad-row"), gp.box, "→", ga.box, "→", gz.box, "→", gw.box);
    const legend = h("p", "cs-legend");
    legend.append(h("span", "cs-key-nograd", "lost its pooling window: no gradient"), h("span", "cs-key-blocked", "ReLU blocked: no gradient"));
    const box = h("div", "cs-results");
    box.append(forward, backward, legend, this.explanation = h("div", "cs-explain-slot"), this.torchLine());
    return box;
  }

  torchLine() {
    const torch = this.model.get("torch");
    if (!torch.available) return h("p", "cs-verdict cs-no", torch.message);
    const same = torch.agrees ? "the same ∂L/∂w" : "a different ∂L/∂w";
    return h("p", `cs-verdict ${torch.agrees ? "cs-yes" : "cs-no"}`,
      `torch.autograd (PyTorch ${torch.version}) through conv2d, relu and the pool gives ${same}: largest difference ${torch.largest_difference}.`);
  }

  pick(kind, r, c) {
    this.picked = { kind, index: [r, c] };
    this.applyPick();
  }

  applyPick() {
    const { kind, index } = this.picked;
    const cols = this.model.get("relu")[0].length;
    const [kr, kc] = [this.model.get("kernel").length, this.model.get("kernel")[0].length];
    let cells = [];
    const winners = this.model.get("winners");
    const pooledCols = this.model.get("pooled")[0].length;
    if (kind === "pooled") cells = winners ? [winners[index[0] * pooledCols + index[1]]] : this.windowOf(index);
    if (kind === "cell") cells = [index];
    const inWindow = new Set(kind === "pooled" ? this.windowOf(index).map(key) : cells.map(key));
    const reached = new Set(cells.filter(([r, c]) => this.model.get("passes")[r][c]).map(key));
    const xCells = new Set();
    for (const [r, c] of reached.size ? [...reached].map((k) => k.split(",").map(Number)) : []) {
      for (let a = 0; a < kr; a += 1) for (let b = 0; b < kc; b += 1) xCells.add(key([r + a, c + b]));
    }
    const weightStep = kind === "weight" ? this.model.get("weight_steps")[index[0] * kc + index[1]] : null;
    if (weightStep) for (const t of weightStep.terms) xCells.add(key(t.cell));
    mark(this.gpGrid, () => false, (k) => kind === "pooled" && k === key(index));
    for (const grid of [this.gaGrid, this.aGrid]) mark(grid, (k) => inWindow.has(k), (k) => cells.some((cell) => key(cell) === k));
    for (const grid of [this.gzGrid, this.zGrid]) mark(grid, (k) => reached.has(k), () => false);
    mark(this.xGrid, (k) => xCells.has(k), () => false);
    mark(this.gwGrid, () => false, (k) => kind === "weight" && k === key(index));
    this.explanation.replaceChildren(this.words(kind, index, cells, cols, weightStep));
  }

  windowOf([i, j]) {
    return [[2 * i, 2 * j], [2 * i, 2 * j + 1], [2 * i + 1, 2 * j], [2 * i + 1, 2 * j + 1]];
  }

  words(kind, index, cells, cols, weightStep) {
    const box = h("section", "cs-explain");
    box.setAttribute("aria-live", "polite");
    if (weightStep) {
      box.append(h("h3", "", `${weightStep.label.replace("weight", "w")} = ${weightStep.result}`),
        h("p", "", "The weight view again, with ∂L/∂z in place of ∂L/∂y: each output position adds ∂L/∂z there × the input cell this weight sat on (outlined). Blocked and losing cells add 0."));
      const sum = h("p", "cs-sum");
      sum.append(h("span", "cs-sum-text", weightStep.sum_text));
      box.append(sum);
      return box;
    }
    const list = h("ol", "cs-chain-steps");
    if (kind === "pooled") {
      const [i, j] = index;
      box.append(h("h3", "", `Following ∂L/∂p[${i}, ${j}] = ${this.model.get("grad_pooled")[i][j]} back`));
      list.append(h("li", "", `The pool: window a[${2 * i}–${2 * i + 1}, ${2 * j}–${2 * j + 1}] (outlined). ${this.model.get("wins") ? "Only the cell that won it (marked) receives the gradient." : "Each of its 4 cells receives a quarter."}`));
    } else {
      box.append(h("h3", "", `Why ∂L/∂z[${index[0]}, ${index[1]}] = ${this.model.get("grad_z")[index[0]][index[1]]}`));
    }
    for (const [r, c] of cells) {
      const at = r * cols + c;
      const item = h("li", "");
      item.append(`a[${r}, ${c}]: ${this.model.get("pool_words")[at].join("; ")}. ReLU at [${r}, ${c}]: ${this.model.get("relu_words")[at]}.`);
      list.append(item);
    }
    const passing = cells.filter(([r, c]) => this.model.get("passes")[r][c]);
    list.append(h("li", "", passing.length
      ? `The convolution: z${passing.map(([r, c]) => `[${r}, ${c}]`).join(", z")} came from the outlined window of x, so each weight's gradient gains ∂L/∂z there × the input cell it sat on.`
      : "Nothing reaches the convolution: this gradient adds 0 to every weight."));
    box.append(list);
    return box;
  }
}

function key(cell) { return `${cell[0]},${cell[1]}`; }

/** Outline the cells of `grid` whose "r,c" key passes `inside`, and mark the ones `current`. */
function mark(grid, inside, current) {
  for (const cell of grid.children) {
    const k = `${cell.dataset.r},${cell.dataset.c}`;
    cell.classList.toggle("cs-in-window", inside(k));
    const on = current(k);
    cell.classList.toggle("cs-current", on);
    if (cell.tagName === "BUTTON") cell.setAttribute("aria-pressed", String(on));
  }
}

export default { render: redrawnOnChange((model, el, view) => view.draw(), (model, el) => new Chain(model, el)) };
