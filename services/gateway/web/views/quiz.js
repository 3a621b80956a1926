// A module's quiz: the learner answers each question (a radio group for multiple choice and
// true/false, their own words then a self-mark for short answers), sees it marked with the
// explanation and its citation, and the module's score. Answers go to `store` (reader_progress.js),
// so a reload shows them marked again.

import {h, replace, uid} from "../dom.js";
import {inline} from "../inline.js";
import {untranslated} from "../course_labels.js";
import {renderMarkdown} from "../markdown.js";

const LETTERS = "ABCDEFGHIJ";

function citation(source) {
  if (!source?.path) return null;
  return h("p", {className: "source", dataset: {testid: "quiz-source"}}, "Source: ",
    h("span", {className: "path"}, source.path), source.heading ? ` › ${source.heading}` : "");
}

function scoreText({correct, answered, total}) {
  if (!answered) return `Score: not started (${total} question${total === 1 ? "" : "s"}).`;
  const rest = answered < total ? ` (${answered} of ${total} answered)` : "";
  return `Score: ${correct} of ${total} correct${rest}.`;
}

/** One question; `saved` is its stored answer or undefined; `onMarked(record)` stores a new one. */
function questionItem(q, index, saved, onMarked, t) {
  const choice = q.kind !== "short_answer" && q.options?.length > 0;
  // Options and the answer are plain text, or lines of code and commands shown as code (Question in
  // shared/course_content.py): never Markdown, so "__init__" or "**kwargs" in them stay characters.
  const shown = (text) => q.options_are_code ? h("code", {}, text) : text;
  const name = uid("quiz");
  const promptId = uid("prompt");
  const feedback = h("div", {className: "quiz-feedback", tabindex: "-1", hidden: true,
    dataset: {testid: "quiz-feedback"}});
  const problem = h("p", {className: "quiz-problem", role: "alert", hidden: true, dataset: {testid: "quiz-problem"}});
  const item = h("li", {className: "quiz-question", dataset: {testid: "quiz-question", kind: q.kind, index}});

  function showVerdict(correct, chosen) {
    item.dataset.marked = correct ? "right" : "wrong";
    feedback.hidden = false;
    replace(feedback,
      h("p", {className: `verdict ${correct ? "right" : "wrong"}`, dataset: {testid: "quiz-verdict"}},
        h("strong", {}, correct ? "Correct." : "Not quite."),
        choice && !correct ? [" The answer is ", h("q", {}, shown(q.answer)), "."] : "",
        choice && chosen !== undefined && !correct ? [" You chose ", h("q", {}, shown(chosen)), "."] : ""),
      q.kind === "short_answer" ? h("p", {}, h("strong", {}, "Expected answer: "), shown(q.answer)) : null,
      q.explanation ? renderMarkdown(q.explanation, {headingOffset: 4}) : null,
      citation(q.source));
  }

  const legend = h("legend", {id: promptId}, h("span", {className: "quiz-number"}, `Question ${index + 1}. `),
    ...inline(String(q.prompt)));
  const fieldset = h("fieldset", {});
  const form = h("form", {className: "quiz-form", "aria-labelledby": promptId}, fieldset, problem, feedback);
  item.append(form);

  if (choice) {
    const radios = q.options.map((option) => h("input", {type: "radio", name, value: option,
      dataset: {testid: "quiz-option"}}));
    const labels = q.options.map((option, i) => h("label", {className: "quiz-option"}, radios[i],
      h("span", {className: "quiz-letter", "aria-hidden": "true"}, `${LETTERS[i] || i + 1}.`),
      h("span", {className: "quiz-option-text"}, shown(option))));
    const check = h("button", {type: "submit", className: "secondary", dataset: {testid: "check-answer"}},
      t("check_answer"));
    fieldset.append(legend, h("div", {className: "quiz-options"}, labels), h("div", {className: "actions"}, check));

    const lock = (chosen) => {
      radios.forEach((radio, i) => {
        radio.disabled = true;
        radio.checked = q.options[i] === chosen;
        const right = q.options[i] === q.answer;
        labels[i].classList.toggle("is-answer", right);
        labels[i].classList.toggle("is-chosen", q.options[i] === chosen);
        if (right) labels[i].append(h("span", {className: "quiz-tag right"}, " ✓ correct answer"));
        else if (q.options[i] === chosen) labels[i].append(h("span", {className: "quiz-tag wrong"}, " ✗ your answer"));
      });
      check.hidden = true;
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const picked = radios.find((radio) => radio.checked);
      if (!picked) {
        problem.textContent = t("choose_first");
        problem.hidden = false;
        radios[0].focus();
        return;
      }
      problem.hidden = true;
      const correct = picked.value === q.answer;
      lock(picked.value);
      showVerdict(correct, picked.value);
      onMarked({choice: picked.value, correct});
      feedback.focus();
    });
    radios.forEach((radio) => radio.addEventListener("change", () => { problem.hidden = true; }));
    if (saved) { lock(saved.choice); showVerdict(saved.correct, saved.choice); }
    return item;
  }

  // Short answer: the learner writes, reveals the expected answer, then says whether theirs matched.
  const box = h("textarea", {rows: "3", dataset: {testid: "quiz-text"}});
  const boxId = uid("own");
  box.id = boxId;
  const reveal = h("button", {type: "submit", className: "secondary", dataset: {testid: "show-answer"}}, t("show_answer"));
  const selfMark = h("div", {className: "quiz-self-mark", hidden: true, dataset: {testid: "self-mark"}},
    h("p", {}, h("strong", {}, "Expected answer: "), shown(q.answer)),
    q.explanation ? renderMarkdown(q.explanation, {headingOffset: 4}) : null, citation(q.source),
    h("p", {id: `${boxId}-ask`}, "Did your answer say the same?"));
  const right = h("button", {type: "button", dataset: {testid: "self-right"}}, "I got it right");
  const wrong = h("button", {type: "button", className: "secondary", dataset: {testid: "self-wrong"}}, "I got it wrong");
  selfMark.append(h("div", {className: "actions", role: "group", "aria-labelledby": `${boxId}-ask`}, right, wrong));
  fieldset.append(legend, h("label", {for: boxId, className: "quiz-own-label"}, "Your answer"), box,
    h("div", {className: "actions"}, reveal), selfMark);

  const finish = (correct, text) => {
    box.value = text;
    box.readOnly = true;
    reveal.hidden = true;
    selfMark.hidden = true;
    showVerdict(correct);
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    reveal.hidden = true;
    selfMark.hidden = false;
    right.focus();
  });
  for (const [button, correct] of [[right, true], [wrong, false]]) {
    button.addEventListener("click", () => {
      finish(correct, box.value);
      onMarked({choice: box.value, correct});
      feedback.focus();
    });
  }
  if (saved) finish(saved.correct, saved.choice);
  return item;
}

