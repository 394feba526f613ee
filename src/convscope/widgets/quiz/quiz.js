// The `quiz` widget: a quick check answered by clicking a choice or typing a number. The server
// marks the answer and explains it; the page never holds the answer before it is given.
// "New numbers" asks the server for a variant drawn from a new seed. A teacher's own question
// (state.own) has fixed words and no variants; its inputs carry it sealed, unreadable here.

import { button, h, keepFocus, parseTyped } from "../_common/_grid.js";
import { markStale } from "../_common/_stale.js";

const STALE_VERDICT = "Out of date: this verdict was for your previous answer, not the one now given.";

function send(model, el, changes) {
  markStale(el, [el.querySelector(".cs-quiz-result")], { words: STALE_VERDICT });
  model.set("inputs", { ...model.get("inputs"), ...changes });
  model.save_changes();
}

function choices(model, el) {
  const result = model.get("result");
  const given = model.get("inputs").answer;
  const list = h("div", "cs-choices");
  list.setAttribute("role", "group");
  list.setAttribute("aria-label", "answers");
  const inputs = model.get("inputs");
  // A choice after a hint is a further try: the server then shows the answer if it is wrong.
  const counted = "tries" in inputs ? { tries: result && result.hint ? inputs.tries + 1 : inputs.tries } : {};
  for (const choice of model.get("choices")) {
    const option = button("", `choice-${choice.id}`, () => send(model, el, { answer: choice.id, ...counted }), "cs-choice");
    if (choice.code) option.append(h("code", "", choice.code), h("span", "cs-caption", choice.text));
    else option.append(h("span", "", choice.text));
    option.setAttribute("aria-pressed", String(given === choice.id));
    if (result && choice.id === result.answer) option.classList.add("cs-right");
    if (result && given === choice.id && !result.correct) option.classList.add("cs-wrong");
    list.append(option);
  }
  return list;
}

function numberAnswer(model, el) {
  const form = h("form", "cs-controls cs-answer");
  const label = h("label", "", "your answer");
  const input = h("input", "cs-number");
  input.type = "text";
  input.inputMode = model.get("own") ? "decimal" : "numeric";
  input.autocomplete = "off";
  input.dataset.key = "answer";
  const given = model.get("inputs").answer;
  input.value = given === null ? "" : String(given);
  label.append(input);
  const check = h("button", "cs-primary", "Check");
  check.type = "submit";
  check.dataset.key = "check";
  form.append(label, check);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (input.value.trim() === "") {  // nothing to mark: no old message, no old verdict
      for (const slot of el.querySelectorAll("[data-error-for]")) slot.textContent = "";
      const verdictBox = el.querySelector(".cs-quiz-result");
      if (verdictBox) verdictBox.hidden = true;
      return;
    }
    const typed = parseTyped(input.value);  // 1e400 goes as typed, for the server to name it
    send(model, el, { answer: typeof typed === "number" && !Number.isFinite(typed) ? input.value.trim() : typed });
  });
  return form;
}

function verdict(model) {
  const result = model.get("result");
  const box = h("div", "cs-quiz-result");
  box.setAttribute("aria-live", "polite");
  if (!result) return box;
  if (result.hint) {  // a first wrong try: what is wrong with it, not yet the answer
    box.append(h("p", "cs-verdict cs-no", `✗ Not yet. ${result.hint}`));
    box.append(h("p", "cs-caption", "Pick again, or show the answer."));
    return box;
  }
  const words = result.correct
    ? "✓ Right."
    : result.correct === null
      ? `The answer is ${result.answer_text}.`
      : `✗ Not quite: the answer is ${result.answer_text}.`;
  box.append(h("p", `cs-verdict ${result.correct ? "cs-yes" : "cs-no"}`, words));
  if (result.explanation) box.append(h("p", "cs-explanation", result.explanation));
  return box;
}

function actions(model, el) {
  const box = h("div", "cs-controls");
  const inputs = model.get("inputs");
  const result = model.get("result");
  if (result && result.hint) box.append(button("Show the answer", "reveal", () => send(model, el, { reveal: true })));
  else if (inputs.answer !== null || inputs.reveal) {
    const again = "reveal" in inputs ? { answer: null, reveal: false } : { answer: null };
    box.append(button("Try again", "retry", () => send(model, el, again)));
  }
  if (model.get("own")) return box;
  const fresh = "tries" in inputs ? { answer: null, tries: 0, reveal: false } : { answer: null };
  box.append(button("New numbers", "variant", () => {
    send(model, el, { ...fresh, variant: 1 + Math.floor(Math.random() * 999_999_999) });
  }));
  if (inputs.variant !== 0) {
    box.append(button("Back to the lesson's question", "lesson", () => send(model, el, { ...fresh, variant: 0 })));
  }
  return box;
}

function render({ model, el }) {
  const draw = () => keepFocus(el, () => {
    const question = h("p", "cs-question", model.get("question"));
    const answer = model.get("answer_kind") === "choice" ? choices(model, el) : numberAnswer(model, el);
    const error = h("output", "cs-field-error");
    error.dataset.errorFor = "answer";
    const general = h("output", "cs-field-error");
    general.dataset.errorFor = "*";
    el.replaceChildren(question, answer, error, verdict(model), actions(model, el), general);
  });
  draw();
  model.on("change", draw);
  return () => model.off("change", draw);
}

export default { render };
