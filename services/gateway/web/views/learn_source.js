// The reader of a course assigned to the signed-in user (#/learn/<id>/read/<n>): the modules released
// to their cohort of the version assigned (GET /api/learn/courses/<id>), their reading and answers
// kept by the gateway (learn_progress.js). No way to the course's settings, and no Ask panel: those
// are its author's. A mentor reads the same modules; the gateway records learners' progress only, so
// a mentor's stays in this browser.

import {api, session} from "../api.js";
import {formatDay, h} from "../dom.js";
import {learnerStore} from "./learn_progress.js";
import {progressStore} from "./reader_progress.js";
import {learnHref} from "./reader_routes.js";

export const learnPaths = {
  courses: "/api/learn/courses",
  course: (id) => `/api/learn/courses/${encodeURIComponent(id)}`,
};

/** "2 of 5 modules released · the next on 3 Jun 2025" from {released, total, next_release}. */
export function releaseText({released, total, next_release: next}) {
  const base = released >= total
    ? `All ${total} module${total === 1 ? "" : "s"} released`
    : `${released} of ${total} module${total === 1 ? "" : "s"} released`;
  return next ? `${base} · the next on ${formatDay(next)}` : base;
}

function waitingText(count, problem) {
  const changes = `${count} change${count === 1 ? "" : "s"} to your progress`;
  if (problem === "offline") return `You are offline: ${changes} wait in this browser and are sent when you are back online.`;
  if (problem === "failed") return `${changes} could not be sent yet: they are kept in this browser and sent again shortly.`;
  return "";  // being sent now
}

/** The node that says whether the learner's progress has reached the gateway. */
function syncStatus() {
  const node = h("p", {className: "reader-note", role: "status", dataset: {testid: "sync-status", pending: "0"}});
  return {
    node,
    show(count, problem) {
      node.dataset.pending = String(count);
      node.dataset.problem = problem;
      node.textContent = count ? waitingText(count, problem) : "";
    },
  };
}

export const learnSource = {
  href: learnHref,
  back: () => ({href: "#/learn", label: "← Assigned to you"}),
  ask: false,
  notFound: "This course is not assigned to you: it may not exist, or your cohort no longer has it.",
  missing: (position) => `Module ${position} is not released to you yet; here is module 1.`,
  async load(courseId) {
    const course = await api.get(learnPaths.course(courseId));
    const mentor = course.role !== "learner" ? " You mentor this cohort: your reading is not recorded." : "";
    const language = course.language_note ? ` ${course.language_note}` : "";
    return {...course, modules: course.modules || [], note: `${releaseText(course)}.${mentor}${language}`};
  },
  empty: (courseId, course) => [course.next_release
    ? `No module of this course is released yet: the first comes on ${formatDay(course.next_release)}.`
    : "This course has no module to read yet.", " ", h("a", {href: "#/learn"}, "Back to your courses"), "."],
  async store(courseId, course) {
    if (course.role !== "learner") return progressStore(session.user, courseId);
    const status = syncStatus();
    const store = await learnerStore(session.user, courseId, course.modules, {onPending: status.show});
    store.statusNode = status.node;
    return store;
  },
};
