// The `inspector` widget: `convscope inspect` on the page. The learner types a stack
// description or chooses a small .onnx file and an input size; the server answers the table
// (every number written out). A refused entry keeps the learner's text with the message
// beside its field, and the old table is marked out of date until a good entry replaces it.

import { button, errorSlot, h, keepFocus } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

const MAX_ONNX_BYTES = 180 * 1024;  // what fits a request; the server checks it too

function send(model, el, changes) {
  markStale(el, [el.querySelector(".cs-inspector-table")]);
  model.set("inputs", { ...model.get("inputs"), ...changes });
  model.save_changes();
}

function labelled(text, control, field) {
  const label = h("label", "cs-inspector-field", text);
  label.append(control, errorSlot(field));
  return label;
}

function form(model, el) {
  const inputs = model.get("inputs");
  const box = h("form", "cs-controls cs-inspector-form");
  const stack = h("textarea", "cs-inspector-stack");
  stack.rows = 3;
  stack.value = inputs.stack;
  stack.dataset.key = "stack";
  stack.spellcheck = false;
  const size = h("input", "cs-number");
  size.value = inputs.input_size;
  size.dataset.key = "input_size";
  size.size = 8;
  const file = h("input", "cs-inspector-file");
  file.type = "file";
  file.accept = ".onnx";
  file.dataset.key = "onnx";
  const inspect = h("button", "cs-primary", "Inspect");
  inspect.type = "submit";
  inspect.dataset.key = "inspect";
  box.append(
    labelled("a stack, layers split by ; (or choose an ONNX file below)", stack, "stack"),
    labelled("input size (N or H,W)", size, "input_size"),
    labelled(`or an ONNX file (up to ${MAX_ONNX_BYTES / 1024} KB, read, never run)`, file, "onnx"),
    inspect,
  );
  if (inputs.onnx !== null) {
    box.append(button(`Back to the typed stack (now: ${inputs.onnx_name || "an ONNX file"})`, "typed", () =>
      send(model, el, { onnx: null, onnx_name: "" })));
  }
  box.addEventListener("submit", (event) => {
    event.preventDefault();
    send(model, el, { stack: stack.value, input_size: size.value.trim(), onnx: null, onnx_name: "" });
  });
  file.addEventListener("change", () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    const slot = box.querySelector("[data-error-for='onnx']");
    if (chosen.size > MAX_ONNX_BYTES) {
      slot.textContent = `${chosen.name} is ${Math.round(chosen.size / 1024)} KB; the page reads ONNX files up to ${MAX_ONNX_BYTES / 1024} KB (run convscope inspect FILE.onnx in a terminal for a larger one)`;
      return;
    }
    const reader = new FileReader();
    reader.addEventListener("load", () => {
      const text = String(reader.result);
      send(model, el, { onnx: text.slice(text.indexOf(",") + 1), onnx_name: chosen.name, input_size: size.value.trim() });
    });
    reader.readAsDataURL(chosen);
  });
  return box;
}

function tableOf(model) {
  const wrap = h("div", "cs-inspector-table");
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "region");
  wrap.setAttribute("aria-label", "the layers, scrolls sideways on a narrow screen");
  const rows = model.get("rows") ?? [];
  const summary = h("p", "cs-caption",
    `${model.get("source")}: input ${model.get("input_shape")} (channels × rows × columns), output ${model.get("output_shape")}`);
  const table = h("table");
  const head = h("tr");
  for (const title of ["#", "layer", "output", "rows", "columns", "dropped", "field", "jump", "parameters", "MACs"]) {
    const th = h("th", "", title);
    th.scope = "col";
    head.append(th);
  }
  const thead = h("thead");
  thead.append(head);
  const body = h("tbody");
  for (const row of rows) {
    const tr = h("tr");
    const name = h("td", "", row.name);
    if (row.inputs.length) name.append(h("small", "cs-caption", ` ← ${row.inputs.join(", ")}`));
    tr.append(h("td", "cs-n", String(row.index)), name, h("td", "", row.output),
      h("td", "cs-formula-cell", row.formulas[0] ?? ""), h("td", "cs-formula-cell", row.formulas[1] ?? ""),
      h("td", "", row.dropped), h("td", "", row.field), h("td", "", row.jump),
      h("td", "cs-n", row.params), h("td", "cs-n", row.macs));
    body.append(tr);
  }
  const foot = h("tfoot");
  const total = h("tr");
  total.append(h("td"), h("td", "", "total"), h("td", "", model.get("output_shape")), h("td"), h("td"), h("td"), h("td"), h("td"),
    h("td", "cs-n", model.get("totals").params), h("td", "cs-n", model.get("totals").macs));
  foot.append(total);
  table.append(thead, body, foot);
  wrap.append(summary, table);
  for (const warning of model.get("warnings") ?? []) wrap.append(h("p", "cs-inspector-warning", `⚠ ${warning}`));
  return wrap;
}

function render({ model, el }) {
  const draw = () => keepFocus(el, () => {
    el.replaceChildren(form(model, el), tableOf(model), errorSlot("*"));
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
