// The `checkerboard` widget: two kernel sizes at one stride, side by side. An all-ones map
// upsampled with an all-ones kernel counts the stamps landing on each cell; uneven counts print
// a grid pattern, which the same upsampling of a small photograph shows on a real picture.

import { choice, h, keepFocus, numberGrid, redrawnOnChange } from "../_common/_grid.js";
import { errorSlot, fieldset, numberChoices, photoChoice, picture, send } from "../_common/_parts.js";

function controls(model) {
  const inputs = model.get("inputs");
  const box = h("div", "cs-controls");
  box.append(
    fieldset("Transposed convolution",
      choice("stride", "stride", numberChoices(1, 4), inputs.stride, (v) => send(model, { stride: +v })),
      choice("left kernel", "kernel_a", numberChoices(1, 6, (n) => `${n}×${n}`), inputs.kernel_a, (v) => send(model, { kernel_a: +v })),
      choice("right kernel", "kernel_b", numberChoices(1, 6, (n) => `${n}×${n}`), inputs.kernel_b, (v) => send(model, { kernel_b: +v }))),
    fieldset("Picture", photoChoice(model.get("photo_names"), inputs.photo, (v) => send(model, { photo: v }))));
  return box;
}

function side(model, data) {
  const stride = model.get("inputs").stride;
  const box = h("section", `cs-view cs-checker-side ${data.even ? "cs-even" : "cs-uneven"}`);
  box.append(h("h3", "", `${data.kernel_size}×${data.kernel_size} kernel, stride ${stride}`));
  box.append(h("p", `cs-verdict ${data.even ? "cs-yes" : "cs-no"}`, data.verdict));
  const [rows, cols] = data.counts_shape;
  const counts = h("div", "cs-scroll");
  counts.append(numberGrid(data.counts, {
    role: "coverage", name: `stamps, ${data.kernel_size}×${data.kernel_size} kernel`, small: true,
  }));
  box.append(h("h4", "", `Stamps per cell (top-left corner of ${rows}×${cols})`), counts);
  const pictures = h("div", "cs-row cs-pictures");
  pictures.append(
    picture(data.counts_src, "stamp counts as brightness", "stamp counts drawn as grey levels", "cs-pixelated cs-small-picture"),
    picture(data.photo_src, `photo upsampled to ${data.photo_shape[0]}×${data.photo_shape[1]}`,
      `the small photograph upsampled with a ${data.kernel_size}×${data.kernel_size} kernel`, "cs-pixelated"));
  box.append(pictures);
  return box;
}

function draw(model, el) {
  const n = model.get("small_side");
  const source = picture(model.get("small_src"), `the photo, shrunk to ${n}×${n}`, "the small photograph before upsampling", "cs-pixelated cs-small-picture");
  const sides = h("div", "cs-row cs-two-views");
  for (const data of model.get("sides")) sides.append(side(model, data));
  keepFocus(el, () => el.replaceChildren(controls(model), source, sides, errorSlot("*")));
}

export default { render: redrawnOnChange(draw) };
