// The `grad_learn` widget: gradient descent on a kernel, live. Play asks the server for a few
// steps at a time and asks again when the answer arrives; Pause stops asking; Step asks for
// one. The server keeps nothing: each answer carries the run's state (inputs.learner), which
// the next request sends back. Every number, the loss curve's points included, comes from the
// server; this module only draws.

import { appendEquation, button, choice, h, keepFocus, numberGrid, panel } from "../_common/_grid.js";
import { errorSlot, fieldset, numberChoices, picture, send } from "../_common/_parts.js";

const PLAY_PAUSE_MS = 60; // a breath between requests, so the page stays responsive
const SVG = "http://www.w3.org/2000/svg";

class Learn {
  constructor(model, el) {
    this.model = model;
    this.el = el;
    this.initial = structuredClone(model.get("inputs"));
    this.playing = false;
    this.timer = null;
    this.logScale = false;
    model.on("change", () => { this.draw(); this.keepPlaying(); });
    model.on("error", () => { this.stop(); this.markStale(); });
  }

  draw() {
    keepFocus(this.el, () => this.el.replaceChildren(this.controls(), this.staleNote = staleNote(), this.results(), errorSlot("*")));
  }

  // ---- asking the server ----

  ask(changes) { send(this.model, changes); }

  stepOnce(count) { this.ask({ steps: count }); }

  restart(changes = {}) {
    this.stop();
    this.ask({ ...changes, steps: 0, learner: null });
  }

  play() {
    if (this.finished()) return;
    this.playing = true;
    this.stepOnce(this.model.get("play_steps"));
    this.draw();
  }

  stop() {
    this.playing = false;
    clearTimeout(this.timer);
    this.timer = null;
  }

  pause() { this.stop(); this.draw(); }

  finished() {
    const model = this.model;
    return model.get("status") !== "learning" || model.get("step") >= model.get("max_steps");
  }

  keepPlaying() {
    if (!this.playing) return;
    if (this.finished()) { this.pause(); return; }
    // what Play asks for is the server's `play_request`, which an export follows ahead of time
    this.timer = setTimeout(() => { if (this.playing) this.stepOnce(this.model.get("play_steps")); }, PLAY_PAUSE_MS);
  }

  markStale() {
    this.el.querySelector(".cs-results")?.classList.add("cs-stale");
    if (this.staleNote) this.staleNote.hidden = false;
    const playButton = this.el.querySelector("[data-key='play']");
    if (playButton) playButton.textContent = "Play";
  }

  // ---- controls ----

  controls() {
    const inputs = this.model.get("inputs");
    const box = h("div", "cs-controls");
    const what = fieldset("What to learn",
      choice("target kernel", "target", this.model.get("targets"), inputs.target, (v) => this.restart({ target: v })),
      choice("image", "image", [["lesson", "the lesson's 8×8 grid"], ["camera", "photo: camera"], ["astronaut", "photo: astronaut"], ["chelsea", "photo: chelsea"], ["coffee", "photo: coffee"]],
        inputs.image, (v) => this.restart(imageDefaults(v))),
      choice("start from", "start", [["zeros", "zeros"], ["random", "seeded random"]], inputs.start, (v) => this.restart({ start: v })),
      typed("seed", "seed", inputs.seed, (v) => this.restart({ seed: v })));
    const how = fieldset("How to step",
      typed("learning rate", "learning_rate", inputs.learning_rate, (v) => this.ask({ learning_rate: v, steps: 0 })),
      choice("momentum", "momentum", [[0, "0"], [0.5, "0.5"], [0.8, "0.8"], [0.9, "0.9"]], inputs.momentum, (v) => this.ask({ momentum: +v, steps: 0 })),
      disabledUnless(inputs.image !== "lesson", "photos only",
        choice("crops per step", "batch", numberChoices(1, 16), inputs.batch, (v) => this.ask({ batch: +v, steps: 0 }))));
    const run = h("div", "cs-learn-buttons");
    run.setAttribute("role", "group");
    run.setAttribute("aria-label", "run");
    const playButton = button(this.playing ? "Pause" : "Play", "play", () => (this.playing ? this.pause() : this.play()), "cs-primary");
    playButton.setAttribute("aria-pressed", String(this.playing));
    run.append(playButton,
      button("Step", "step", () => { this.stop(); this.stepOnce(1); }),
      button("Start again", "again", () => this.restart()),
      button("Reset to the lesson's example", "reset", () => { this.stop(); this.model.set("inputs", structuredClone(this.initial)); this.model.save_changes(); }),
      errorSlot("learner"));
    box.append(what, how, run);
    return box;
  }

  // ---- results ----

  results() {
    const box = h("div", "cs-results");
    box.append(this.statusLine(), this.kernelsRow(), this.curve(), this.outputsRow());
    return box;
  }

