// Small building blocks shared by the second lesson's widgets: framed control groups, error
// slots the host fills, a photo picker, pictures, and copies of edited grids. Nothing here
// computes a number that is shown; the server sends every value already written out.

import { button, choice, errorSlot, h, numberGrid, panel } from "./_grid.js";
import { markStale } from "./_stale.js";

export { errorSlot };

/** Return a <fieldset> titled `legendText` holding `children`. */
export function fieldset(legendText, ...children) {
  const box = h("fieldset");
  box.append(h("legend", "", legendText), ...children);
  return box;
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

/** Return the "Output size" box: the server's formula for rows and columns, filled in. */
export function sizeBox(size) {
  const box = h("div", "cs-size");
  box.append(h("h3", "", "Output size"));
  const lines = h("p", "cs-formula");
  lines.append(`rows ${size.rows}`, h("br"), `columns ${size.cols}`);
  box.append(lines);
  return box;
}

/** Return a titled panel of the state's grid `key`; typing a number sends `inputs[key]` back. */
export function editableGrid(model, key, title, caption = "type to change a number") {
  const grid = numberGrid(model.get(key), {
    role: key, name: key, kind: "input",
    onEdit: (r, c, value) => {
      const changed = withCell(model.get("inputs")[key], r, c, value);
      if (changed) send(model, { [key]: changed });
    },
  });
  const shown = panel(title, caption);
  shown.slot.append(grid);
  shown.box.append(errorSlot(key));
  return { box: shown.box, grid };
}

/** Send `changes` merged into the model's inputs to the server. */
export function send(model, changes) {
  model.set("inputs", { ...model.get("inputs"), ...changes });
  model.save_changes();
}

/** Return `node` tagged as a result: the part a refused change marks out of date. */
export function result(node) {
  node.dataset.result = "";
  return node;
}

/**
 * Return `content` in a box that scrolls sideways on a narrow screen: a keyboard stop named
 * `label` (the arrow keys scroll it) that, while it is wider than the screen, gets a dashed
 * edge and a line under it saying so, so nothing is cut off without a sign.
 */
export function scrollRegion(content, label) {
  const box = h("div", "cs-term-scroll");
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  box.setAttribute("aria-label", label);
  box.append(content);
  const hint = h("p", "cs-scroll-hint", "↔ this table scrolls sideways");
  hint.setAttribute("aria-hidden", "true");  // the region's name already says it scrolls
  const watch = new ResizeObserver(() => {
    if (!box.isConnected) { watch.disconnect(); hint.remove(); return; }
    const cut = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("cs-scrolls", cut);
    if (cut && !hint.isConnected) box.after(hint);
    if (!cut) hint.remove();
  });
  watch.observe(box);
  return box;
}

/**
 * Return a stop function after making every refusal of a change mark `el`'s results (tagged by
 * `result`) out of date, the way `_stale.js` marks them: the controls keep the learner's values,
 * the refusal sits by its control (the host puts it there), the old results are greyed and
 * described as out of date, and the widget's next redraw replaces them, marks and all.
 */
export function staleOnRefusal(model, el) {
  const mark = () => {
    const results = [...el.querySelectorAll("[data-result]")];
    if (results.length) markStale(el, results, { noteBefore: noteBefore(el, results) });
  };
  model.on("error", mark);
  return () => model.off("error", mark);
}

/**
 * Return a stop function after making every refusal stop the widget's animation (`stop`) and
 * disable the buttons of its player (`.cs-player`: Play, Step…) until the next state redraws
 * them: an animation never steps through results that no longer match the controls.
 */
export function playersWaitOnRefusal(model, el, stop) {
  const freeze = () => {
    stop();
    for (const control of el.querySelectorAll(".cs-player button")) {
      control.disabled = true;
      control.title = "Out of date: correct the refused value first";
    }
  };
  model.on("error", freeze);
  return () => model.off("error", freeze);
}

// The note goes between the widget's blocks, never inside a row of panels: before the first
// result that is a block of its own, or else before the block holding the first result.
function noteBefore(el, results) {
  const own = results.find((node) => node.parentElement === el);
  if (own) return own;
  let block = results[0];
  while (block.parentElement && block.parentElement !== el) block = block.parentElement;
  return block;
}

/**
 * Scroll the explanation of a chosen cell into view, only as far as needed: on a phone it sits
 * below the grids, off the screen (the page's reduced-motion choice decides the scroll's style).
 */
export function showExplanation(node) {
  node?.scrollIntoView({ block: "nearest" });
}

/** Return `render` that also marks the widget's results out of date on every refusal. */
export function withStaleMarks(render) {
  return ({ model, el }) => {
    const stop = render({ model, el });
    const unmark = staleOnRefusal(model, el);
    return () => { stop?.(); unmark(); };
  };
}
