// "Fork this course" on the course page: a new course of the user's that starts from this one's
// results up to a stage (POST …/fork, services/gateway/api/fork.py) — the same analysis with another
// pathway, say — without running or paying for those stages again. Only a stage whose last run
// succeeded, with none up to it running, is offered (the gateway's rule, domain/fork.py). On success
// the page moves to the fork, which says once where it came from.

import {api, paths} from "../api.js";
import {announce, blockButton, busy, field, h, messageBox, replace, showRequestError, uid} from "../dom.js";
import {isRunning} from "../progress.js";
import {stagesText} from "./course_header.js";

const STAGES = ["stage1", "stage2", "stage3", "stage4"];
// What a fork keeps of each stage, in the words of the stages' panels.
const KEPT = {
  stage1: "the repository scan and folder choice",
  stage2: "the document analysis",
  stage3: "the pathways and your choice",
  stage4: "the written course",
};
const TITLE_LENGTH = 200;
// A 202 means the fork is in the log but not yet in the read tables: its page waits for it a little.
const READABLE_TRIES = 20;
const READABLE_WAIT_MS = 500;
export const NOTHING_TO_FORK = "Nothing to fork yet: a course can be forked from a stage once that "
  + "stage's last run has succeeded.";

// The gateway's refusal names a run's status code ("stage 3 is PENDING; …"): said as the panels say it.
const RUN_WORDS = {PENDING: "is waiting for a worker", STARTED: "is running", RETRY: "is being retried",
  FAILURE: "failed last", CANCELLED: "was cancelled last"};
// The fork just made, said once on its page (the hash route replaces this page with the fork's).
let arrival = null;

/** "stage3" → "the repository scan and folder choice, the document analysis, and the pathways and
 * your choice": everything a fork from that stage keeps. */
export function keptWords(stage) {
  const parts = STAGES.slice(0, STAGES.indexOf(stage) + 1).map((s) => KEPT[s]);
  if (parts.length <= 1) return parts[0] || "";
  return `${parts.slice(0, -1).join(", ")}, and ${parts.at(-1)}`;
}

/** The stages a course may be forked from, given its stages' statuses ({stageN: status}): the
 * last run succeeded and no stage up to it is running. */
export function forkableStages(statuses) {
  return STAGES.filter((stage, index) => statuses[stage]?.status === "SUCCESS"
    && !STAGES.slice(0, index + 1).some((earlier) => isRunning(statuses[earlier])));
}

/** A refusal's message with a run's status code in words. */
export function refusalWords(message) {
  return String(message || "").replace(/\b(stage \d) is (PENDING|STARTED|RETRY|FAILURE|CANCELLED)\b/g,
    (_, stage, code) => `${stage} ${RUN_WORDS[code]}`);
}

/** "Forked from “Skyline” at stage 2." and what comes next. */
export function arrivalWords(sourceTitle, stage) {
  const n = Number(stage.slice(-1));
  const kept = stagesText(STAGES.slice(0, n));
  const done = `${kept[0].toUpperCase()}${kept.slice(1)} ${n === 1 ? "is" : "are"} done`;
  const next = n < STAGES.length ? ` ${done}; go on from stage ${n + 1}.` : ` ${done}.`;
  return {lead: "Forked from ", title: `“${sourceTitle}”`, rest: ` at stage ${n}.${next}`};
}

/**
 * `courseTitle()` is the course's title as shown. Returns {el, stagesChanged(statuses)}: `el` holds
 * the fork's arrival notice and the "Fork this course" disclosure (hidden until the stages are read).
 */
