// Grids of numbers as accessible cells, shared by the widgets.
//
// A grid is one tab stop: arrow keys move between its cells (roving tabindex), Home/End jump
// to the row's ends. Every cell has a name a screen reader reads ("input row 2, column 3: 60",
// counting from 0 like output[0, 0] everywhere in the lessons).
// Cells are inputs (editable), buttons (selectable) or plain grid cells; the numbers arrive as
// the strings the server wrote, so nothing here formats or computes.
//
// A screen reader needs rows: grid > row > gridcell. The cells stay the grid element's own
// children (widgets walk `grid.children` and CSS lays them out in one CSS grid), and the rows
// live in the grid's shadow root, each cell shown through a named <slot>: the flat tree, which
// the accessibility tree follows, reads grid > row > gridcell > button, while layout sees the
// cells alone (rows and wrappers are `display: contents`).

const MOVES = {
  ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
};

/** Return a DOM element of `tag` with `className` and optional text. */
export function h(tag, className = "", text = null) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== null) node.textContent = text;
  return node;
}

/** Return what a person typed as a number when it reads as one ("−1,5" stays text). */
/**
 * Append panels joined by operators to `row`, e.g. `appendEquation(row, a, "⋆", b, "=", c)`.
 * Each operator is grouped with the panel after it, so a wrapping row never leaves an
 * operator dangling at the end of a line.
 */
export function appendEquation(row, ...parts) {
  let operator = null;
  for (const part of parts) {
    if (typeof part === "string") {
      operator = h("span", "cs-op", part);
    } else if (operator) {
      const group = h("div", "cs-with-op");
      group.append(operator, part);
      row.append(group);
      operator = null;
    } else {
      row.append(part);
    }
  }
  return row;
}

/** Return the empty slot where the host shows the server's error about `field` ("*": any). */
export function errorSlot(field) {
  const slot = h("output", "cs-field-error");
  slot.dataset.errorFor = field;
  return slot;
}

export function parseTyped(text) {
  const plain = text.trim().replace(/\u2212/g, "-").replace(/,(?=\d{3}\b)/g, "");
  if (plain !== "" && /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(plain)) return Number(plain);
  return text;  // the server refuses it, in its own words
}

function makeCell(kind, text) {
  if (kind === "input") {
    const cell = h("input", "cs-cell");
    cell.value = text;
    cell.size = Math.max(2, text.length);  // sizes the column to its longest number
    cell.inputMode = "decimal";
    cell.autocomplete = "off";
    cell.spellcheck = false;
    return cell;
  }
  if (kind === "button") {
    const cell = h("button", "cs-cell", text);
    cell.type = "button";
    return cell;
  }
  const cell = h("span", "cs-cell", text);
  cell.setAttribute("role", "gridcell");
  return cell;
}

/** Return a `tag` element with `role` that lays out as if only its children were there. */
function contents(tag, role = null) {
  const node = document.createElement(tag);
  if (role) node.setAttribute("role", role);
  node.style.display = "contents";  // CSSOM, which the page's style policy allows
  return node;
}

function cellKind(options, r, c) {
  const kind = typeof options.kind === "function" ? options.kind(r, c) : options.kind;
  return kind ?? "plain";
}

/**
 * Return a grid element for `texts` (rows of strings).
 * options: role ("input" | "kernel" | "output" | ...), name (used in labels), kind
 * ("input" | "button" | "plain", or a function of (r, c)), label(r, c, text), className(r, c),
 * onEdit(r, c, value), onSelect(r, c), onPreview(r | null, c), small.
 */
export function numberGrid(texts, options) {
  const grid = h("div", `cs-grid cs-role-${options.role}${options.small ? " cs-small" : ""}`);
  grid.setAttribute("role", "grid");
  grid.setAttribute("aria-label", options.gridLabel ?? options.name);
  grid.style.setProperty("--cols", String(texts[0]?.length ?? 0));
  const label = options.label ?? ((r, c, text) => `${options.name} row ${r}, column ${c}: ${text}`);
  const rows = grid.attachShadow({ mode: "open" });
  texts.forEach((row, r) => {
    const shownRow = rows.appendChild(contents("div", "row"));
    row.forEach((text, c) => {
      const cell = makeCell(cellKind(options, r, c), text);
      cell.dataset.r = r;
      cell.dataset.c = c;
      cell.dataset.key = `${options.name}:${r},${c}`;
      cell.tabIndex = r === 0 && c === 0 ? 0 : -1;
      cell.setAttribute("aria-label", label(r, c, text));
      const extra = options.className?.(r, c);
      if (extra) cell.classList.add(...extra.split(" ").filter(Boolean));
      wireCell(cell, r, c, options);
      cell.slot = `r${r}c${c}`;
      const place = contents("slot");
      place.name = cell.slot;
      // a button or an input keeps its own role inside a gridcell; a plain cell is the gridcell
      if (cell.tagName === "SPAN") shownRow.append(place);
      else shownRow.appendChild(contents("div", "gridcell")).append(place);
      grid.append(cell);
    });
  });
  grid.addEventListener("keydown", (event) => moveFocus(grid, event, options));
  grid.addEventListener("focusin", (event) => takeTabStop(grid, event.target));
  return grid;
}

