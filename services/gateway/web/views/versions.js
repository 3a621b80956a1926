// The Versions panel of a course that has been written: refresh it from its repository (following
// the refresh live by polling its status, as it runs the stages again), how the refresh ended in
// plain words, and every version newest first with its changelog, cost and download.

import {api, paths} from "../api.js";
import {announce, blockButton, busy, field, formatBytes, formatDate, h, messageBox, replace, showRequestError, uid}
  from "../dom.js";
import {isRunning} from "../progress.js";
import {exportChooser} from "./export_choice.js";
import {commitWords, costWords, outcomeWords, progressWords, refreshBlockedReason, sentence} from "./versions_words.js";

export const REFRESH_POLL_MS = 1000;
const STAGES = ["stage1", "stage2", "stage3", "stage4"];
const UNSEEN = Symbol("unseen");

/**
 * `courseTitle()` names the downloads; `onRefreshStep(stage)` is told, at every poll of a running
 * refresh, the stage it runs (so the course page can follow that stage); `onRefreshEnded()` once a
 * followed refresh has ended. Returns {el, start(), stagesChanged(statuses), dispose()}.
 */
export function createVersionsPanel({courseId, courseTitle, onRefreshStep, onRefreshEnded}) {
  let disposed = false;
  let timer = null;
  let following = false;     // a refresh this page watches run (started here or found running)
  let latest = null;         // GET …/refresh, as last read
  let versions = [];
  let runningStage = null;
  let stage4Seen = UNSEEN;
  let versionsAsked = 0;     // answers to an older request are dropped
  let pollRound = 0;         // likewise for polls: only the newest one goes on
  let awaited = null;        // the refresh this page asked for, until GET …/refresh shows it

  const ref = h("input", {type: "text", dataset: {testid: "refresh-ref"}, spellcheck: "false",
    placeholder: "main, v2.1.0 or a commit"});
  const refField = field("Branch, tag or commit (optional)", ref,
    "Leave empty to refresh from the one the course was built from.");
  const button = h("button", {type: "submit", dataset: {testid: "start-refresh"}}, "Refresh from repository");
  const blocked = h("p", {className: "prereq", id: uid("refresh-blocked"), hidden: true,
    dataset: {testid: "refresh-blocked"}});
  const actions = h("div", {className: "actions"}, button);
  const requestError = messageBox("refresh-error");
  const form = h("form", {className: "refresh-form", "aria-label": "Refresh from the repository", novalidate: true},
    h("details", {className: "more-options", dataset: {testid: "refresh-options"}},
      h("summary", {}, "Another branch, tag or commit"), refField.wrapper),
    actions, blocked, requestError.el);
  const progress = h("p", {className: "refresh-progress", role: "status", hidden: true, tabindex: "-1",
    dataset: {testid: "refresh-progress"}});
  const outcome = h("div", {className: "message", role: "status", hidden: true, tabindex: "-1",
    dataset: {testid: "refresh-outcome"}});
  const listError = messageBox("versions-error");
  const list = h("ol", {className: "version-list", "aria-labelledby": "versions-list-heading",
    dataset: {testid: "version-list"}});
  const el = h("section", {className: "versions", id: "versions", "aria-labelledby": "versions-heading",
    hidden: true, dataset: {testid: "versions-panel"}},
  h("h2", {id: "versions-heading", tabindex: "-1"}, "Versions"),
  h("p", {className: "intro"}, "When the repository changes, refresh the course: only the documents that "
    + "changed are analysed again and only the modules they feed are rewritten. Each refresh that changes "
    + "something writes a new version; every version stays downloadable."),
  form, progress, outcome,
  h("h3", {id: "versions-list-heading"}, "Every version, newest first"), listError.el, list);

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    requestError.clear();
    refField.valid();
    const body = ref.value.trim() ? {ref: ref.value.trim()} : {};
    busy(button, async () => {
      const started = await api.post(paths.action(courseId, "refresh"), body);
      awaited = started?.refresh_id || null;
      following = true;
      outcome.hidden = true;
      showProgress({status: "RUNNING", stage: "stage1", step: null});
      // The button is disabled while the refresh runs: focus waits on the progress, not on the page
      // (where the stages' panels, ending one by one, would each take it).
      if (document.activeElement === button || document.activeElement === document.body) progress.focus();
      announce("Refresh started.");
      await poll();
    }, refused);
  });

  /** A refused request beside the button (the ref's complaint under the ref field); a refresh that
   * turns out to be running already is followed instead. */
  function refused(err) {
    if (err?.status === 409 && /refresh is already running/.test(String(err.detail ?? ""))) {
      following = true;
      poll();
      return;
    }
    showRequestError(err, {ref: refField}, requestError);
  }

  function showProgress(status) {
    latest = status;
    progress.textContent = progressWords(status);
    progress.hidden = false;
    updateButton();
  }

  async function poll() {
    clearTimeout(timer);
    timer = null;
    pollRound += 1;
    const round = pollRound;
    let status;
    try {
      status = await api.get(paths.action(courseId, "refresh"));
    } catch (err) {
      if (disposed || round !== pollRound || err?.status === 401) return;
      if (following) {
        progress.textContent = `Lost contact with the gateway; retrying every ${REFRESH_POLL_MS / 1000} s. (${err.message})`;
        timer = setTimeout(poll, REFRESH_POLL_MS);
      }
      return;
    }
    if (disposed || round !== pollRound) return;
    if (awaited && status.refresh_id !== awaited) {  // not yet the refresh just asked for
      timer = setTimeout(poll, REFRESH_POLL_MS);
      return;
    }
    awaited = null;
    if (status.status === "RUNNING") {
      following = true;
      showProgress(status);
      onRefreshStep?.(status.stage);
      timer = setTimeout(poll, REFRESH_POLL_MS);
      return;
    }
    const ended = following;
    const focusWaited = progress.contains(document.activeElement) || document.activeElement === document.body;
    following = false;
    latest = status;
    progress.hidden = true;
    updateButton();
    if (ended) {
      await loadVersions();
      if (disposed) return;
      onRefreshEnded?.();
    }
    showOutcome(status, ended, focusWaited);
  }

  function showOutcome(status, justEnded, focusWaited = false) {
    const words = outcomeWords(status, versions);
    if (!words) {
      outcome.hidden = true;
      return;
    }
    const when = status.ended_at ? `Refresh ended ${formatDate(status.ended_at)}.` : "";
    const goToStage3 = words.toStage3 ? h("button", {type: "button", className: "link",
      dataset: {testid: "refresh-choose-pathway"}, onclick: () => {
        const heading = document.getElementById("stage3-heading");
        heading?.scrollIntoView({block: "start"});
        heading?.focus();
      }}, "Choose a pathway in stage 3") : null;
    replace(outcome,
      h("p", {className: "outcome-headline", dataset: {testid: "refresh-headline"}}, words.headline),
      words.detail ? h("p", {className: "outcome-detail"}, words.detail) : null,
      goToStage3,
      when ? h("p", {className: "hint"}, when) : null);
    outcome.className = `message ${words.kind}`;
    outcome.dataset.outcome = status.status;
    outcome.setAttribute("role", words.kind === "error" ? "alert" : "status");
    outcome.hidden = false;
    if (!justEnded) return;
    announce(words.headline);
    const active = document.activeElement;
    if (focusWaited || !active || active === document.body) outcome.focus();
  }

  function updateButton() {
    const reason = refreshBlockedReason(latest?.status === "RUNNING", runningStage);
    blocked.textContent = reason;
    blocked.hidden = !reason;
    blockButton(button, reason, blocked);
  }

  async function loadVersions() {
    versionsAsked += 1;
    const asked = versionsAsked;
    try {
      const answer = await api.get(paths.action(courseId, "versions"));
      if (disposed || asked !== versionsAsked) return;
      versions = answer.versions || [];
      listError.clear();
      replace(list, versions.map(versionItem));
      el.hidden = versions.length === 0;
    } catch (err) {
      if (!disposed && err?.status !== 401) listError.show(err.message);
    }
  }

  function versionItem(version) {
    const n = version.version;
    const saveError = messageBox("download-version-error");
    const formats = (version.export?.formats || [{format: "zip", label: "zip", suffix: ".zip", url: version.export?.url}])
      .map((entry) => entry.format === "zip" ? {...entry, bytes: version.export?.bytes} : entry);
    const save = exportChooser({formats, stem: `${courseTitle() || "course"}-v${n}`, testid: "download-version",
      dataset: {version: n}, className: "secondary", onStart: () => saveError.clear(),
      onError: (err) => { if (err?.status !== 401) saveError.show(err.message); },
      buttonText: (entry) => `Download version ${n} (${entry.format === "zip" ? "zip" : entry.label}`
        + `${entry.bytes ? `, ${formatBytes(entry.bytes)}` : ""})`});
    const changes = version.changes || [];
    return h("li", {className: "version", dataset: {testid: "version", version: n, current: String(Boolean(version.current))}},
      h("div", {className: "version-head"},
        h("span", {className: "version-name"}, `Version ${n}`),
        version.current ? h("span", {className: "badge badge-success", dataset: {testid: "version-current"}}, "current") : null,
        h("span", {className: "meta"}, formatDate(version.generated_at))),
      version.commit_sha ? h("p", {className: "meta commit", title: version.commit_sha,
        dataset: {testid: "version-commit"}}, commitWords(version)) : null,
      h("p", {className: "version-summary", dataset: {testid: "version-summary"}}, sentence(version.summary)),
      changes.length ? h("details", {className: "version-changes", dataset: {testid: "version-changes"}},
        h("summary", {}, `What changed (${changes.length})`),
        h("ul", {}, changes.map((line) => h("li", {}, line)))) : null,
      h("p", {className: "meta", dataset: {testid: "version-cost"}}, `Cost: ${costWords(version.cost)}.`),
      h("div", {className: "actions"}, save),
      saveError.el);
  }

  return {
    el,
    /** Read the versions and the latest refresh; follow it when it is running. */
    async start() {
      await loadVersions();
      if (!disposed) await poll();
    },
    /** The stages' statuses ({stageN: status}): the button waits while one runs, and a stage 4
     * that has just succeeded outside a refresh (the first version) is listed. */
    stagesChanged(statuses) {
      runningStage = STAGES.find((stage) => isRunning(statuses[stage])) || null;
      updateButton();
      const stage4 = statuses.stage4;
      if (!stage4) return;
      const key = `${stage4.task_id}:${stage4.status}`;
      const first = stage4Seen === UNSEEN;
      if (key === stage4Seen) return;
      stage4Seen = key;
      if (!first && stage4.status === "SUCCESS" && !following) loadVersions();
    },
    dispose() {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