export function createForkControl({courseId, courseTitle}) {
  let offered = null;  // the stages offered, as last rendered
  let chosen = null;   // the stage to fork from: the latest offered until the user picks one
  let picked = false;

  const notice = h("p", {className: "message success fork-notice", role: "status", hidden: true,
    dataset: {testid: "fork-notice"}});
  const choices = h("div", {className: "fork-stages", dataset: {testid: "fork-stages"}});
  const group = h("fieldset", {className: "fork-choice"}, h("legend", {}, "Start the fork after"), choices,
    h("p", {className: "hint"}, "Only stages whose last run succeeded are offered."));
  const title = h("input", {type: "text", maxlength: String(TITLE_LENGTH), dataset: {testid: "fork-title"}});
  const titleField = field("Title of the fork (optional)", title, "Leave it empty for the title shown in the box.");
  const button = h("button", {type: "submit", dataset: {testid: "fork-submit"}}, "Fork");
  const blocked = h("p", {className: "prereq", id: uid("fork-blocked"), hidden: true,
    dataset: {testid: "fork-blocked"}});
  const error = messageBox("fork-error");
  error.el.id = uid("fork-error");
  const form = h("form", {className: "fork-form", novalidate: true, "aria-label": "Fork this course"},
    group, titleField.wrapper, h("div", {className: "actions"}, button), blocked, error.el);
  const contents = h("div", {className: "fork-body", hidden: true},
    h("p", {className: "intro"}, "A new course of yours that starts with this one's results up to a stage, "
      + "to plan again or choose another pathway. What it keeps is not run or paid for again; this course "
      + "stays as it is."),
    form);
  const details = h("details", {className: "fork", hidden: true, dataset: {testid: "fork-panel"}},
    h("summary", {}, "Fork this course"), contents);
  // A closed disclosure keeps its contents' boxes in Chromium (hidden until found): out of the layout.
  details.addEventListener("toggle", () => { contents.hidden = !details.open; });
  const el = h("div", {className: "fork-area"}, notice, details);

  if (arrival?.courseId === courseId) {
    const words = arrivalWords(arrival.sourceTitle, arrival.stage);
    replace(notice, words.lead, h("a", {href: `#/courses/${encodeURIComponent(arrival.sourceId)}`,
      dataset: {testid: "fork-source"}}, words.title), words.rest);
    notice.hidden = false;
    announce(notice.textContent);
    arrival = null;
  }

  /** A refusal's marks taken away: the chosen stage and the button are no longer described by it. */
  function clearRefusal() {
    error.clear();
    for (const radio of choices.querySelectorAll("input")) {
      radio.removeAttribute("aria-invalid");
      radio.removeAttribute("aria-describedby");
    }
    if (button.getAttribute("aria-describedby") === error.el.id) button.removeAttribute("aria-describedby");
  }

  /** A refused fork beside the button; a refusal of the chosen stage (409) marks that stage too. */
  function refused(err) {
    if (err?.status === 401) return;
    showRequestError(err?.status === 409 ? Object.assign(err, {message: refusalWords(err.message)}) : err,
      {title: titleField}, error);
    if (error.el.hidden) return;  // all of it said under the title
    button.setAttribute("aria-describedby", error.el.id);
    const radio = choices.querySelector("input:checked");
    if (err?.status === 409 && radio) {
      radio.setAttribute("aria-invalid", "true");
      radio.setAttribute("aria-describedby", error.el.id);
    }
  }

  function stageChoice(stage, name) {
    const id = uid("fork-from");
    const radio = h("input", {type: "radio", name, id, value: stage, checked: stage === chosen,
      dataset: {testid: "fork-stage", stage}});
    radio.addEventListener("change", () => { chosen = stage; picked = true; clearRefusal(); });
    return h("div", {className: "fork-stage"}, radio,
      h("label", {for: id}, h("strong", {}, `Stage ${stage.slice(-1)}`), `: ${keptWords(stage)}`));
  }

  function render(stages) {
    const focused = choices.contains(document.activeElement) ? document.activeElement.value : null;
    offered = stages;
    if (!picked || !stages.includes(chosen)) {
      chosen = stages.at(-1) ?? null;
      picked = false;
    }
    const name = uid("fork-from-stage");
    replace(choices, stages.map((stage) => stageChoice(stage, name)));
    if (focused) choices.querySelector(`input[value="${focused}"]`)?.focus();
    group.hidden = stages.length === 0;
    const reason = stages.length ? "" : NOTHING_TO_FORK;
    blocked.textContent = reason;
    blocked.hidden = !reason;
    blockButton(button, reason, blocked);
  }

  /** Wait until the fork can be read (after a 202) so its page does not say it does not exist. */
  async function untilReadable(made) {
    if (made?.title !== undefined) return;  // 201: the fork itself
    for (let tries = 0; tries < READABLE_TRIES; tries += 1) {
      try {
        await api.get(paths.course(made.course_id));
        return;
      } catch (err) {
        if (err?.status !== 404) throw err;
      }
      await new Promise((resolve) => { setTimeout(resolve, READABLE_WAIT_MS); });
    }
  }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearRefusal();
    titleField.valid();
    if (!chosen) return;
    const from = chosen;
    const body = {from_stage: from};
    if (title.value.trim()) body.title = title.value.trim();
    const sourceTitle = courseTitle() || "this course";
    busy(button, async () => {
      const made = await api.post(paths.action(courseId, "fork"), body);
      await untilReadable(made);
      arrival = {courseId: made.course_id, sourceId: courseId, sourceTitle, stage: from};
      location.hash = `#/courses/${encodeURIComponent(made.course_id)}`;
    }, refused);
  });

  return {
    el,
    /** The stages' live statuses ({stageN: status}, undefined until read): what may be forked now. */
    stagesChanged(statuses) {
      if (STAGES.every((stage) => !statuses[stage])) return;  // not read yet
      details.hidden = false;
      title.placeholder = `${courseTitle() || "Course"} (fork)`;
      const stages = forkableStages(statuses);
      if (offered === null || stages.join() !== offered.join()) render(stages);
    },
  };
}
