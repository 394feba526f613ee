// The `padding_modes` widget: one small grid padded four ways side by side, and a photograph
// padded the same four ways. Border cells come from the server with a mask saying which they are.

import { choice, h, keepFocus, numberGrid, panel, redrawnOnChange } from "../_common/_grid.js";
import { errorSlot, fieldset, numberChoices, photoChoice, picture, resetButton, resized, result, send, withCell, withStaleMarks } from "../_common/_parts.js";

const PADDINGS = [...numberChoices(0, 3), ["same", "'same'"]];

function controls(model, initial) {
  const inputs = model.get("inputs");
  const rows = inputs.input.length;
  const cols = inputs.input[0].length;
  const size = fieldset("Input",
    choice("rows", "rows", numberChoices(1, 6), rows, (v) => send(model, { input: resized(inputs.input, +v, cols) })),
    choice("columns", "cols", numberChoices(1, 6), cols, (v) => send(model, { input: resized(inputs.input, rows, +v) })));
  const padding = fieldset("Padding",
    choice("cells per side", "padding", PADDINGS, inputs.padding, (v) => send(model, { padding: v === "same" ? v : +v })),
    choice("kernel for 'same'", "kernel_size", numberChoices(1, 7, (n) => `${n}×${n}`), inputs.kernel_size,
      (v) => send(model, { kernel_size: +v })));
  const box = h("div", "cs-controls");
  box.append(size, padding, fieldset("Picture", photoChoice(model.get("photo_names"), inputs.photo, (v) => send(model, { photo: v }))),
    resetButton(model, initial));
  return box;
}

function inputPanel(model) {
  const inputs = model.get("inputs");
  const input = panel("Your input", "type to change a number");
  input.slot.append(numberGrid(model.get("input"), {
    role: "input", name: "input", kind: "input",
    onEdit: (r, c, value) => {
      const changed = withCell(inputs.input, r, c, value);
      if (changed) send(model, { input: changed });
    },
  }));
  input.box.append(errorSlot("input"));
  return input.box;
}

function modePanel(mode, offset) {
  const box = h("div", "cs-panel cs-mode");
  box.dataset.mode = mode.mode;
  box.append(h("h3", "", mode.mode), h("p", "cs-caption", mode.rule));
  if (mode.error) {
    box.append(h("p", "cs-field-error", mode.error));
    return box;
  }
  const [top, left] = offset;
  const slot = h("div", "cs-scroll");
  slot.append(numberGrid(mode.padded, {
    role: "input", name: `${mode.mode}`, gridLabel: `padded with ${mode.mode}`, small: true,
    className: (r, c) => (mode.mask[r][c] ? "cs-pad" : ""),
    label: (r, c, text) => (mode.mask[r][c]
      ? `${mode.mode} padding, padded row ${r}, column ${c}: ${text}`
      : `${mode.mode} input row ${r - top}, column ${c - left}: ${text}`),
  }));
  box.append(slot);
  return box;
}

function photoRow(model) {
  const row = h("div", "cs-row cs-pictures");
  for (const photo of model.get("photos")) {
    const figure = picture(photo.src, photo.mode, `the photograph padded with ${photo.mode}`, "cs-padded-photo");
    const edge = h("span", "cs-photo-edge");
    edge.setAttribute("aria-hidden", "true");
    edge.style.inset = `${(photo.inset * 100).toFixed(2)}%`;
    const image = figure.querySelector("img");
    const frame = h("span", "cs-photo-frame");
    image.replaceWith(frame);
    frame.append(image, edge);
    row.append(figure);
  }
  return row;
}

function draw(model, el, initial) {
  const resolved = model.get("resolved");
  const offset = [resolved.top, resolved.left];
  const modes = h("div", "cs-row cs-modes");
  for (const mode of model.get("modes")) modes.append(modePanel(mode, offset));
  const note = h("p", "cs-formula cs-resolved", `padding: ${resolved.text}`);
  note.setAttribute("role", "status");
  keepFocus(el, () => el.replaceChildren(controls(model, initial), result(note), inputPanel(model),
    result(modes), h("p", "cs-caption", "The dashed frame marks where the photograph ends and its padding begins."),
    result(photoRow(model)), errorSlot("*")));
}

export default { render: withStaleMarks(redrawnOnChange(draw, (model) => structuredClone(model.get("inputs")))) };
