// The page's host for widgets: the narrow part of anywidget's model that widgets use.
//
// Each placeholder `.cs-widget[data-widget][data-module]` carries its initial state as JSON.
// The host imports the widget's module from /static/<data-module> (the module's address in
// convscope.widgets.assets: widgets/<name>/<name>.js), builds a model from that state and
// calls `render({ model, el })`. `model.save_changes()` sends the model's `inputs` to
// POST /api/widgets/<name>; the server's answer replaces the state and fires change events.
// Errors from the server go next to the control they name (an element with
// `data-error-for="<field>"` inside the widget), in the server's own words.
//
// In a page written by `convscope export` there is no server: the page carries the widget
// modules as data: URLs (#cs-static-modules) and, in each placeholder, the states computed
// ahead of time (script.cs-variants: {shared, states}, states keyed by the inputs' canonical
// JSON, parts repeated between states written once in `shared` and referred to as
// {"$shared": index}; inputs the widget refuses map to {refused: {detail, field}}, the
// server's answer). save_changes looks
// the new inputs up there; inputs nobody computed get a plain note that they need the engine.

import "./reading_aids.js";  // the page's contents and its marked scrollers

const BUSY_AFTER_MS = 150;
const STATIC_MODULES = readJson(document.getElementById("cs-static-modules"));
const NEEDS_SERVER = "This exported page holds the lesson's own examples only; trying new "
  + "values needs convscope's engine: run `convscope serve` and open the lesson there.";

function readJson(node) { return node ? JSON.parse(node.textContent) : null; }

/** Return `value` with each {"$shared": index} replaced by a copy of that shared part. */
function expand(value, shared) {
  if (Array.isArray(value)) return value.map((item) => expand(item, shared));
  if (!value || typeof value !== "object") return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === "$shared") return structuredClone(shared[value.$shared]);
  return Object.fromEntries(keys.map((key) => [key, expand(value[key], shared)]));
}

/** Return `value` as JSON with sorted keys: the exporter's key for a set of inputs. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * @typedef {Object} Model
 * @property {(key: string) => any} get
 * @property {(key: string, value: any) => void} set
 * @property {(event: string, callback: Function) => void} on
 * @property {(event: string, callback?: Function) => void} off
 * @property {() => Promise<void>} save_changes
 */

class HostModel {
  constructor(name, state, el, variants = null) {
    this.name = name;
    this.state = state;
    this.el = el;
    this.variants = variants;
    this.confirmed = structuredClone(state.inputs ?? {});
    this.handlers = new Map();
    this.dirty = new Set();
    this.sequence = 0;
    this.controller = null;
  }

  get(key) { return this.state[key]; }

  set(key, value) {
    this.state[key] = value;
    this.dirty.add(key);
  }

  on(event, callback) {
    if (!this.handlers.has(event)) this.handlers.set(event, new Set());
    this.handlers.get(event).add(callback);
  }

  off(event, callback) {
    if (!event) { this.handlers.clear(); return; }
    if (!callback) { this.handlers.delete(event); return; }
    this.handlers.get(event)?.delete(callback);
  }

  emit(event, value) {
    for (const callback of this.handlers.get(event) ?? []) callback(value);
  }

  replace(state) {
    this.state = state;
    this.confirmed = structuredClone(state.inputs ?? {});
    for (const key of Object.keys(state)) this.emit(`change:${key}`, state[key]);
    this.emit("change", state);
  }

  async save_changes() {
    if (!this.dirty.has("inputs")) { this.dirty.clear(); return; }
    this.dirty.clear();
    const inputs = this.state.inputs;
    const answer = await this.request(inputs);
    if (answer === null) return;
    if (answer.ok) {
      showError(this.el, null);
      this.replace(answer.state);
      this.emit("saved", inputs);
    } else {
      showError(this.el, answer.error);
      this.emit("error", answer.error);
    }
  }

