// The `speed` widget: the lesson's loop against convscope.conv2d, as the server timed them.
// Every number and its words come from the state; this module only lays them out and asks
// for a new measurement.

import { button, errorSlot, h } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

/** Return when the measurement finished, in the reader's own date and time format. */
function when(iso) {
  return new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "medium" });
}

/** Return one labelled bar whose length is `seconds` as a share of `longest`. */
function bar(label, ms, seconds, longest, role) {
  const row = h("div", `cs-speed-bar cs-speed-${role}`);
  const track = h("span", "cs-speed-track");
  const fill = h("span", "cs-speed-fill");
  fill.style.width = `${Math.max(100 * seconds / longest, 0.4)}%`;  // a sliver stays visible
  track.append(fill);
  track.setAttribute("aria-hidden", "true");
  row.append(h("span", "cs-speed-label", label), track, h("span", "cs-speed-ms", `${ms} ms`));
  return row;
}

function headline(text) {
  const line = h("p", "cs-speed-headline");
  line.setAttribute("role", "status");
  line.append(
    `On a ${text.image} image with a ${text.kernel} kernel, the loop above took ${text.loop_ms} ms `
      + `and convscope.conv2d took ${text.engine_ms} ms: the engine was `,
    h("strong", "cs-speed-ratio", `${text.speedup}× faster`),
    ".",
  );
  return line;
}

function provenance(measurement, exported) {
  const runs = `Each time is the median of ${measurement.repeats} runs of the loop and `
    + `${4 * measurement.repeats} of conv2d, after one warm-up run each`;
  const note = h("p", "cs-caption cs-speed-when");
  note.textContent = exported
    ? `${runs}, on the computer that exported this page, when it was exported: `
      + `${when(measurement.measured_at)}.`
    : `${runs}, on the computer running convscope: ${when(measurement.measured_at)}.`;
  return note;
}

function againButton(model, el, exported) {
  const again = button("Measure again", "again", () => {
    markStale(el, [...el.querySelectorAll(".cs-speed-headline, .cs-speed-bars")], {
      words: "Out of date: a new measurement was asked for; these times are the last one's.",
    });
    again.disabled = true;
    again.textContent = "Measuring…";
    model.set("inputs", { ...model.get("inputs") });
    model.save_changes();
  });
  const row = h("div", "cs-row cs-speed-again");
  row.append(again);
  if (exported) {
    again.disabled = true;
    const note = h("span", "cs-caption", "Measuring again needs convscope's engine: run ");
    note.append(h("code", "", "convscope serve"), " and open the lesson there.");
    row.append(note);
  }
  row.append(errorSlot("*"));
  return row;
}

function draw(model, el) {
  const measurement = model.get("measurement");
  const text = model.get("text");
  const exported = model.get("exported");
  const longest = Math.max(measurement.loop_seconds, measurement.engine_seconds);
  const bars = h("div", "cs-speed-bars");
  bars.append(
    bar("the loop above", text.loop_ms, measurement.loop_seconds, longest, "loop"),
    bar("convscope.conv2d", text.engine_ms, measurement.engine_seconds, longest, "engine"),
  );
  el.replaceChildren(headline(text), bars, provenance(measurement, exported),
    againButton(model, el, exported));
}

function render({ model, el }) {
  const redraw = () => draw(model, el);
  const ready = () => {  // after a refusal: the button comes back, the server's words stay
    const again = el.querySelector('[data-key="again"]');
    if (again && !model.get("exported")) { again.disabled = false; again.textContent = "Measure again"; }
  };
  redraw();
  model.on("change", redraw);
  model.on("error", ready);
  return () => { model.off("change", redraw); model.off("error", ready); };
}

export default { render };