/** The quiz of `module`, answers kept in `store`; `onScore()` is called when the score changes. */
export function quizSection(module, store, onScore, t = untranslated) {
  const questions = module.content?.assessment || [];
  const score = h("p", {className: "quiz-score", dataset: {testid: "quiz-score"}, "aria-live": "polite"});
  const list = h("ol", {className: "quiz", dataset: {testid: "quiz"}});
  const reset = h("button", {type: "button", className: "secondary", dataset: {testid: "quiz-reset"}},
    "Clear my answers");

  function render() {
    const saved = store.answers(module);
    list.replaceChildren(...questions.map((q, i) => questionItem(q, i, saved[i], (record) => {
      store.answer(module, i, record);
      update();
    }, t)));
    update();
  }
  function update() {
    const now = store.score(module);
    score.textContent = scoreText(now);
    score.dataset.correct = String(now.correct);
    score.dataset.answered = String(now.answered);
    reset.hidden = now.answered === 0 || store.resettable === false;  // a learner's first answers count
    onScore?.();
  }
  reset.addEventListener("click", () => {
    store.resetQuiz(module);
    render();
    list.querySelector("input, textarea")?.focus();
  });
  render();
  return h("section", {className: "quiz-section", "aria-labelledby": "quiz-heading"},
    h("h3", {id: "quiz-heading"}, t("assessment")), score, list, h("div", {className: "actions"}, reset));
}
