// The `grad_loss` widget: a squared-error loss against a target the learner edits, its gradient
// at every output cell (output − target), and from there each weight's and each input cell's
// gradient, explained by the view of `grad_weight`. Under it, the same loss and gradients from
// torch.autograd when PyTorch is installed, or a plain "not installed". The server computes
// every number; positions count from 0.

import { h, redrawnOnChange } from "../_common/_grid.js";
import { resetButton } from "../_common/_parts.js";
import { editableGrid, GradientView } from "../grad_weight/grad_weight.js";

class LossView extends GradientView {
  controls() {
    const box = h("div", "cs-controls");
    box.append(resetButton(this.model, this.initial), this.editor());
    return box;
  }

  afterOutput() {
    const target = editableGrid(this.model, "target", "Target t", "type what the output should be");
    return ["vs", target.box];
  }

  results() {
    const box = super.results();
    const loss = h("p", "cs-loss-line");
    loss.append("L = ½ Σ (y − t)² = ", this.model.get("loss_text"));
    box.insertBefore(loss, box.children[1]);
    box.append(this.torchCheck());
    return box;
  }

  gradOutputCaption() {
    return "y − t at every cell: the loss's slope there";
  }

  torchCheck() {
    const torch = this.model.get("torch");
    const box = h("section", "cs-torch");
    box.append(h("h3", "", "Checked by torch.autograd"));
    if (!torch.available) {
      box.append(h("p", "cs-verdict cs-no", torch.message));
      return box;
    }
    const verdict = torch.agrees ? "the same loss and gradients" : "different numbers";
    box.append(h("p", `cs-verdict ${torch.agrees ? "cs-yes" : "cs-no"}`,
      `PyTorch ${torch.version} (float64, loss.backward()) gives ${verdict}: L = ${torch.loss}, largest difference ${torch.largest_difference}.`));
    const row = h("p", "cs-caption");
    row.append(`torch's ∂L/∂w: ${torch.grad_weight.map((r) => r.join("  ")).join(" / ")}`);
    box.append(row);
    return box;
  }
}

export default { render: redrawnOnChange((model, el, view) => view.draw(), (model, el) => new LossView(model, el)) };
