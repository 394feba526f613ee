// The `first_filters` widget: the digits network's eight learned conv1 filters, each as a
// picture (green positive, red negative, stronger = larger) and as numbers, beside the
// catalogue's 3×3 kernels; choose a filter to see every kernel ranked by how alike they are.
// The server sends every number, shade and cosine.

import { appendEquation, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { errorSlot, result, send, staleOnRefusal } from "../_common/_parts.js";

/** Return `levels` (−4..4 from the server) as a 3×3 picture of coloured squares, for the eye only:
 * the numbers sit beside it. */
function picture(levels) {
  const box = h("div", "cs-ff-picture");
  box.setAttribute("aria-hidden", "true");
  for (const row of levels) {
    for (const level of row) {
      const square = h("span", level > 0 ? "cs-pos" : level < 0 ? "cs-neg" : "cs-zero");
      square.style.setProperty("--level", String(Math.abs(level)));
      box.append(square);
    }
  }
  return box;
}

function numbers(values, name, role) {
  return numberGrid(values, { role, name, small: true, label: (r, c, t) => `${name}[${r}, ${c}]: ${t}` });
}

function draw(model, el) {
  const chosen = model.get("inputs").filter;
  const filters = model.get("filters");
  const strip = h("div", "cs-ff-strip");
  strip.setAttribute("role", "group");
  strip.setAttribute("aria-label", "learned filters of conv1");
  for (const f of filters) {
    const pick = h("button", "cs-ff-pick");
    pick.type = "button";
    pick.dataset.key = `filter-${f.index}`;
    pick.setAttribute("aria-pressed", String(f.index === chosen));
    pick.setAttribute("aria-label", `filter ${f.index}: closest to ${f.closest.flipped ? "minus " : ""}${f.closest.title}`);
    pick.addEventListener("click", () => send(model, { filter: f.index }));
    pick.append(picture(f.levels), h("span", "", `filter ${f.index}`), h("span", "cs-ff-near", `${f.closest.flipped ? "−" : ""}${f.closest.title}`));
    strip.append(pick);
  }
  const f = filters[chosen];
  const best = model.get("ranking")[0];
  const kernel = model.get("catalogue").find((k) => k.name === best.name);
  const row = h("div", "cs-row cs-ff-compare");
  const mine = panel(`Learned filter ${chosen}`, `bias ${f.bias}`);
  mine.slot.append(numbers(f.values, `conv1.weight[${chosen}, 0]`, "kernel"), picture(f.levels));
  const theirs = panel(kernel.title, best.flipped
    ? "from the catalogue (lesson 1's gallery); the filter matches it with every sign flipped"
    : "from the catalogue (lesson 1's gallery)");
  theirs.slot.append(numbers(kernel.values, kernel.name, "kernel"), picture(kernel.levels));
  appendEquation(row, mine.box, "≈", theirs.box);
  const verdict = h("p", "cs-ff-verdict", `Closest: ${best.flipped ? "minus " : ""}${kernel.title}, cosine ${best.cosine} `
    + `(1 would be the same pattern, −1 the same pattern with its signs flipped, 0 nothing in common).`);
  const list = h("ol", "cs-ff-ranking");
  for (const k of model.get("ranking")) list.append(h("li", "", `${k.title}: cosine ${k.cosine}`));
  const ranking = h("details", "cs-ff-all");
  ranking.append(h("summary", "", "Every 3×3 kernel of the catalogue, most alike first"), list);
  const results = result(h("div", "cs-ff-results"));
  results.append(row, verdict, ranking);
  const key = h("p", "cs-caption", "In the pictures green is a positive weight, red a negative one, and a stronger colour a larger size; choose a filter to compare it.");
  keepFocus(el, () => el.replaceChildren(strip, key, errorSlot("filter"), results, errorSlot("*")));
}

export function render({ model, el }) {
  const redraw = () => draw(model, el);
  redraw();
  model.on("change", redraw);
  const unmark = staleOnRefusal(model, el);
  return () => { model.off("change", redraw); unmark(); };
}

export default { render };
