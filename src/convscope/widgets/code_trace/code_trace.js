// The `code_trace` widget: a lesson program with line numbers, coloured by Pygments on the
// server. Clicking a line opens, right under it, the lesson's note and what the code tracer
// recorded when that line ran; a loop line opens one card per pass (its indices, the window,
// the element-wise product and the sum). Nothing here is computed: it is all in the state.

import { button, h, numberGrid } from "../_common/_grid.js";

const SIGN_CLASS = { pos: "cs-pos", neg: "cs-neg", zero: "cs-zero" };

function valueView(name, value) {
  const box = h("div", "cs-value");
  box.append(h("code", "cs-value-name", name));
  if (value?.kind === "grid") {
    box.append(numberGrid(value.grid, {
      role: "products", name, small: true, gridLabel: `${name} (${value.shape})`,
      className: value.signs ? (r, c) => SIGN_CLASS[value.signs[r][c]] : undefined,
    }));
  } else {
    box.append(h("span", "cs-value-text", ` = ${value?.text ?? "?"}`));
  }
  return box;
}

function card(entry, index) {
  const box = h("article", "cs-card");
  box.setAttribute("aria-label", `pass ${entry.pass}: ${entry.title}`);
  box.append(h("h3", "", `${entry.title}`));
  const grids = h("div", "cs-card-values");
  for (const item of entry.values) grids.append(valueView(item.name, item.value));
  box.append(grids);
  if (entry.ended) box.append(h("p", "cs-verdict cs-no", entry.ended));
  box.dataset.index = String(index);
  return box;
}

function loopDetail(loop) {
  const box = h("div");
  box.append(h("p", "cs-caption", `${loop.cards.length} passes through this loop, one card each, in the order they ran:`));
  const cards = h("div", "cs-cards");
  loop.cards.forEach((entry, index) => cards.append(card(entry, index)));
  box.append(cards);
  return box;
}

class Runs {
  constructor(line) { this.line = line; this.shown = 0; }

  element() {
    const box = h("div", "cs-runs");
    const draw = () => box.replaceChildren(...this.parts(draw));
    draw();
    return box;
  }

  parts(redraw) {
    const runs = this.line.runs;
    const run = runs[this.shown];
    const head = h("div", "cs-controls cs-run-head");
    head.append(h("span", "cs-caption", runs.length === 1 ? "It ran once" : `Run ${this.shown + 1} of ${runs.length}`));
    if (runs.length > 1) {
      const move = (by) => { this.shown = (this.shown + by + runs.length) % runs.length; redraw(); };
      head.append(button("◀ previous", "run-previous", () => move(-1)), button("next ▶", "run-next", () => move(1)));
    }
    const values = h("div", "cs-card-values");
    for (const change of run.changes) values.append(valueView(change.name, change.value));
    if (run.returned) values.append(valueView("returned", run.returned));
    if (!values.children.length) values.append(h("p", "cs-caption", "It changed no variable."));
    return [head, values];
  }
}

function detail(line) {
  const box = h("div", "cs-line-detail");
  box.id = `line-detail-${line.number}`;
  if (line.note) box.append(h("p", "cs-note", line.note));
  if (line.loop) box.append(loopDetail(line.loop));
  else if (line.runs.length) box.append(new Runs(line).element());
  else box.append(h("p", "cs-caption", "Nothing ran on this line by itself (a blank line, a comment, or part of a longer statement above)."));
  return box;
}

let describedLines = 0;  // ids for the descriptions, unique on a page with several listings

/** Return the hidden words a screen reader adds after a line's code: its note, its passes. */
function lineDescription(line) {
  const runs = line.loop ? `${line.loop.cards.length} passes` : line.runs.length > 1 ? `ran ${line.runs.length} times` : "";
  const words = [line.note ? "has a note" : "", runs].filter(Boolean).join(", ");
  if (!words) return null;
  const description = h("span", "", words);
  description.id = `cs-line-about-${++describedLines}`;
  description.hidden = true;
  return description;
}

// The button is named by what it shows, "line 3: for i in range(…)", so a screen reader reads
// the code; the note and the passes are its description.
function lineButton(line, selected, onSelect) {
  const row = h("button", "cs-line");
  row.type = "button";
  row.dataset.key = `line-${line.number}`;
  row.dataset.line = String(line.number);
  row.setAttribute("aria-expanded", String(selected));
  const code = h("code", "cs-line-code");
  code.innerHTML = line.html || " ";  // Pygments' HTML from the server, escaped there
  const mark = h("span", "cs-line-mark", line.loop ? "▸" : line.note ? "•" : "");
  mark.setAttribute("aria-hidden", "true");
  const number = h("span", "cs-lineno");
  number.append(h("span", "cs-sr", "line "), String(line.number), h("span", "cs-sr", ": "));
  row.append(number, mark, code);
  const description = lineDescription(line);
  if (description) {
    row.append(description);
    row.setAttribute("aria-describedby", description.id);
  }
  row.addEventListener("click", () => onSelect(selected ? null : line.number));
  return row;
}

function listing(model, selected, onSelect) {
  const box = h("div", "cs-code-lines cs-code");
  box.setAttribute("role", "group");
  box.setAttribute("aria-label", `${model.get("filename")}, one button per line`);
  for (const line of model.get("lines")) {
    box.append(lineButton(line, line.number === selected, onSelect));
    if (line.number === selected) box.append(detail(line));
  }
  box.addEventListener("keydown", (event) => moveBetweenLines(box, event));
  return box;
}

function moveBetweenLines(box, event) {
  const step = { ArrowDown: 1, ArrowUp: -1 }[event.key];
  if (!step || !event.target.classList.contains("cs-line")) return;
  const lines = [...box.querySelectorAll(".cs-line")];
  const next = lines[lines.indexOf(event.target) + step];
  if (next) { event.preventDefault(); next.focus(); }
}

function printed(model) {
  const box = h("div", "cs-printed");
  if (model.get("stdout")) {
    box.append(h("p", "cs-caption", "What the program printed:"), h("pre", "cs-stdout", model.get("stdout")));
  }
  const error = model.get("error");
  const where = error?.line ? ` on line ${error.line} of ${model.get("filename")}` : "";
  if (error) box.append(h("p", "cs-verdict cs-no", `It stopped with ${error.type}${where}: ${error.message}`));
  if (model.get("stopped")) box.append(h("p", "cs-verdict cs-no", model.get("stopped")));
  return box;
}

function render({ model, el }) {
  let selected = model.get("inputs").line || null;
  const draw = () => {
    const focusedLine = el.contains(document.activeElement) ? document.activeElement.dataset.line : undefined;
    el.replaceChildren(h("p", "cs-caption", `${model.get("filename")}: click a line (or use Tab, ↑ ↓ and Enter). • a note, ▸ a loop with one card per pass`),
      listing(model, selected, (number) => { selected = number; draw(); }), printed(model));
    if (focusedLine) el.querySelector(`.cs-line[data-line="${focusedLine}"]`)?.focus({ preventScroll: true });
  };
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
