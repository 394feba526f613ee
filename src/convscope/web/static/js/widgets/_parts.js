// Small building blocks shared by the second lesson's widgets: framed control groups, error
// slots the host fills, a photo picker, pictures, and copies of edited grids. Nothing here
// computes a number that is shown; the server sends every value already written out.

import { button, choice, h } from "./_grid.js";

/** Return a <fieldset> titled `legendText` holding `children`. */
export function fieldset(legendText, ...children) {
  const box = h("fieldset");
  box.append(h("legend", "", legendText), ...children);
  return box;
}

/** Return the <output> where the host writes a server error about `field` ("*" for any). */
export function errorSlot(field) {
  const slot = h("output", "cs-field-error");
  slot.dataset.errorFor = field;
  return slot;
}

/** Return a <select> of the bundled photographs. */
export function photoChoice(names, value, onChange) {
  return choice("photo", "photo", names.map((n) => [n, n]), value, onChange);
}

/** Return a <figure> with a picture drawn from `src` and a caption. */
export function picture(src, caption, alt, className = "") {
  const figure = h("figure", `cs-picture ${className}`.trim());
  const image = h("img");
  image.src = src;
  image.alt = alt;
  figure.append(image, h("figcaption", "", caption));
  return figure;
}

/** Return a copy of `grid` with cell (r, c) set to `value`, or null when nothing changes. */
export function withCell(grid, r, c, value) {
  if (grid[r][c] === value) return null;
  const copy = grid.map((row) => [...row]);
  copy[r][c] = value;
  return copy;
}

/** Return `grid` cut or extended with zeros to `rows` × `cols`. */
export function resized(grid, rows, cols) {
  return Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => grid[r]?.[c] ?? 0));
}

/** Return the numbers from..to as [value, text] choices. */
export function numberChoices(from, to, text = (n) => String(n)) {
  return Array.from({ length: to - from + 1 }, (_, k) => [from + k, text(from + k)]);
}

/** Return the "reset to the lesson's example" button for `model`, whose first inputs were `initial`. */
export function resetButton(model, initial, before = () => {}) {
  return button("Reset to the lesson's example", "reset", () => {
    before();
    model.set("inputs", structuredClone(initial));
    model.save_changes();
  });
}

/** Send `changes` merged into the model's inputs to the server. */
export function send(model, changes) {
  model.set("inputs", { ...model.get("inputs"), ...changes });
  model.save_changes();
}
