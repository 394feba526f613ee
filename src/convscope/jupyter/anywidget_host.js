// The notebook's host for a convscope widget: anywidget's model, seen as the page's model.
//
// Python keeps the widget's whole state in one synced trait, `state`, because the input
// traitlets (`input`, `kernel`, `stride` …) share names with state keys of another meaning
// (`input` as numbers to type, `input` as the text grid shown). This adapter gives the widget
// module the same narrow model the web page's host gives it: get/set/on/off/save_changes over
// the state's keys. save_changes sends `inputs` to Python, which runs the widget's builder and
// answers with a new `state`, or with `refusal` ({detail, field}) shown next to the control.

import widget from "__WIDGET_MODULE__";

function showRefusal(el, refusal) {
  for (const slot of el.querySelectorAll("[data-error-for]")) slot.textContent = "";
  if (!refusal) return;
  let slot = el.querySelector(`[data-error-for="${refusal.field}"]`)
    ?? el.querySelector('[data-error-for="*"]');
  if (!slot) {
    slot = document.createElement("p");
    slot.className = "cs-error-box";
    slot.dataset.errorFor = "*";
    el.append(slot);
  }
  slot.textContent = refusal.detail;
}

function pageModel(model, el) {
  const handlers = new Map();  // the widget's callback → the one registered on anywidget's model
  let pending = {};
  const current = () => ({ ...model.get("state"), ...pending });
  return {
    get: (key) => current()[key],
    set: (key, value) => { pending[key] = value; },
    on(event, callback) {
      const wrapped = event.startsWith("change:")
        ? () => callback(model.get("state")[event.slice(7)])
        : () => callback(model.get("state"));
      handlers.set(callback, wrapped);
      model.on(event === "error" || event === "saved" ? `msg:${event}` : "change:state", wrapped);
    },
    off(event, callback) {
      if (!callback) { model.off("change:state"); handlers.clear(); return; }
      model.off("change:state", handlers.get(callback));
      handlers.delete(callback);
    },
    async save_changes() {
      const inputs = pending.inputs;
      pending = {};
      if (inputs === undefined) return;
      model.set("inputs", inputs);
      model.save_changes();
    },
  };
}

function render({ model, el }) {
  const view = pageModel(model, el);
  const refused = () => showRefusal(el, model.get("refusal"));
  model.on("change:refusal", refused);
  model.on("change:state", () => showRefusal(el, null));
  const cleanup = widget.render({ model: view, el });
  return () => {
    model.off("change:refusal", refused);
    if (typeof cleanup === "function") cleanup();
  };
}

export default { render };
