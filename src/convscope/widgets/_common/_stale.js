// Results that no longer match their controls: marked out of date, never shown as current.
//
// A widget calls `markStale(el, regions)` as it sends new inputs. If no new state has redrawn
// those regions a moment later (the server refused the inputs, or is still working), each one
// still on the page is greyed, struck out for a screen reader (aria-describedby a note that
// says "Out of date"), and a visible note says why. The next state the widget draws replaces
// the regions, or `clearStale(el)` undoes the marks, so a current result is never marked.
// The learner's values stay in the controls and the host puts its message beside the control.

const DELAY_MS = 250;  // a normal answer arrives first: no flicker on every keystroke
let counter = 0;

export const STALE_WORDS = "Out of date: these results are for the last values that worked. "
  + "Correct the value whose message is shown in red, or choose another, to bring them up to date.";

/**
 * Mark `regions` (elements inside `el`) out of date unless a new state redraws them first.
 * The note goes before `options.noteBefore` (default: the first region), so it can sit
 * outside a row of panels; `options.words` replaces its words.
 */
export function markStale(el, regions, options = {}) {
  const marked = regions.filter(Boolean);
  for (const region of marked) region.dataset.staleSince = String(Date.now());
  setTimeout(() => {
    const still = marked.filter((region) => region.isConnected && region.dataset.staleSince);
    if (!still.length) return;
    const before = options.noteBefore?.isConnected ? options.noteBefore : still[0];
    showStale(el, still, before, options.words ?? STALE_WORDS);
  }, DELAY_MS);
}

function showStale(el, regions, before, words) {
  let note = el.querySelector(":scope .cs-stale-note");
  if (!note) {
    note = document.createElement("p");
    note.className = "cs-stale-note";
    note.id = `cs-stale-${++counter}`;
    note.setAttribute("role", "status");
    Object.assign(note.style, {
      margin: "0.4rem 0", padding: "0.3rem 0.6rem", borderLeft: "4px solid currentColor",
      fontWeight: "600",
    });
    before.before(note);
  }
  note.textContent = words;
  for (const region of regions) {
    region.classList.add("cs-stale");
    region.dataset.stale = "true";
    region.setAttribute("aria-describedby", note.id);
    Object.assign(region.style, { opacity: "0.35", filter: "grayscale(1)" });
  }
}

/** Remove every out-of-date mark inside `el` (its results are current again). */
export function clearStale(el) {
  for (const note of el.querySelectorAll(".cs-stale-note")) note.remove();
  for (const region of el.querySelectorAll("[data-stale-since], .cs-stale")) {
    delete region.dataset.staleSince;
    delete region.dataset.stale;
    region.classList.remove("cs-stale");
    region.removeAttribute("aria-describedby");
    region.style.opacity = "";
    region.style.filter = "";
  }
}

/** Return whether `region` is marked out of date. */
export function isStale(region) {
  return region?.dataset.stale === "true";
}
