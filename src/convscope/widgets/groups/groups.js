// The `groups` widget: a slider for `groups` on a small layer, the channel connections drawn
// (one line per weight slice), the parameter and multiply-accumulate counts live, and the
// depthwise-separable pair next to one full convolution. Every count, shape and connection
// arrives from the server; this module only draws them.

import { choice, errorSlot, h, keepFocus } from "../_common/_grid.js";
import { fieldset, numberChoices, resetButton, scrollRegion, send } from "../_common/_parts.js";
import { mounted, staleNote, svg } from "../signal_1d/_beyond.js";

const SIZES = [8, 16, 32, 64, 112, 224];
const GAP = 34, WIDTH = 300, TOP = 24;

class Groups {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
  }

  draw() {
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), staleNote(), this.results(), errorSlot("*")));
  }

  controls() {
    const model = this.model;
    const inputs = model.get("inputs");
    const box = h("div", "cs-controls");
    const channels = fieldset("Layer",
      choice("input channels", "in_channels", numberChoices(1, 8), inputs.in_channels, (v) => send(model, { in_channels: +v, groups: 1 })),
      choice("output channels", "out_channels", numberChoices(1, 8), inputs.out_channels, (v) => send(model, { out_channels: +v, groups: 1 })),
      choice("kernel", "kernel_size", numberChoices(1, 5, (n) => `${n}×${n}`), inputs.kernel_size, (v) => send(model, { kernel_size: +v })),
      choice("input size", "input_size", SIZES.map((n) => [n, `${n}×${n}`]), inputs.input_size, (v) => send(model, { input_size: +v })));
    box.append(this.slider(), channels, resetButton(model, this.initial));
    return box;
  }

  slider() {
    const model = this.model;
    const inputs = model.get("inputs");
    const stops = model.get("group_choices");
    const label = h("label", "cs-groups-slider");
    const shown = h("span", "cs-groups-value", `groups = ${inputs.groups}`);
    const range = h("input");
    range.type = "range";
    range.min = "0";
    range.max = String(stops.length - 1);
    range.step = "1";
    range.value = String(Math.max(0, stops.indexOf(inputs.groups)));
    range.dataset.key = "groups";
    range.setAttribute("aria-valuetext", `groups ${inputs.groups}`);
    range.disabled = stops.length < 2;
    range.addEventListener("input", () => { shown.textContent = `groups = ${stops[+range.value]}`; });
    range.addEventListener("change", () => send(model, { groups: stops[+range.value] }));
    const ticks = h("span", "cs-caption", `stops: ${stops.join(" · ")} (the numbers that divide both channel counts)`);
    label.append(shown, range, ticks, errorSlot("groups"));
    return label;
  }

  results() {
    const model = this.model;
    const box = h("div", "cs-results");
    const row = h("div", "cs-row");
    row.append(this.connections(), this.counts());
    box.append(row, this.separable());
    return box;
  }

  connections() {
    const model = this.model;
    const { in_channels: cIn, out_channels: cOut } = model.get("inputs");
    const height = TOP + Math.max(cIn, cOut) * GAP;
    const y = (index, count) => TOP + GAP / 2 + index * GAP + ((Math.max(cIn, cOut) - count) * GAP) / 2;
    const figure = svg("svg", { viewBox: `0 0 ${WIDTH} ${height}`, class: "cs-groups-figure", width: WIDTH, height, role: "img",
      "aria-label": `${model.get("connections").length} connections between ${cIn} input and ${cOut} output channels` });
    const heading = (x, text, anchor) => { const t = svg("text", { x, y: 14, class: "cs-groups-head", "text-anchor": anchor }); t.textContent = text; figure.append(t); };
    heading(8, "input channels", "start");
    heading(WIDTH - 8, "output channels", "end");
    for (const [i, o] of model.get("connections")) {
      figure.append(svg("line", { class: `cs-link cs-group-${model.get("output_group")[o] % 4}`, x1: 70, y1: y(i, cIn), x2: WIDTH - 70, y2: y(o, cOut) }));
    }
    const node = (x, yy, group, text, anchor, tx) => {
      figure.append(svg("circle", { class: `cs-channel cs-group-${group % 4}`, cx: x, cy: yy, r: 8 }));
      const t = svg("text", { x: tx, y: yy + 4, class: "cs-channel-label", "text-anchor": anchor });
      t.textContent = text;
      figure.append(t);
    };
    model.get("input_group").forEach((g, i) => node(70, y(i, cIn), g, `in ${i}`, "end", 56));
    model.get("output_group").forEach((g, o) => node(WIDTH - 70, y(o, cOut), g, `out ${o}`, "start", WIDTH - 56));
    const box = h("figure", "cs-groups-links");
    const inputs = model.get("inputs");
    const caption = h("figcaption", "cs-caption", model.get("depthwise")
      ? `depthwise: every channel has its own ${inputs.kernel_size}×${inputs.kernel_size} kernel and meets no other channel`
      : `${inputs.groups} group${inputs.groups === 1 ? "" : "s"}: each output channel reads ${inputs.in_channels / inputs.groups} input channel${inputs.in_channels / inputs.groups === 1 ? "" : "s"}, one line per kernel slice`);
    box.append(figure, caption);
    return box;
  }

  counts() {
    const model = this.model;
    const layer = model.get("layer");
    const dense = model.get("dense");
    const groups = model.get("inputs").groups;
    const table = h("table", "cs-terms cs-count-table");
    const head = table.createTHead().insertRow();
    for (const text of ["", `groups = ${groups}`, "groups = 1 (full)"]) head.append(h("th", "", text));
    const body = table.createTBody();
    const line = (name, key, ours, theirs) => {
      const row = body.insertRow();
      row.append(h("th", "", name));
      const cell = h("td", "", ours);
      cell.dataset.count = key;
      row.append(cell, h("td", "", theirs));
    };
    line("weight shape", "weight_shape", `(${layer.weight_shape.join(", ")})`, `(${dense.weight_shape.join(", ")})`);
    line("parameters", "params", layer.params_text, dense.params_text);
    line("multiply-adds", "macs", layer.macs_text, dense.macs_text);
    line("output shape", "output_shape", `(${layer.output_shape.join(", ")})`, `(${dense.output_shape.join(", ")})`);
    const box = h("div", "cs-groups-counts");
    const scroll = scrollRegion(table, "the counts");
    box.append(h("h3", "", "Counts, live"), scroll,
      h("p", "cs-formula", `parameters: ${layer.params_formula}`),
      h("p", "cs-formula", `multiply-adds: ${layer.macs_formula}`),
      h("p", "cs-caption", groups === 1 ? "groups = 1 is the ordinary convolution: every output channel reads every input channel."
        : `${model.get("saving")} times fewer parameters than groups = 1 (the biases are not divided).`),
      h("p", "cs-caption cs-mono", `PyTorch: ${layer.torch}`));
    return box;
  }

  separable() {
    const pair = this.model.get("separable");
    const box = h("section", "cs-separable");
    box.append(h("h3", "", "Depthwise-separable: depthwise, then 1×1, against one full convolution"));
    const table = h("table", "cs-terms cs-separable-table");
    const head = table.createTHead().insertRow();
    for (const text of ["layer", "PyTorch", "parameters", "multiply-adds", "output shape"]) head.append(h("th", "", text));
    const body = table.createTBody();
    const add = (name, layer, key) => {
      const row = body.insertRow();
      row.dataset.layer = key;
      for (const text of [name, layer.torch, layer.params_text, layer.macs_text, `(${layer.output_shape.join(", ")})`]) row.append(h("td", "", text));
    };
    add("depthwise", pair.depthwise, "depthwise");
    add("pointwise", pair.pointwise, "pointwise");
    const total = body.insertRow();
    total.className = "cs-total-row";
    total.dataset.layer = "pair";
    for (const text of ["the pair", "", pair.pair_params, pair.pair_macs, `(${pair.pointwise.output_shape.join(", ")})`]) total.append(h("td", "", text));
    add("full", pair.full, "full");
    const scroll = scrollRegion(table, "the depthwise-separable pair and the full convolution");
    box.append(scroll, h("p", "", `${pair.same_shape ? "Same output shape" : "Different output shapes"}; the pair needs ${pair.params_share} of the parameters and ${pair.macs_share} of the multiply-adds of the full convolution.`));
    return box;
  }
}

export default { render: mounted(Groups) };
