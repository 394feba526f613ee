// The drawing pad of `network_maps`: 8×8 cells of ink 0–16, drawn with a mouse or a finger
// (a stroke that starts on a blank cell inks, one that starts on an inked cell erases) or with
// the keyboard (arrow keys move, Space or Enter inks or clears the focused cell). Each changed
// cell sends the whole drawing; the pad shows the learner's ink at once and takes the server's
// pixels back whenever no stroke is under way.

import { button, h } from "../_common/_grid.js";
import { errorSlot, fieldset } from "../_common/_parts.js";

const SIDE = 8;
const FULL = 16;
const MOVES = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };

/** Return the pad for `model`: { box, update() }. */
export function padView(model) {
  let pixels = model.get("pixels").map((row) => [...row]);
  let stroke = null;  // the ink a pointer stroke sets, or null between strokes
  const grid = h("div", "cs-nm-pad");
  grid.setAttribute("role", "grid");
  grid.setAttribute("aria-label", "drawing pad, 8 by 8 cells: arrow keys move, Space inks or clears a cell");
  const cells = [];
  for (let r = 0; r < SIDE; r += 1) {
    const row = grid.appendChild(h("div", "cs-nm-pad-row"));
    row.setAttribute("role", "row");
    for (let c = 0; c < SIDE; c += 1) {
      const cell = h("button", "cs-nm-pix");
      cell.type = "button";
      cell.dataset.r = r;
      cell.dataset.c = c;
      cell.dataset.key = `pad:${r},${c}`;
      cell.tabIndex = r === 0 && c === 0 ? 0 : -1;
      cell.addEventListener("click", (event) => { if (event.detail === 0) toggle(r, c); });
      const place = h("div", "cs-nm-pad-cell");
      place.setAttribute("role", "gridcell");  // a pressed button inside a gridcell, as the grid pattern allows
      place.append(cell);
      row.append(place);
      cells.push(cell);
    }
  }

  const at = (r, c) => cells[r * SIDE + c];
  const show = () => cells.forEach((cell) => {
    const ink = pixels[cell.dataset.r][cell.dataset.c];
    cell.style.setProperty("--ink", String(ink));
    cell.setAttribute("aria-label", `drawing [${cell.dataset.r}, ${cell.dataset.c}]: ${ink === 0 ? "blank" : `ink ${ink} of 16`}`);
    cell.setAttribute("aria-pressed", String(ink > 0));
  });
  const send = () => {
    model.set("inputs", { ...model.get("inputs"), pixels: pixels.map((row) => [...row]), example: null });
    model.save_changes();
  };
  const set = (r, c, ink) => {
    if (pixels[r][c] === ink) return;
    pixels[r][c] = ink;
    show();
    send();
  };
  const toggle = (r, c) => set(r, c, pixels[r][c] > 0 ? 0 : FULL);
  const cellUnder = (event) => document.elementFromPoint(event.clientX, event.clientY)?.closest(".cs-nm-pix");

  grid.addEventListener("pointerdown", (event) => {
    const cell = cellUnder(event);
    if (!cell || !grid.contains(cell)) return;
    event.preventDefault();
    cell.focus({ preventScroll: true });
    const [r, c] = [Number(cell.dataset.r), Number(cell.dataset.c)];
    stroke = pixels[r][c] > 0 ? 0 : FULL;
    grid.setPointerCapture?.(event.pointerId);
    set(r, c, stroke);
  });
  grid.addEventListener("pointermove", (event) => {
    if (stroke === null) return;
    const cell = cellUnder(event);
    if (cell && grid.contains(cell)) set(Number(cell.dataset.r), Number(cell.dataset.c), stroke);
  });
  for (const end of ["pointerup", "pointercancel", "lostpointercapture"]) {
    grid.addEventListener(end, () => { stroke = null; });
  }
  grid.addEventListener("keydown", (event) => {
    const from = event.target.closest?.(".cs-nm-pix");
    if (!from || !(event.key in MOVES)) return;
    const r = Number(from.dataset.r) + MOVES[event.key][0];
    const c = Number(from.dataset.c) + MOVES[event.key][1];
    if (r < 0 || c < 0 || r >= SIDE || c >= SIDE) return;
    event.preventDefault();
    from.tabIndex = -1;
    at(r, c).tabIndex = 0;
    at(r, c).focus();
  });

  const clear = button("Clear the pad", "clear", () => {
    pixels = pixels.map((row) => row.map(() => 0));
    show();
    send();
  });
  const box = fieldset("Draw a digit", grid, h("p", "cs-caption", "drag to ink (start on an inked cell to erase); keyboard: arrows and Space. "
    + "Each change runs the network on convscope's engine: a page exported without it can show the held-out digits only."), clear, errorSlot("pixels"));
  box.classList.add("cs-nm-drawbox");
  show();
  return {
    box,
    update() {
      if (stroke !== null) return;  // the learner is mid-stroke: their ink is newer
      pixels = model.get("pixels").map((row) => [...row]);
      show();
    },
  };
}