  statusLine() {
    const model = this.model;
    const box = h("div", "cs-learn-status");
    const line = h("p", "cs-learn-numbers");
    line.append(`step ${model.get("step")} of at most ${model.get("max_steps")} · loss `, h("strong", "cs-learn-loss", model.get("loss")),
      ` · largest gap to the target ${model.get("gap")}`);
    const words = h("p", `cs-learn-message cs-status-${model.get("status")}`, model.get("message") || "");
    words.setAttribute("role", "status");
    box.append(line, words, h("p", "cs-caption",
      `On this image, rates below ${model.get("safe_rate")} cannot make the loss grow: that is 2(1 + momentum)/λ_max, λ_max being the loss's sharpest curvature.`));
    return box;
  }

  kernelsRow() {
    const now = panel("Kernel now", `step ${this.model.get("step")}`);
    now.slot.append(numberGrid(this.model.get("kernel"), { role: "kernel", name: "learned weight", small: true, label: (r, c, t) => `learned weight[${r}, ${c}]: ${t}` }));
    const target = panel("Target kernel");
    target.slot.append(numberGrid(this.model.get("target_kernel"), { role: "kernel", name: "target weight", small: true, label: (r, c, t) => `target weight[${r}, ${c}]: ${t}` }));
    return appendEquation(h("div", "cs-row"), now.box, "→", target.box);
  }

  curve() {
    const curve = this.model.get("curve");
    const scale = this.logScale ? curve.log : curve.linear;
    const box = h("figure", "cs-learn-curve");
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `-2 -4 ${curve.width + 4} ${curve.height + 8}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", `loss curve over ${this.model.get("step")} steps, ${this.logScale ? "log" : "linear"} scale, from ${scale.top} down to the latest loss ${this.model.get("loss")}`);
    const axis = document.createElementNS(SVG, "polyline");
    axis.setAttribute("points", `0,0 0,${curve.height} ${curve.width},${curve.height}`);
    axis.setAttribute("class", "cs-axis");
    const line = document.createElementNS(SVG, "polyline");
    line.setAttribute("points", scale.points);
    line.setAttribute("class", "cs-loss-line-plot");
    svg.append(axis, line);
    const caption = h("figcaption", "cs-caption",
      `loss from ${scale.top} (top) to ${scale.bottom} (bottom); steps 0 to ${curve.steps} across`);
    const toggle = h("label", "cs-check");
    const box2 = h("input");
    box2.type = "checkbox";
    box2.checked = this.logScale;
    box2.dataset.key = "log";
    box2.addEventListener("change", () => { this.logScale = box2.checked; this.draw(); });
    toggle.append(box2, " log scale");
    box.append(h("h3", "", "Loss, step by step"), svg, caption, toggle);
    return box;
  }

  outputsRow() {
    const outputs = this.model.get("outputs");
    const pictures = this.model.get("pictures");
    const row = h("div", "cs-row");
    if (outputs) {
      const now = panel("Output now");
      now.slot.append(numberGrid(outputs.now, { role: "output", name: "output now", small: true, label: (r, c, t) => `output now[${r}, ${c}]: ${t}` }));
      const target = panel("Target output");
      target.slot.append(numberGrid(outputs.target, { role: "output", name: "target output", small: true, label: (r, c, t) => `target output[${r}, ${c}]: ${t}` }));
      appendEquation(row, now.box, "→", target.box);
    } else if (pictures) {
      row.append(picture(pictures.now, "the photo's centre through the kernel now", "photo filtered by the kernel being learned", "cs-pixelated"),
        picture(pictures.target, "through the target kernel", "photo filtered by the target kernel", "cs-pixelated"));
    }
    return row;
  }
}

/** Return a labelled text box for a number; what the learner typed is sent as typed. */
function typed(text, key, value, onChange) {
  const label = h("label", "", text);
  const input = h("input", "cs-typed");
  input.value = String(value);
  input.inputMode = "decimal";
  input.size = 7;
  input.dataset.key = key;
  const sendIt = () => {
    const number = Number(input.value.trim().replace(/\u2212/g, "-"));
    onChange(input.value.trim() !== "" && Number.isFinite(number) ? number : input.value);
  };
  input.addEventListener("change", sendIt);
  label.append(input, errorSlot(key));
  return label;
}

/** Return `control` disabled with a short reason when it does not apply. */
function disabledUnless(applies, reason, control) {
  if (applies) return control;
  for (const field of control.querySelectorAll("select, input")) field.disabled = true;
  control.append(h("span", "cs-caption", reason));
  return control;
}

/** The rate that suits each image: the lesson grid's numbers are 0–9, a photo's 0–1. */
function imageDefaults(image) {
  return { image, learning_rate: image === "lesson" ? 0.005 : 0.2 };
}

function staleNote() {
  const note = h("p", "cs-stale-note", "Out of date: your last change was not applied (see the message by the control), so these results are from before it.");
  note.hidden = true;
  note.setAttribute("role", "status");
  return note;
}

function render({ model, el }) {
  const view = new Learn(model, el);
  view.draw();
  return () => { view.stop(); model.off("change"); model.off("error"); };
}

export default { render };
