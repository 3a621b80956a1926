// The frame every stage shares: heading, status, progress bar with the current step, the error
// (of the run, or of the last request made from the panel), and cancel / retry buttons.

import {api, paths} from "../api.js";
import {announce, blockButton, h, messageBox, showRequestError, uid} from "../dom.js";
import {isRunning} from "../progress.js";
import {alreadyRunning, stageMarks} from "./stage_marks.js";

const LABELS = {
  PENDING: "Not started", STARTED: "Running", RETRY: "Retrying", SUCCESS: "Succeeded",
  FAILURE: "Failed", CANCELLED: "Cancelled",
};

export function statusLabel(status) {
  if (!status) return "Unknown";
  if (status.status === "PENDING" && status.task_id) return "Waiting for a worker";
  return LABELS[status.status] || status.status;
}

/**
 * A stage panel. `number` 1–4; `onCancelled` / `onRetried` are told when those requests succeed.
 * Returns {el, body, status, fields, setStatus(s), showError(text, source), clearError(), requestError(e),
 * blockStart(reason), focusAfterRun(nextPanel)}. A stage registers its form's fields in `fields`
 * (API field name → field()) so a refused request marks the field it is about.
 */
export function stagePanel({number, title, intro, courseId, onRetried, onCancelled}) {
  const stage = `stage${number}`;
  const headingId = `${stage}-heading`;
  const statusText = h("span", {className: "badge", dataset: {testid: `${stage}-status`, status: "PENDING"}},
    "Not started");
  const bar = h("progress", {max: "100", value: "0", dataset: {testid: `${stage}-progress`},
    "aria-labelledby": `${stage}-progress-label`});
  const percent = h("span", {dataset: {testid: `${stage}-percent`}}, "0%");
  const step = h("span", {className: "step", dataset: {testid: `${stage}-step`}});
  const times = h("p", {className: "hint", dataset: {testid: `${stage}-times`}});
  // Items the offline engine produced because the model's answer stayed invalid: how many, and why.
  const fallbacks = h("details", {hidden: true, dataset: {testid: `${stage}-fallbacks`}});
  const error = messageBox("stage-error");
  error.el.dataset.stage = stage;
  const marks = stageMarks(stage);  // out of date, engine, "already running"
  // A refused request from a button in the stage's body (start, save, choose…): shown beside it.
  const actionError = messageBox("action-error");
  actionError.el.dataset.stage = stage;
  const cancel = h("button", {type: "button", className: "secondary", hidden: true,
    dataset: {testid: "cancel-stage", stage}}, "Cancel");
  const retry = h("button", {type: "button", hidden: true, dataset: {testid: "retry-stage", stage}}, "Retry");
  const progressBlock = h("div", {className: "progress", hidden: true},
    h("span", {id: `${stage}-progress-label`, className: "visually-hidden"}, `Progress of stage ${number}`),
    bar, h("p", {className: "progress-text", "aria-live": "polite"}, percent, " — ", step));
  const body = h("div", {className: "stage-body"});
  const el = h("section", {className: "stage", id: stage, "aria-labelledby": headingId,
    dataset: {testid: `${stage}-panel`, status: "PENDING"}},
  h("div", {className: "stage-head"},
    h("h2", {id: headingId, tabindex: "-1"}, h("span", {className: "stage-number", "aria-hidden": "true"}, String(number)),
      h("span", {className: "visually-hidden"}, `Stage ${number}: `), ` ${title}`),
    h("span", {className: "status-line"}, h("span", {className: "visually-hidden"}, "Status: "), statusText,
      marks.badge)),
  intro ? h("p", {className: "intro"}, intro) : null,
  progressBlock, times, ...marks.details, fallbacks, error.el,
  h("div", {className: "actions"}, cancel, retry),
  body);

  const panel = {el, body, stage, status: null, fields: {}};
  let errorSource = null;

  panel.setStatus = (status) => {
    // A new run, or the run's status changed: the last request's error is history, not news.
    if (errorSource === "request" && ((status?.task_id && status.task_id !== panel.status?.task_id)
        || (status?.status && status.status !== panel.status?.status))) {
      panel.clearError();
    }
    panel.status = status;
    marks.update(status);
    const code = status?.status || "PENDING";
    const running = isRunning(status);
    el.dataset.status = code;
    statusText.dataset.status = code;
    statusText.textContent = statusLabel(status);
    statusText.className = `badge badge-${code.toLowerCase()}`;
    const progress = Math.max(0, Math.min(100, Number(status?.progress ?? 0)));
    bar.value = progress;
    bar.textContent = `${progress}%`;
    percent.textContent = `${progress}%`;
    step.textContent = status?.current_step || "";
    progressBlock.hidden = !status?.task_id;
    const started = status?.started_at ? `Started ${new Date(status.started_at).toLocaleString()}` : "";
    const completed = status?.completed_at ? `; finished ${new Date(status.completed_at).toLocaleString()}` : "";
    times.textContent = started + completed;
    const fellBack = Array.isArray(status?.fallbacks) ? status.fallbacks : [];
    fallbacks.hidden = fellBack.length === 0;
    fallbacks.replaceChildren(
      h("summary", {}, `${fellBack.length} item(s) written by the offline engine instead of the model`),
      h("ul", {}, fellBack.map((f) => h("li", {}, `${f.item || ""} — ${f.reason || ""}`))));
    cancel.hidden = !running;
    retry.hidden = !(code === "FAILURE" || code === "CANCELLED");
    if (code === "FAILURE" && errorSource !== "request") {
      panel.showError(`Stage ${number} failed: ${status.error_message || "no reason was given"}`, "run");
    } else if (code !== "FAILURE" && errorSource === "run") {
      panel.clearError();
    }
  };

  panel.showError = (text, source = "request") => {
    errorSource = source;
    error.show(text, source);
  };
  panel.clearError = () => {
    errorSource = null;
    error.clear();
    actionError.clear();
    actionError.el.remove();
    for (const f of Object.values(panel.fields)) f.valid();
  };
  /**
   * A failed request's message where it happened: beside the button in the stage's body that made
   * it (its fields marked invalid), else under the status. Nothing when it sent the user to sign-in.
   */
  panel.requestError = (err) => {
    if (err?.status === 401) return;
    if (alreadyRunning(err)) {  // agrees with the badge: information, not an error
      marks.note(`Stage ${number} is already running; its progress is shown here.`);
      panel.onAlreadyRunning?.();
      return;
    }
    const control = err?.control;
    if (control && body.contains(control)) {
      errorSource = "request";
      (control.closest(".actions") || control).after(actionError.el);
      showRequestError(err, panel.fields, actionError);
    } else {
      panel.showError(err?.message || String(err));
    }
  };

  /** The stage's start button, disabled with `reason` shown next to it (empty: usable). */
  panel.blockStart = (reason) => {
    const start = body.querySelector(".stage-form .actions button[type=submit]");
    const why = body.querySelector(".stage-form .prereq");
    if (why && !why.id) why.id = uid(`${stage}-prereq`);
    if (start) blockButton(start, reason, why);
  };

  /**
   * When a run has ended, focus what comes next: after success the stage's marked result
   * ([data-focus-after-run]) or the next stage's start button; after failure the retry button.
   * Only when focus is lost or in this stage: a user busy elsewhere keeps their place.
   */
  panel.focusAfterRun = (nextPanel) => {
    const active = document.activeElement;
    if (active && active !== document.body && !el.contains(active)) return;
    const usable = (node) => node && !node.disabled && !node.hidden && node.getClientRects().length > 0;
    let target = null;
    if (panel.status?.status === "SUCCESS") {
      const nextStart = nextPanel?.el.querySelector(".stage-form .actions button[type=submit]");
      target = [body.querySelector("[data-focus-after-run]"), nextStart].find(usable);
    } else {
      target = usable(retry) ? retry : null;
      if (!target && error.text) { error.focus(); return; }
    }
    (target || el.querySelector(`#${headingId}`)).focus();
  };

  async function act(button, action, verb, then) {
    button.disabled = true;
    panel.clearError();
    try {
      const result = await api.post(paths.action(courseId, `${stage}/${action}`));
      announce(`Stage ${number} ${verb}.`);
      then?.(result);
    } catch (err) {
      panel.requestError(err);
    } finally {
      button.disabled = false;
    }
  }
  cancel.addEventListener("click", () => act(cancel, "cancel", "cancelled", onCancelled));
  retry.addEventListener("click", () => act(retry, "retry", "restarted", onRetried));
  return panel;
}