  // An exported page's answer: a state computed ahead of time, or a note naming the field.
  precomputed(inputs) {
    const packed = this.variants.states?.[canonical(inputs)];
    if (packed?.refused) return { ok: false, error: packed.refused };  // the server's words
    if (packed) return { ok: true, state: expand(packed, this.variants.shared) };
    const before = this.confirmed;
    const field = Object.keys(inputs).find((key) => canonical(inputs[key]) !== canonical(before[key]));
    return { ok: false, error: { detail: NEEDS_SERVER, field: field ?? null } };
  }

  async request(inputs) {
    if (this.variants) return this.precomputed(inputs);
    const sequence = ++this.sequence;
    this.controller?.abort();
    this.controller = new AbortController();
    const busy = setTimeout(() => this.el.setAttribute("aria-busy", "true"), BUSY_AFTER_MS);
    try {
      const response = await fetch(`/api/widgets/${this.name}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(inputs),
        signal: this.controller.signal,
      });
      const body = await response.json();
      if (sequence !== this.sequence) return null;  // a newer request answers instead
      return response.ok ? { ok: true, state: body } : { ok: false, error: body };
    } catch (error) {
      if (error.name === "AbortError") return null;
      return { ok: false, error: { detail: `The server did not answer: ${error.message}`, field: null } };
    } finally {
      clearTimeout(busy);
      if (sequence === this.sequence) this.el.removeAttribute("aria-busy");
    }
  }
}

function showError(el, error) {
  for (const slot of el.querySelectorAll("[data-error-for]")) slot.textContent = "";
  if (!error) return;
  let slot = el.querySelector(`[data-error-for="${error.field}"]`)
    ?? el.querySelector('[data-error-for="*"]');
  if (!slot) {  // a widget without error slots still shows the words, at its foot
    slot = document.createElement("p");
    slot.className = "cs-error-box";
    slot.dataset.errorFor = "*";
    slot.setAttribute("role", "status");
    el.append(slot);
  }
  slot.textContent = error.detail;
}

// ---- state that survives a reload: the inputs a learner changed, per widget, per page ----

function storageKey(el) { return `convscope:${location.pathname}:${el.id}`; }

function remember(el, inputs, initial) {
  try {
    if (JSON.stringify(inputs) === JSON.stringify(initial)) localStorage.removeItem(storageKey(el));
    else localStorage.setItem(storageKey(el), JSON.stringify(inputs));
  } catch { /* storage may be off (private mode); the page still works */ }
}

function recalled(el) {
  try { return JSON.parse(localStorage.getItem(storageKey(el)) ?? "null"); } catch { return null; }
}

async function mount(el) {
  const name = el.dataset.widget;
  const state = JSON.parse(el.querySelector("script.cs-state").textContent);
  const initial = structuredClone(state.inputs);
  const variants = STATIC_MODULES ? readJson(el.querySelector("script.cs-variants")) ?? {} : null;
  const url = STATIC_MODULES ? STATIC_MODULES[el.dataset.module] : `/static/${el.dataset.module}`;
  const module = await import(url);
  el.replaceChildren();
  const model = new HostModel(name, state, el, variants);
  module.default.render({ model, el });
  model.on("saved", (inputs) => remember(el, inputs, initial));
  const saved = recalled(el);
  if (saved && JSON.stringify(saved) !== JSON.stringify(initial)) {
    const answer = await model.request(saved);
    if (answer?.ok) model.replace(answer.state);
    else remember(el, initial, initial);  // what was stored no longer fits this lesson: drop it
  }
}

function mountAll() {
  for (const el of document.querySelectorAll(".cs-widget[data-widget]")) {
    mount(el).catch((error) => {
      el.innerHTML = "";
      const box = document.createElement("p");
      box.className = "cs-error-box";
      box.textContent = `This widget could not start: ${error.message}`;
      el.append(box);
      console.error(error);
    });
  }
}

mountAll();
