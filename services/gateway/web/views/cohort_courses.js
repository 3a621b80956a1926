// The courses taught to a cohort, each with its version and release schedule; the cohort's owner
// assigns one of their written courses, all modules at once or one module every few days from a day
// (assigning it again takes its current version and the new schedule).

import {api, paths} from "../api.js";
import {announce, busy, field, formatDay, h, messageBox, replace, showRequestError, uid} from "../dom.js";
import {cohortPaths} from "./cohorts.js";
import {learnHref} from "./reader_routes.js";

export function scheduleText(release) {
  if (!release) return "Every module at once";
  const every = release.every_days === 1 ? "every day" : `every ${release.every_days} days`;
  return `One module ${every} from ${formatDay(release.start)}`;
}

/** Today in the browser's time zone, as a date input takes it. */
function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function assignedItem(course, manage) {
  // The owner opens their course's page; a mentor reads it as the cohort's learners do.
  const href = manage ? `#/courses/${encodeURIComponent(course.course_id)}` : learnHref(course.course_id);
  return h("li", {className: "course-row", dataset: {testid: "assigned-course", courseId: course.course_id}},
    h("div", {className: "course-name"}, h("a", {href}, course.title)),
    h("p", {className: "meta", dataset: {testid: "assigned-schedule"}},
      `Version ${course.version} · ${scheduleText(course.release)}.`));
}

function assignForm(cohortId, onAssigned) {
  const course = h("select", {required: true, dataset: {testid: "assign-course"}},
    h("option", {value: ""}, "Loading your courses…"));
  const scheduled = h("input", {type: "checkbox", id: uid("scheduled"), dataset: {testid: "assign-scheduled"}});
  const every = h("input", {type: "number", min: "1", max: "365", step: "1", value: "1", required: true,
    dataset: {testid: "assign-every"}});
  const start = h("input", {type: "date", value: today(), required: true, dataset: {testid: "assign-start"}});
  const fields = {
    course_id: field("Course", course, "Only courses written by stage 4 can be taught."),
    every_days: field("One module every … days", every),
    start: field("From (the first module's day)", start),
  };
  const schedule = h("fieldset", {className: "schedule", hidden: true, dataset: {testid: "assign-schedule"}},
    h("legend", {}, "Release schedule"), fields.every_days.wrapper, fields.start.wrapper);
  const assign = h("button", {type: "submit", dataset: {testid: "assign-submit"}}, "Assign course");
  const error = messageBox("assign-error");
  const form = h("form", {className: "create-form", "aria-labelledby": "assign-heading", novalidate: true},
    h("h3", {id: "assign-heading"}, "Assign a course"), fields.course_id.wrapper,
    h("div", {className: "check-field"}, scheduled,
      h("label", {for: scheduled.id}, "Release one module at a time instead of every module at once")),
    schedule, h("p", {className: "hint"}, "Assigning a course again gives the cohort its current version and "
      + "this schedule."),
    h("div", {className: "actions"}, assign), error.el);
  scheduled.addEventListener("change", () => { schedule.hidden = !scheduled.checked; });

  api.get(`${paths.courses}?limit=500`).then((courses) => {
    const ready = courses.filter((c) => c.course_ready);
    replace(course, h("option", {value: ""}, ready.length ? "Choose a course" : "No written course yet"),
      ready.map((c) => h("option", {value: c.course_id}, c.title)));
    if (!ready.length) fields.course_id.invalid("None of your courses is written yet: run stage 4 on one first.");
  }).catch((err) => { if (err.status !== 401) error.show(err.message); });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    error.clear();
    if (!course.value) { fields.course_id.invalid("Choose the course to assign."); course.focus(); return; }
    const body = {course_id: course.value};
    if (scheduled.checked) {
      const days = Number(every.value);
      if (!Number.isInteger(days) || days < 1 || days > 365) {
        fields.every_days.invalid("A whole number of days, from 1 to 365.");
        every.focus();
        return;
      }
      if (!start.value) { fields.start.invalid("Choose the day the first module is released."); start.focus(); return; }
      body.release = {every_days: days, start: start.value};
    }
    const title = course.selectedOptions[0]?.textContent || "The course";
    busy(assign, async () => {
      await api.post(cohortPaths.courses(cohortId), body);
      announce(`“${title}” assigned to the cohort.`);
      await onAssigned();
    }, (err) => showRequestError(err, fields, error));
  });
  return form;
}

/** The courses section of cohort `cohortId`; `onChanged()` is called once a course is assigned. */
export function coursesSection(cohortId, onChanged) {
  const list = h("ul", {className: "course-list", dataset: {testid: "assigned-courses"}});
  const empty = h("p", {dataset: {testid: "no-assigned-courses"}, hidden: true}, "No course is assigned to this cohort yet.");
  const slot = h("div");
  const el = h("section", {className: "cohort-part", "aria-labelledby": "courses-heading"},
    h("h2", {id: "courses-heading"}, "Courses"), empty, list, slot);
  let formShown = false;
  return {
    el,
    show(courses, manage) {
      replace(list, courses.map((course) => assignedItem(course, manage)));
      empty.hidden = courses.length > 0;
      if (manage && !formShown) {
        replace(slot, assignForm(cohortId, onChanged));
        formShown = true;
      }
    },
  };
}
