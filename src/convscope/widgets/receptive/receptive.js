// The `receptive` widget: a stack of convolution and pooling layers. Click a cell of the last
// map; every map below shows how many paths lead from each of its cells to it (the receptive
// field, centre counted most), and a table gives size and jump per layer, by formula and by engine.

import { button, choice, h, keepFocus, numberGrid } from "../_common/_grid.js";
import { errorSlot, fieldset, numberChoices, resetButton, result, send, staleOnRefusal } from "../_common/_parts.js";

const KINDS = [["conv", "conv"], ["max", "max pool"], ["avg", "avg pool"]];

function setLayer(model, index, changes) {
  const layers = model.get("inputs").layers.map((layer, k) => (k === index ? { ...layer, ...changes } : layer));
  send(model, { layers, cell: null });
}

function layerEditor(model, layer, index) {
  const count = model.get("inputs").layers.length;
  const box = fieldset(`Layer ${index + 1}`,
    choice("kind", `kind-${index}`, KINDS, layer.kind, (v) => setLayer(model, index, { kind: v, dilation: 1 })),
    choice("kernel", `kernel-${index}`, numberChoices(1, 7, (n) => `${n}×${n}`), layer.kernel_size, (v) => setLayer(model, index, { kernel_size: +v })),
    choice("stride", `stride-${index}`, numberChoices(1, 4), layer.stride, (v) => setLayer(model, index, { stride: +v })),
    choice("padding", `padding-${index}`, numberChoices(0, 3), layer.padding, (v) => setLayer(model, index, { padding: +v })),
    choice("dilation", `dilation-${index}`, numberChoices(1, 3), layer.dilation, (v) => setLayer(model, index, { dilation: +v })));
  if (count > 1) {
    const remove = button("Remove", `remove-${index}`, () => {
      send(model, { layers: model.get("inputs").layers.filter((_, k) => k !== index), cell: null });
    });
    remove.setAttribute("aria-label", `remove layer ${index + 1}`);
    box.append(remove);
  }
  return box;
}

function controls(model, initial) {
  const inputs = model.get("inputs");
  const box = h("div", "cs-controls cs-layers");
  box.append(choice("input size", "input_size", numberChoices(4, 24, (n) => `${n}×${n}`), inputs.input_size,
    (v) => send(model, { input_size: +v, cell: null })));
  inputs.layers.forEach((layer, index) => box.append(layerEditor(model, layer, index)));
  const actions = h("div", "cs-controls");
  if (inputs.layers.length < model.get("limits").layers) {
    actions.append(button("Add a layer", "add", () => send(model, {
      layers: [...inputs.layers, { kind: "conv", kernel_size: 3, stride: 1, padding: 0, dilation: 1 }], cell: null,
    })));
  }
  actions.append(resetButton(model, initial));
  const wrap = h("div");
  wrap.append(box, actions, errorSlot("layers"), errorSlot("input_size"), errorSlot("cell"));
  return wrap;
}

const COLUMNS = ["layer", "kind", "size (formula)", "size (engine)", "jump (formula)", "jump (engine)", "formula and engine"];

// A real table; on a phone its CSS lays each row out as a card of "column: value" lines (the
// headers ride along as data-label), so no column hides in a sideways scroller. The explicit
// roles keep the table's meaning when CSS changes how it is displayed.
function table(model) {
  const wrap = h("div", "cs-table-wrap");
  const grid = h("table", "cs-field-table");
  grid.setAttribute("role", "table");
  grid.append(h("caption", "cs-sr", "Size and jump of each layer's receptive field, by formula and by engine"));
  const headRow = grid.createTHead().insertRow();
  for (const text of COLUMNS) {
    const cell = document.createElement("th");
    cell.scope = "col";
    cell.setAttribute("role", "columnheader");
    cell.textContent = text;
    headRow.append(cell);
  }
  const body = grid.createTBody();
  model.get("layers").forEach((layer, index) => {
    const row = body.insertRow();
    const texts = [String(index + 1), layer.name, layer.formula.size, layer.engine.size,
      layer.formula.jump, layer.engine.jump, layer.equal ? "✓ equal" : "✗ differ"];
    texts.forEach((text, k) => {
      const cell = row.insertCell();
      cell.setAttribute("role", "cell");
      cell.dataset.label = COLUMNS[k];
      cell.textContent = String(text);
      if (k >= 2 && k <= 5) cell.className = "cs-num";
      if (k === 6) cell.className = layer.equal ? "cs-yes" : "cs-no";
    });
  });
  for (const part of [grid.tHead, body, ...grid.rows]) part.setAttribute("role", part.tagName === "TR" ? "row" : "rowgroup");
  wrap.append(grid);
  return wrap;
}

function maps(model) {
  const all = model.get("maps");
  const last = all.length - 1;
  const [ci, cj] = model.get("cell");
  const row = h("div", "cs-row cs-maps");
  all.forEach((map, level) => {
    const box = h("div", "cs-panel cs-map");
    box.append(h("h3", "", map.label));
    const slot = h("div", "cs-scroll");
    const isLast = level === last;
    slot.append(numberGrid(map.counts, {
      role: "heat", name: isLast ? "last layer" : (level === 0 ? "input paths" : `layer ${level} paths`),
      kind: isLast ? "button" : "plain", small: true,
      className: (r, c) => `cs-heat-${map.levels[r][c]}${isLast && r === ci && c === cj ? " cs-current" : ""}`,
      label: isLast
        ? (r, c) => `last layer row ${r}, column ${c}${r === ci && c === cj ? " (chosen)" : ""}`
        : (r, c, text) => `${map.label.split(":")[0]} row ${r}, column ${c}: ${text} paths`,
      onSelect: (r, c) => send(model, { cell: [r, c] }),
    }));
    box.append(slot);
    box.append(h("p", "cs-caption", isLast ? "click a cell to choose it" : map.region));
    row.append(box);
  });
  return row;
}

function regionNote(model) {
  const region = model.get("region");
  const [i, j] = model.get("cell");
  const note = h("p", "cs-formula cs-region-text",
    `last layer[${i}, ${j}] (row ${i}, column ${j}, counting from 0) sees input rows ${region.rows[0]} to ${region.rows[1]} and columns ${region.cols[0]} to ${region.cols[1]} (formula; negative or past the edge means padding)`);
  note.setAttribute("role", "status");
  return note;
}

function results(model) {
  const box = result(h("div", "cs-results"));
  box.append(table(model), regionNote(model), maps(model));
  return box;
}

function draw(model, el, initial) {
  keepFocus(el, () => el.replaceChildren(controls(model, initial), results(model), errorSlot("*")));
}

function render({ model, el }) {
  const initial = structuredClone(model.get("inputs"));
  const redraw = () => draw(model, el, initial);
  redraw();
  model.on("change", redraw);
  const stop = staleOnRefusal(model, el);
  return () => { model.off("change", redraw); stop(); };
}

export default { render };
