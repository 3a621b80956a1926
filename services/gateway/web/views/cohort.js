// One cohort (#/cohorts/<id>): its members, the courses assigned to it and its learners' progress,
// live. Its owner adds members and assigns courses; a mentor sees the same page without those forms.
// Anyone else is told it does not exist, as the gateway answers them.

import {api, session} from "../api.js";
import {h, messageBox, replace} from "../dom.js";
import {cohortPaths} from "./cohorts.js";
import {coursesSection} from "./cohort_courses.js";
import {membersSection} from "./cohort_members.js";
import {progressSection} from "./cohort_progress.js";

export function cohortView(root, cohortId) {
  let disposed = false;
  let cohort = null;
  let shown = false;
  const heading = h("h1", {tabindex: "-1", dataset: {testid: "cohort-title"}}, "Cohort");
  const role = h("p", {className: "meta", dataset: {testid: "cohort-role"}});
  const pageError = messageBox("page-error");
  const loading = h("p", {className: "loading"}, "Loading the cohort…");
  const members = membersSection(cohortId, reload);
  const courses = coursesSection(cohortId, reload);
  const progress = progressSection(cohortId, () => cohort?.name || "cohort");
  replace(root,
    h("p", {className: "breadcrumb"}, h("a", {href: "#/cohorts", dataset: {testid: "back-to-cohorts"}}, "← All cohorts")),
    heading, role, pageError.el, loading);
  document.title = "Cohort — coursegen";
  heading.focus();

  /** The cohort again (after a change), and its progress. */
  async function reload() {
    const found = await api.get(cohortPaths.cohort(cohortId));
    if (disposed) return;
    cohort = found;
    const manage = found.owner_id === session.user;
    heading.textContent = found.name;
    document.title = `${found.name} — coursegen`;
    role.textContent = manage ? "You own this cohort: add its members and assign it courses."
      : "You mentor this cohort: follow its learners' progress.";
    role.dataset.manage = String(manage);
    members.show(found.members, manage);
    courses.show(found.courses, manage);
    if (shown) await progress.refresh();  // a member or a course more: the table changes now
  }

  (async () => {
    try {
      await reload();
    } catch (err) {
      loading.remove();
      if (err.status === 404) {
        heading.textContent = "Cohort not found";
        document.title = "Cohort not found — coursegen";
        pageError.show("This cohort does not exist: it may never have existed, or you neither own nor mentor it.");
      } else if (err.status !== 401) {
        pageError.show(err.message);
      }
      return;
    }
    if (disposed) return;
    loading.remove();
    root.append(h("div", {className: "cohort-parts"}, members.el, courses.el, progress.el));
    shown = true;
    progress.start();
  })();

  return () => {
    disposed = true;
    progress.stop();
  };
}
