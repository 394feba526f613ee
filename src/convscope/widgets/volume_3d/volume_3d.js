// The `volume_3d` widget: a small volume (a clip of frames) and a 3-D kernel, both shown slice
// by slice. Click an output cell to see its window on each slice it reaches, the products of
// each kernel slice, each slice's sum and their total, which is conv3d's number. Every number
// arrives from the server; positions count from 0: output[0, 1, 2] is slice 0, row 1, column 2.

import { choice, errorSlot, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { fieldset, numberChoices, resetButton, send } from "../_common/_parts.js";
import { formulaBox, mounted, staleNote } from "../signal_1d/_beyond.js";

/** Return a cell-label function for slice `z` of `name`: "volume[1, 2, 3]: 9". */
function sliceLabel(name, z) {
  return (r, c, text) => `${name}[${z}, ${r}, ${c}]: ${text}`;
}

class Volume3d {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.pinned = null;  // [z, i, j] of the output cell being explained
    this.mode = "symbolic";  // the formula in names, or with the numbers in
  }

  draw() {
    const [d, r, c] = this.model.get("output_shape");
    if (this.pinned && (this.pinned[0] >= d || this.pinned[1] >= r || this.pinned[2] >= c)) this.pinned = null;
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), staleNote(), this.results(), errorSlot("*")));
    this.applySelection();
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const box = h("div", "cs-controls");
    box.append(fieldset("Sliding",
      choice("padding (every side, depth too)", "padding", numberChoices(0, 1), inputs.padding, (v) => send(model, { padding: +v }))),
      resetButton(model, this.initial, () => { this.pinned = null; }));
    return box;
  }

  results() {
    const model = this.model;
    const box = h("div", "cs-results");
    this.volumeGrids = this.slices("volume", "Volume", "input", "slice", true);
    const kernel = this.slices("kernel", "Kernel", "kernel", "kernel slice", true);
    this.outputGrids = this.slices("output", "conv3d output", "output", "output slice", false);
    box.append(this.volumeGrids.box, kernel.box, this.outputGrids.box,
      this.explanation = h("div", "cs-explain-slot"), h("p", "cs-caption cs-mono", `In PyTorch: ${model.get("torch")}`));
    return box;
  }

  /** A titled row of one small grid per slice; editable for the inputs, buttons for the output. */
  slices(key, title, role, sliceName, editable) {
    const model = this.model;
    const slices = model.get(key);
    const shape = key === "output" ? model.get("output_shape") : [slices.length, slices[0].length, slices[0][0].length];
    const box = h("section", "cs-volume-row");
    box.append(h("h3", "", `${title} (${shape.join(" × ")}: slices × rows × columns)`));
    const row = h("div", "cs-row");
    const grids = slices.map((slice, z) => {
      const shown = panel(`${sliceName} ${z}`);
      const grid = numberGrid(slice, {
        role, name: `${key} slice ${z}`, small: true, label: sliceLabel(key, z),
        kind: editable ? "input" : "button",
        onEdit: (r, c, value) => {
          const nested = structuredClone(model.get("inputs")[key]);
          if (nested[z][r][c] === value) return;
          nested[z][r][c] = value;
          send(model, { [key]: nested });
        },
        onSelect: (r, c) => { this.pinned = [z, r, c]; this.applySelection(); },
      });
      shown.slot.append(grid);
      row.append(shown.box);
      return grid;
    });
    box.append(row);
    if (editable) box.append(errorSlot(key), h("p", "cs-caption", "type to change a number"));
    else box.append(h("p", "cs-caption", "click a cell to see the windows it comes from"));
    return { box, grids };
  }

  applySelection() {
    const model = this.model;
    const [, rows, cols] = model.get("output_shape");
    const cell = this.pinned ? model.get("cells")[(this.pinned[0] * rows + this.pinned[1]) * cols + this.pinned[2]] : null;
    const inside = new Set();
    if (cell) {
      for (const part of cell.slices) {
        if (part.padded) continue;
        part.rows.forEach((r) => part.cols.forEach((c) => inside.add(`${part.slice},${r},${c}`)));
      }
    }
    this.volumeGrids.grids.forEach((grid, z) => {
      for (const node of grid.children) node.classList.toggle("cs-in-window", inside.has(`${z},${node.dataset.r},${node.dataset.c}`));
    });
    this.outputGrids.grids.forEach((grid, z) => {
      for (const node of grid.children) {
        const on = Boolean(this.pinned) && z === this.pinned[0] && +node.dataset.r === this.pinned[1] && +node.dataset.c === this.pinned[2];
        node.classList.toggle("cs-current", on);
        node.setAttribute("aria-pressed", String(on));
      }
    });
    this.explanation.replaceChildren(cell ? this.cellView(cell) : h("p", "cs-caption cs-hint",
      "Click an output cell to see its window on each slice and the products of each kernel slice."));
  }

  cellView(cell) {
    const [z, i, j] = cell.index;
    const box = h("section", "cs-explain");
    box.setAttribute("aria-live", "polite");
    box.append(h("h3", "", `How output[${z}, ${i}, ${j}] is computed, slice by slice`));
    const row = h("div", "cs-row");
    cell.slices.forEach((part, a) => {
      const where = part.padded ? `padding slice (${part.slice}): zeros` : `volume slice ${part.slice}`;
      const shown = panel(`kernel slice ${a} × ${where}`);
      const window = numberGrid(part.window, {
        role: "input", name: `window on ${where}`, small: true,
        className: (r, c) => (part.is_padding[r][c] || part.padded ? "cs-pad" : ""),
        label: (r, c, text) => `window on ${where}, row ${r}, column ${c}: ${text}`,
      });
      const pair = h("div", "cs-row cs-volume-pair");
      pair.append(window, h("span", "cs-op", "→"));
      shown.slot.append(pair);
      pair.append(numberGrid(part.products, {
        role: "output", name: `products of kernel slice ${a}`, small: true,
        className: (r, c) => (part.is_padding[r][c] || part.padded ? "cs-pad" : ""),
        label: (r, c, text) => `kernel slice ${a} product row ${r}, column ${c}: ${text}`,
      }));
      const sum = h("p", "cs-sum");
      sum.append(h("span", "cs-sum-text", part.sum_text));
      sum.dataset.slice = String(a);
      shown.box.append(sum);
      row.append(shown.box);
    });
    const total = h("p", "cs-sum cs-volume-total");
    total.append(`slice sums: ${cell.total_text} = `, h("span", "cs-result", cell.result));
    box.append(row, total, formulaBox(cell.formula, this.mode, (mode) => { this.mode = mode; this.applySelection(); }));
    return box;
  }
}

export default { render: mounted(Volume3d) };
