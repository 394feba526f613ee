// "Try your own version" under each traced-code section: the learner edits the program and the
// server runs it in its sandbox (POST /api/code/run); the run is drawn by the code_trace
// widget's own render(), so it looks exactly like the lesson's trace above it.
//
// This module sits beside the widget rather than inside it: it runs before host.js (the page
// loads it first), reads each code_trace placeholder's program from its state while it is
// still there, and adds its box after the placeholder. When the server does not run edited
// code (a network address without --allow-code), the box says so instead of offering to run.

import codeTrace from "../widgets/code_trace/code_trace.js";
import { button, h } from "../widgets/_common/_grid.js";

const PLACEHOLDERS = [...document.querySelectorAll('.cs-widget[data-widget="code_trace"]')];
const PROGRAMS = PLACEHOLDERS.map((el) => {
  const state = JSON.parse(el.querySelector("script.cs-state")?.textContent ?? "null");
  // A teacher's program may end in a call (`call = "f(2)"`): the edited version runs it too.
  return state && { el, source: state.lines.map((line) => line.text).join("\n") + "\n", call: state.inputs?.call ?? null };
}).filter(Boolean);

function storageKey(el) { return `convscope:code:${location.pathname}:${el.id}`; }

function recalled(el) {
  try { return localStorage.getItem(storageKey(el)); } catch { return null; }
}

function remember(el, text, original) {
  try {
    if (text === original) localStorage.removeItem(storageKey(el));
    else localStorage.setItem(storageKey(el), text);
  } catch { /* storage may be off (private mode); the box still works */ }
}

/** A read-only model with anywidget's methods: enough for the widget to draw one run. */
function fixedModel(state) {
  return { get: (key) => state[key], set() {}, on() {}, off() {}, save_changes: async () => {} };
}

async function runStatus() {
  try {
    const response = await fetch("/api/code/status");
    if (response.ok) return await response.json();
  } catch { /* no server behind this page */ }
  return { enabled: false, detail: "running edited code needs `convscope serve`" };
}

async function run(source, call, slot, result, runButton) {
  slot.textContent = "Running in the sandbox…";
  runButton.disabled = true;
  try {
    const response = await fetch("/api/code/run", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ source, call }),
    });
    const body = await response.json();
    if (!response.ok) { slot.textContent = body.detail; return; }
    slot.textContent = body.stopped ?? (body.error ? "It ended with an error (shown below)." : "It ran to the end.");
    codeTrace.render({ model: fixedModel({ ...body, inputs: { line: 0 } }), el: result });
  } catch (error) {
    slot.textContent = `The server did not answer: ${error.message}`;
  } finally {
    runButton.disabled = false;
  }
}

function editor({ el, source, call }, status) {
  const box = h("section", "cs-code-edit");
  box.setAttribute("aria-label", "try your own version of this program");
  box.append(h("h3", "", "Try your own version"));
  const slot = h("p", "cs-caption");
  slot.setAttribute("role", "status");
  if (!status.enabled) {
    slot.textContent = `Editing and running this code is off here: ${status.detail}.`;
    box.append(slot);
    return box;
  }
  // The server words what its sandbox keeps on this computer (GET /api/code/status).
  box.append(h("p", "cs-caption", status.detail));
  const text = h("textarea", "cs-code-input");
  text.value = recalled(el) ?? source;
  text.spellcheck = false;
  text.rows = Math.min(24, source.split("\n").length + 1);
  text.setAttribute("aria-label", "the program, editable");
  const result = h("div", "cs-code-result");
  const runButton = button("Run my version", "code-run", () => run(text.value, call, slot, result, runButton));
  const reset = button("Back to the lesson's code", "code-reset", () => {
    text.value = source;
    remember(el, source, source);
    result.replaceChildren();
    slot.textContent = "";
  });
  text.addEventListener("input", () => remember(el, text.value, source));
  const controls = h("div", "cs-controls");
  controls.append(runButton, reset);
  box.append(text, controls, slot, result);
  return box;
}

if (PROGRAMS.length) {
  runStatus().then((status) => {
    for (const program of PROGRAMS) {
      // A teacher's program that raised has its mistake boxed right under it: keep them together.
      let anchor = program.el;
      while (anchor.nextElementSibling?.classList.contains("cs-directive-error")) anchor = anchor.nextElementSibling;
      anchor.after(editor(program, status));
    }
  });
}