function wireCell(cell, r, c, options) {
  if (cell.tagName === "INPUT") {
    cell.addEventListener("focus", () => cell.select());
    cell.addEventListener("change", () => options.onEdit?.(r, c, parseTyped(cell.value)));
    cell.addEventListener("keydown", (event) => {
      if (event.key === "Enter") { event.preventDefault(); options.onEdit?.(r, c, parseTyped(cell.value)); }
    });
  }
  if (cell.tagName === "BUTTON") {
    cell.addEventListener("click", () => options.onSelect?.(r, c));
    cell.addEventListener("mouseenter", () => options.onPreview?.(r, c));
    cell.addEventListener("mouseleave", () => options.onPreview?.(null, null));
  }
}

function takeTabStop(grid, target) {
  if (!target.classList?.contains("cs-cell")) return;
  for (const cell of grid.querySelectorAll(".cs-cell[tabindex='0']")) cell.tabIndex = -1;
  target.tabIndex = 0;
}

function moveFocus(grid, event, options) {
  const from = event.target;
  if (!from.classList.contains("cs-cell")) return;
  let r = Number(from.dataset.r);
  let c = Number(from.dataset.c);
  const columns = Number(grid.style.getPropertyValue("--cols"));
  if (event.key in MOVES) {
    r += MOVES[event.key][0];
    c += MOVES[event.key][1];
  } else if (event.key === "Home") c = 0;
  else if (event.key === "End") c = columns - 1;
  else return;
  const target = grid.querySelector(`.cs-cell[data-r="${r}"][data-c="${c}"]`);
  if (!target) return;
  event.preventDefault();
  if (from.tagName === "INPUT" && from.value !== from.defaultValue) {
    options.onEdit?.(Number(from.dataset.r), Number(from.dataset.c), parseTyped(from.value));
  }
  target.focus();
}

/** Put `grid` in place of `slot`'s content, keeping keyboard focus on the same cell. */
export function placeGrid(slot, grid) {
  const focused = slot.contains(document.activeElement) ? document.activeElement : null;
  slot.replaceChildren(grid);
  if (focused?.dataset?.r !== undefined) {
    const again = grid.querySelector(`.cs-cell[data-r="${focused.dataset.r}"][data-c="${focused.dataset.c}"]`);
    if (again) { again.focus({ preventScroll: true }); takeTabStop(grid, again); }
  }
}

/** Return a labelled panel: a heading and a scrolling box for a grid. */
export function panel(title, caption = null) {
  const box = h("div", "cs-panel");
  box.append(h("h3", "", title));
  const slot = h("div", "cs-scroll");
  box.append(slot);
  if (caption) box.append(h("p", "cs-caption", caption));
  return { box, slot };
}

/** Run `draw()` (which rebuilds `el`'s content) and give focus back to the same control. */
export function keepFocus(el, draw) {
  const active = document.activeElement;
  const key = el.contains(active) ? active.dataset?.key : undefined;
  draw();
  if (key === undefined) return;
  const again = el.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (again) again.focus({ preventScroll: true });
}

/**
 * Return a widget's `render`: it calls `draw(model, el, extra)` now and on every change of the
 * model, where `extra = setup(model, el)` is made once per mount (the inputs to reset to, or a
 * widget object), and it stops listening when the widget is removed.
 */
export function redrawnOnChange(draw, setup = () => undefined) {
  return ({ model, el }) => {
    const extra = setup(model, el);
    const redraw = () => draw(model, el, extra);
    redraw();
    model.on("change", redraw);
    return () => model.off("change", redraw);
  };
}

/** Return a labelled <select> with `choices` ([value, text] pairs) calling `onChange(value)`. */
export function choice(text, key, choices, value, onChange) {
  const label = h("label", "", text);
  const select = h("select");
  select.dataset.key = key;
  for (const [optionValue, optionText] of choices) select.append(new Option(optionText, String(optionValue)));
  select.value = String(value);
  select.addEventListener("change", () => onChange(select.value));
  label.append(select, errorSlot(key));
  return label;
}

/** Return a button with `text` and a focus key, calling `onClick`. */
export function button(text, key, onClick, className = "") {
  const node = h("button", className, text);
  node.type = "button";
  node.dataset.key = key;
  node.addEventListener("click", onClick);
  return node;
}
