// What the signed-in user is taught (#/learn): each course assigned to one of their cohorts, with the
// cohort, how many of its modules are released, when the next one comes, and which released modules
// they have not read yet.

import {api} from "../api.js";
import {formatDay, h, messageBox, replace} from "../dom.js";
import {learnPaths, releaseText} from "./learn_source.js";
import {learnHref} from "./reader_routes.js";

function item(course) {
  const learner = course.role === "learner";
  const unread = learner ? course.unread.length : 0;
  const open = h("a", {href: learnHref(course.course_id), dataset: {testid: "learn-open"}}, course.title);
  const fresh = unread
    ? h("p", {className: "learn-new", dataset: {testid: "learn-new", count: unread}},
      h("span", {className: "badge badge-new"}, "New"),
      ` ${unread} released module${unread === 1 ? "" : "s"} you have not read yet.`)
    : null;
  return h("li", {className: "course-row", dataset: {testid: "learn-course", courseId: course.course_id}},
    h("div", {className: "course-name"}, open),
    h("p", {className: "meta"}, h("span", {dataset: {testid: "learn-cohort"}}, `Cohort: ${course.cohort}`),
      learner ? null : h("span", {className: "badge learn-role", dataset: {testid: "learn-role"}}, "You mentor it")),
    course.description ? h("p", {className: "description"}, course.description) : null,
    h("p", {dataset: {testid: "learn-released", released: course.released, total: course.total}},
      releaseText({...course, next_release: null}) + "."),
    course.next_release
      ? h("p", {className: "meta", dataset: {testid: "learn-next"}}, `Next module on ${formatDay(course.next_release)}.`)
      : null,
    fresh,
    learner && course.released
      ? h("p", {className: "meta", dataset: {testid: "learn-completed"}},
        `${course.completed} of ${course.released} released module${course.released === 1 ? "" : "s"} completed `
        + "(read, and every question answered).")
      : null);
}

export function learnView(root) {
  let disposed = false;
  const error = messageBox("learn-error");
  const heading = h("h1", {tabindex: "-1"}, "Assigned to you");
  const list = h("ul", {className: "course-list", dataset: {testid: "learn-list"}});
  const empty = h("p", {dataset: {testid: "learn-empty"}, hidden: true},
    "No course is assigned to you yet. When a course's owner adds you to a cohort, its courses show here.");
  replace(root, heading, h("p", {className: "intro"}, "The courses of the cohorts you are in."), error.el, empty,
    list);
  document.title = "Assigned to you — coursegen";
  heading.focus();

  api.get(learnPaths.courses).then((found) => {
    if (disposed) return;
    const items = found.items || [];
    replace(list, items.map(item));
    empty.hidden = items.length > 0;
  }).catch((err) => { if (!disposed && err.status !== 401) error.show(err.message); });
  return () => { disposed = true; };
}
