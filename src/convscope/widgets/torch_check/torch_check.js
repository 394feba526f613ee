// The `torch_check` widget: convscope's output next to PyTorch's, compared on the server.

import { errorSlot, h, numberGrid, panel, redrawnOnChange } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

const fromZero = (name) => (r, c, text) => `${name} row ${r}, column ${c}: ${text}`;

function shape(values) { return `(${values.join(", ")})`; }

function verdict(torch) {
  if (!torch.available) {
    return h("p", "cs-verdict cs-no", `${torch.message}: the comparison was not run on this computer.`);
  }
  if (torch.equal) {
    return h("p", "cs-verdict cs-yes", `✓ Equal: PyTorch ${torch.version} gives the same number in every cell.`);
  }
  return h("p", "cs-verdict cs-no",
    `✗ Not equal: the largest difference is ${torch.max_difference} (PyTorch computes in float32).`);
}

function draw(model, el) {
  const state = { convscope: model.get("convscope"), torch: model.get("torch") };
  const row = h("div", "cs-row");
  const ours = panel("convscope.conv2d(image, sobel_x)", `dtype ${state.convscope.dtype}`);
  ours.slot.append(numberGrid(state.convscope.output_text, {
    role: "output", name: "convscope output", label: fromZero("convscope output"),
  }));
  row.append(ours.box);
  if (state.torch.available) {
    const { shapes } = state.torch;
    const theirs = panel("F.conv2d(…)[0, 0]", "float32");
    theirs.slot.append(numberGrid(state.torch.output_text, {
      role: "output", name: "PyTorch output", label: fromZero("PyTorch output"),
    }));
    row.append(theirs.box);
    const shapes_line = h("p", "cs-formula",
      `input ${shape(shapes.input)} · weight ${shape(shapes.weight)} → output ${shape(shapes.output)}`);
    el.replaceChildren(shapes_line, row, verdict(state.torch));
  } else {
    el.replaceChildren(row, verdict(state.torch));
  }
  const again = h("button", "", "Run the comparison again");
  again.type = "button";
  again.addEventListener("click", () => {
    markStale(el, [...el.querySelectorAll(".cs-row, .cs-verdict")]);
    model.set("inputs", { ...model.get("inputs") });
    model.save_changes();
  });
  const error = errorSlot("*");
  el.append(again, error);
}

export default { render: redrawnOnChange(draw) };
