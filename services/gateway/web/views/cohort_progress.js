// How a cohort's learners are doing, live while the page is open (read again every few seconds):
// per course a table of learners × released modules (read ✓, quiz score), their last activity and
// who has been idle, the questions most often missed with the wrong option most often chosen, and
// the table as a CSV file.

import {api, download, fileName} from "../api.js";
import {busy, field, formatDate, h, messageBox, replace} from "../dom.js";
import {cohortPaths} from "./cohorts.js";

const REFRESH_MS = 5000;

function hidden(text) {
  return h("span", {className: "visually-hidden"}, text);
}

function moduleCell(cell) {
  const bits = [];
  if (cell.read) bits.push(h("span", {className: "progress-read", "aria-hidden": "true"}, "✓"), hidden("read"));
  else bits.push(h("span", {className: "progress-unread", "aria-hidden": "true"}, "–"), hidden("not read"));
  if (cell.answered) {
    bits.push(hidden(", quiz "), h("span", {className: "progress-cell-score", dataset: {testid: "cell-score"}},
      `${cell.correct}/${cell.questions}`));
  }
  return h("td", {className: "align-center", dataset: {testid: "progress-cell", moduleId: cell.module_id,
    read: String(cell.read), completed: String(cell.completed)}}, bits);
}

function learnerRow(learner, inactiveDays) {
  const name = learner.email
    ? [learner.email, h("span", {className: "meta progress-user"}, learner.user_id)]
    : learner.user_id;
  const {correct, questions} = learner.score;
  return h("tr", {dataset: {testid: "progress-row", user: learner.user_id, inactive: String(learner.inactive)}},
    h("th", {scope: "row"}, name),
    learner.modules.map(moduleCell),
    h("td", {className: "number", dataset: {testid: "progress-read"}}, `${learner.read} of ${learner.modules.length}`),
    h("td", {className: "number", dataset: {testid: "progress-score"}}, `${correct}/${questions}`),
    h("td", {dataset: {testid: "progress-last"}}, learner.last_activity ? formatDate(learner.last_activity) : "Never"),
    h("td", {}, learner.inactive
      ? h("span", {className: "badge badge-cancelled", dataset: {testid: "progress-inactive"}},
        "Inactive", hidden(` for ${inactiveDays} days or more`))
      : h("span", {className: "badge badge-success"}, "Active")));
}

function missedList(course) {
  if (!course.most_missed.length) {
    return h("p", {dataset: {testid: "no-missed"}}, "No question has been missed yet.");
  }
  return h("ol", {className: "missed-list", dataset: {testid: "most-missed"}}, course.most_missed.map((miss) =>
    h("li", {dataset: {testid: "missed-question", moduleId: miss.module_id, question: miss.question}},
      h("p", {className: "missed-prompt"}, h("strong", {}, `${miss.module_title || "A module"}, question ${miss.question + 1}: `),
        miss.prompt || ""),
      h("p", {className: "meta"}, `Missed by ${miss.wrong} of ${miss.answered} learner${miss.answered === 1 ? "" : "s"}`
        + " who answered it.",
      miss.most_chosen !== null && miss.most_chosen !== undefined
        ? [" Wrong answer chosen most: ", h("q", {dataset: {testid: "most-chosen"}}, miss.most_chosen), "."]
        : ""))));
}

function courseProgress(course, inactiveDays) {
  const id = `progress-${course.course_id}`;
  const table = course.learners.length
    ? h("div", {className: "table-scroll"}, h("table", {className: "progress-table",
      dataset: {testid: "progress-table", courseId: course.course_id}},
    h("caption", {}, `Each learner's released modules of “${course.title}”: ✓ read, then the quiz score`),
    h("thead", {}, h("tr", {},
      h("th", {scope: "col"}, "Learner"),
      course.modules.map((m) => h("th", {scope: "col", className: "progress-module"}, `${m.position}. ${m.title}`)),
      h("th", {scope: "col"}, "Read"), h("th", {scope: "col"}, "Score"), h("th", {scope: "col"}, "Last activity"),
      h("th", {scope: "col"}, "Status"))),
    h("tbody", {}, course.learners.map((learner) => learnerRow(learner, inactiveDays)))))
    : h("p", {dataset: {testid: "no-learners"}}, "No learner in this cohort yet.");
  return h("section", {className: "progress-course", "aria-labelledby": id,
    dataset: {testid: "progress-course", courseId: course.course_id}},
  h("h3", {id}, course.title),
  h("p", {className: "meta", dataset: {testid: "progress-released"}},
    `Version ${course.version}: ${course.released} of ${course.total} modules released.`),
  table, h("h4", {}, "Most-missed questions"), missedList(course));
}

/** The progress section of cohort `cohortId` (named `name()` for the CSV file); {el, start, refresh, stop}. */
export function progressSection(cohortId, name) {
  const error = messageBox("progress-error", "warning");
  const inactive = h("input", {type: "number", min: "1", max: "365", step: "1", value: "7",
    dataset: {testid: "inactive-days"}});
  const inactiveField = field("Inactive after (days without activity)", inactive);
  const csv = h("button", {type: "button", className: "secondary", dataset: {testid: "download-csv"}},
    "Download as CSV");
  const updated = h("p", {className: "meta", dataset: {testid: "progress-updated"}}, "Loading the progress…");
  const body = h("div", {dataset: {testid: "progress-body"}});
  const el = h("section", {className: "cohort-part", "aria-labelledby": "progress-heading"},
    h("h2", {id: "progress-heading"}, "Progress"),
    h("div", {className: "progress-controls"}, inactiveField.wrapper, h("div", {className: "actions"}, csv)),
    updated, error.el, body);
  let timer = null;
  let stopped = true;
  let shown = "";

  const days = () => {
    const n = Number(inactive.value);
    return Number.isInteger(n) && n >= 1 && n <= 365 ? n : 7;
  };

  async function refresh() {
    const wanted = days();
    let found;
    try {
      found = await api.get(`${cohortPaths.progress(cohortId)}?inactive_days=${wanted}`);
    } catch (err) {
      if (!stopped && err.status !== 401) error.show(`The progress could not be read again: ${err.message}`);
      return;
    }
    if (stopped) return;
    error.clear();
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}; read again every ${REFRESH_MS / 1000} seconds `
      + "while this page is open.";
    const {as_of: _, ...rest} = found;  // the time of the answer changes each time; the table may not
    const text = JSON.stringify(rest);
    if (text === shown) return;  // unchanged: leave the table (and whatever has focus in it) alone
    shown = text;
    replace(body, found.courses.length ? found.courses.map((course) => courseProgress(course, wanted))
      : h("p", {dataset: {testid: "no-progress"}}, "No course is assigned to this cohort yet."));
  }

  function tick() {
    timer = setTimeout(async () => {
      if (!document.hidden) await refresh();
      if (!stopped) tick();
    }, REFRESH_MS);
  }

  inactive.addEventListener("change", () => { inactiveField.valid(); refresh(); });
  csv.addEventListener("click", () => busy(csv, async () => {
    await download(`${cohortPaths.csv(cohortId)}?inactive_days=${days()}`, fileName(`${name()}-progress`, "csv"));
  }, (err) => error.show(err.message)));

  return {
    el,
    refresh,
    async start() {
      stopped = false;
      await refresh();
      if (!stopped) tick();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
