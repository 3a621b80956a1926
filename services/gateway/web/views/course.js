// One course: its header and the four stages as a guided flow. While a stage runs, its progress
// is followed live (Server-Sent Events, or polling when the stream fails).

import {api, paths} from "../api.js";
import {announce, h, messageBox, replace} from "../dom.js";
import {isRunning, watchStage} from "../progress.js";
import {createStage1} from "./stage1.js";
import {createStage2} from "./stage2.js";
import {createStage3} from "./stage3.js";
import {createStage4} from "./stage4.js";
import {courseHeader} from "./course_header.js";
import {readerHref} from "./reader_routes.js";
import {createVersionsPanel} from "./versions.js";
import {createEditPanel} from "./edit_course.js";
import {createForkControl} from "./fork.js";
import {createLanguageSetting} from "./course_language.js";

const STAGES = ["stage1", "stage2", "stage3", "stage4"];

export function courseView(root, courseId) {
  let disposed = false;
  let watching = null;
  const parts = {};
  const trouble = messageBox("connection-warning", "warning");
  const heading = h("h1", {tabindex: "-1", dataset: {testid: "course-title"}}, "Course");
  const status = h("span", {className: "badge", dataset: {testid: "course-status"}});
  // Once stage 4 has written the course, the way to read it is at the top, not under four stages.
  const read = h("a", {href: readerHref(courseId), className: "button-link course-read", hidden: true,
    dataset: {testid: "course-read"}}, "Read the course");
  const description = h("p", {className: "description", dataset: {testid: "course-description"}});
  const pageError = messageBox("page-error");
  const fork = createForkControl({courseId, courseTitle: () => shown?.title});
  const language = createLanguageSetting({onChanged: () => refreshCourse()});
  replace(root,
    h("p", {className: "breadcrumb"}, h("a", {href: "#/courses", dataset: {testid: "back-to-courses"}}, "← All courses")),
    h("div", {className: "course-head"}, heading, status, read), description, language.el, fork.el, pageError.el, trouble.el,
    h("p", {className: "loading", id: "course-loading"}, "Loading the course…"));
  heading.focus();

  let shown = null;  // the course as last read

  function showCourse(course) {
    shown = course;
    heading.textContent = course.title;
    document.title = `${course.title} — coursegen`;
    showStatus();
    description.textContent = course.description || "";
    description.hidden = !course.description;
    language.show(course);
  }

  /** The header's status from the course and the stages' live statuses: the latest run decides. */
  function showStatus() {
    if (!shown) return;
    const statuses = Object.fromEntries(STAGES.map((stage) => [stage, parts[stage]?.panel.status]));
    const header = courseHeader(shown, statuses);
    if (status.textContent !== header.text) status.textContent = header.text;
    status.dataset.status = header.code;
    status.dataset.stale = String(header.stale);
    status.className = header.stale ? "badge badge-stale" : "badge";
    read.hidden = !shown.course_ready;
    parts.versions?.stagesChanged(statuses);
    parts.edits?.stagesChanged(statuses);
    fork.stagesChanged(statuses);
  }

  async function refreshCourse() {
    try {
      const course = await api.get(paths.course(courseId));
      if (!disposed) showCourse(course);
    } catch { /* the header is not worth an error of its own */ }
  }

  function updatePrerequisites() {
    const s = Object.fromEntries(STAGES.map((stage) => [stage, parts[stage].panel.status?.status]));
    const waiting = (stage) => isRunning(parts[stage].panel.status) || s[stage] === "SUCCESS";
    // A stage that cannot start yet says why, and its start button is disabled.
    const require = (stage, reason) => {
      parts[stage].setPrerequisite(reason);
      parts[stage].panel.blockStart(reason);
    };
    require("stage2", waiting("stage2") ? "" : s.stage1 !== "SUCCESS"
      ? "First, stage 1 must succeed: clone and scan a repository, then save a folder selection."
      : parts.stage1.hasSelection ? "" : "First, save a folder selection in stage 1.");
    require("stage3", waiting("stage3") || s.stage2 === "SUCCESS" ? ""
      : "First, stage 2 must succeed: analyse the documents.");
    require("stage4", waiting("stage4") ? "" : s.stage3 !== "SUCCESS"
      ? "First, stage 3 must succeed and a pathway must be chosen."
      : parts.stage3.selectedId ? "" : "First, choose a pathway in stage 3.");
  }

  async function refreshStatus(stage) {
    try {
      const full = await api.get(paths.action(courseId, `${stage}/status`));
      if (disposed) return;
      parts[stage].panel.setStatus(full);
      showStatus();
      await parts[stage].load();
      if (disposed) return;
      updatePrerequisites();
      if (isRunning(full)) ensureWatching();
    } catch (err) {
      parts[stage].panel.requestError(err);
    }
  }

  /** A stage whose run did not change, read again for what another stage's success changed in it
   * (out of date): its results stay as they are. */
  async function refreshMarks(stage) {
    try {
      const full = await api.get(paths.action(courseId, `${stage}/status`));
      const now = parts[stage].panel.status;
      if (disposed) return;
      if (full.status === now?.status && full.task_id === now?.task_id) parts[stage].panel.setStatus(full);
      else await refreshStatus(stage);
      showStatus();
    } catch { /* the stream or the next refresh brings it */ }
  }

  /** A status from the stream, polling or a request: show it, and react when a run ends. */
  function apply(stage, next) {
    const part = parts[stage];
    if (!part || disposed) return;
    const wasRunning = isRunning(part.panel.status);
    part.panel.setStatus(next);
    showStatus();
    if (wasRunning && !isRunning(next)) {
      announce(`Stage ${stage.slice(-1)}: ${next.status === "SUCCESS" ? "finished" : next.status.toLowerCase()}.`);
      const nextPanel = parts[STAGES[STAGES.indexOf(stage) + 1]]?.panel;
      refreshStatus(stage).then(() => { if (!disposed) part.panel.focusAfterRun(nextPanel); });
      if (next.status === "SUCCESS") for (const other of STAGES) if (other !== stage) refreshMarks(other);
      refreshCourse();
    } else if (isRunning(next)) {
      ensureWatching();
    }
    updatePrerequisites();
  }

  function ensureWatching() {
    if (watching || disposed) return;
    const stage = STAGES.find((s) => isRunning(parts[s].panel.status));
    if (!stage) return;
    const watcher = watchStage(courseId, stage, {
      onStatus: (statuses) => { for (const [s, value] of Object.entries(statuses)) apply(s, value); },
      onFinished: () => { watching = null; trouble.clear(); ensureWatching(); },
      onTrouble: (message) => (message ? trouble.show(message) : trouble.clear()),
    });
    watching = {stage, watcher};
  }

  const ctx = {
    courseId,
    course: null,
    started(stage, result) {
      parts[stage].panel.clearError();
      apply(stage, {status: "PENDING", task_id: result?.task_id || "pending", progress: 0,
        current_step: "Waiting for a worker", error_message: null});
      parts[stage].load();
      announce(`Stage ${stage.slice(-1)} started.`);
      refreshCourse();
    },
    refreshStatus,
    selectionSaved: updatePrerequisites,
    pathwayChosen: () => { updatePrerequisites(); refreshCourse(); },
  };

  (async () => {
    let course;
    try {
      course = await api.get(paths.course(courseId));
    } catch (err) {
      root.querySelector("#course-loading")?.remove();
      if (err.status === 404) {
        heading.textContent = "Course not found";
        pageError.show("This course does not exist: it may have been deleted, or it belongs to another user.");
      } else if (err.status !== 401) {
        pageError.show(err.message);
      }
      return;
    }
    if (disposed) return;
    ctx.course = course;
    showCourse(course);
    parts.stage1 = createStage1(ctx);
    parts.stage2 = createStage2(ctx);
    parts.stage3 = createStage3(ctx);
    parts.stage4 = createStage4(ctx);
    // A start refused because the stage already runs (another tab, a second click): show that run.
    for (const stage of STAGES) parts[stage].panel.onAlreadyRunning = () => refreshStatus(stage);
    // A refresh runs the stages again: the page follows the stage it runs, and reads them all at its end.
    parts.versions = createVersionsPanel({courseId, courseTitle: () => shown?.title,
      onRefreshStep: (stage) => { if (stage && watching?.stage !== stage) refreshMarks(stage); },
      onRefreshEnded: () => { for (const stage of STAGES) refreshMarks(stage); refreshCourse(); }});
    parts.edits = createEditPanel({courseId, onVersionStarted: (result) => ctx.started("stage4", result)});
    root.querySelector("#course-loading")?.remove();
    root.append(h("div", {className: "stages"}, STAGES.map((s) => parts[s].panel.el), parts.versions.el,
      parts.edits.el));
    await Promise.all(STAGES.map((stage) => refreshStatus(stage)));
    if (!disposed) updatePrerequisites();
    if (!disposed) parts.versions.start();
  })();

  return () => {
    disposed = true;
    parts.versions?.dispose();
    watching?.watcher.stop();
    watching = null;
  };
}
