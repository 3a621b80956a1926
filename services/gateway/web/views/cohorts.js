// The cohorts of the signed-in user (#/cohorts): those they own (they add learners and mentors and
// assign their courses) and those they mentor (they follow the learners' progress); a new cohort.

import {api} from "../api.js";
import {announce, busy, field, formatDate, h, messageBox, replace, showRequestError} from "../dom.js";

export const cohortPaths = {
  cohorts: "/api/cohorts",
  cohort: (id) => `/api/cohorts/${encodeURIComponent(id)}`,
  members: (id) => `/api/cohorts/${encodeURIComponent(id)}/members`,
  member: (id, user) => `/api/cohorts/${encodeURIComponent(id)}/members/${encodeURIComponent(user)}`,
  courses: (id) => `/api/cohorts/${encodeURIComponent(id)}/courses`,
  progress: (id) => `/api/cohorts/${encodeURIComponent(id)}/progress`,
  csv: (id) => `/api/cohorts/${encodeURIComponent(id)}/progress.csv`,
};

export function cohortHref(id) {
  return `#/cohorts/${encodeURIComponent(id)}`;
}

function cohortItem(cohort, role) {
  return h("li", {className: "course-row", dataset: {testid: "cohort-row", cohortId: cohort.cohort_id, role}},
    h("div", {className: "course-name"},
      h("a", {href: cohortHref(cohort.cohort_id), dataset: {testid: "cohort-link"}}, cohort.name)),
    cohort.created_at ? h("p", {className: "meta"}, `Created ${formatDate(cohort.created_at)}`) : null);
}

export function cohortsView(root, navigate) {
  let disposed = false;
  const error = messageBox("cohorts-error");
  const nameInput = h("input", {type: "text", maxlength: "200", required: true, autocomplete: "off",
    dataset: {testid: "new-cohort-name"}});
  const nameField = field("Name", nameInput, "For example “Spring 2025, backend team”.");
  const create = h("button", {type: "submit", dataset: {testid: "create-cohort"}}, "Create cohort");
  const createError = messageBox("create-cohort-error");
  const form = h("form", {className: "create-form", "aria-labelledby": "new-cohort-heading", novalidate: true},
    h("h2", {id: "new-cohort-heading"}, "New cohort"), nameField.wrapper, h("div", {className: "actions"}, create),
    createError.el);
  const owned = h("ul", {className: "course-list", dataset: {testid: "owned-cohorts"}});
  const ownedEmpty = h("p", {dataset: {testid: "no-owned-cohorts"}, hidden: true},
    "You have no cohort yet: create one, then add learners and assign it a course.");
  const mentored = h("ul", {className: "course-list", dataset: {testid: "mentored-cohorts"}});
  const mentoredEmpty = h("p", {dataset: {testid: "no-mentored-cohorts"}, hidden: true},
    "You mentor no cohort.");
  const heading = h("h1", {tabindex: "-1"}, "Cohorts");
  replace(root, heading,
    h("p", {className: "intro"}, "A cohort is a group of learners, and the mentors who follow them, taught your "
      + "courses on a release schedule. Learners find what you assign them under ", h("a", {href: "#/learn"}, "Learn"),
    "."),
    error.el, form, h("h2", {}, "Cohorts you own"), ownedEmpty, owned, h("h2", {}, "Cohorts you mentor"),
    mentoredEmpty, mentored);
  document.title = "Cohorts — coursegen";
  heading.focus();

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    createError.clear();
    const name = nameInput.value.trim();
    if (!name) { nameField.invalid("Give the cohort a name."); nameInput.focus(); return; }
    busy(create, async () => {
      const cohort = await api.post(cohortPaths.cohorts, {name});
      announce(`Cohort “${cohort.name}” created.`);
      navigate(cohortHref(cohort.cohort_id));
    }, (err) => showRequestError(err, {name: nameField}, createError));
  });

  api.get(cohortPaths.cohorts).then((found) => {
    if (disposed) return;
    replace(owned, found.owned.map((cohort) => cohortItem(cohort, "owner")));
    replace(mentored, found.mentored.map((cohort) => cohortItem(cohort, "mentor")));
    ownedEmpty.hidden = found.owned.length > 0;
    mentoredEmpty.hidden = found.mentored.length > 0;
  }).catch((err) => { if (!disposed && err.status !== 401) error.show(err.message); });
  return () => { disposed = true; };
}
