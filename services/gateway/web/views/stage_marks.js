// What a stage's status says beyond its run (services/gateway/domain/lineage.py): whether the
// result shown is out of date — built on an earlier run of a stage that has run again since — and
// which engine wrote it. Also the note for a start refused because the stage is already running:
// information that agrees with the badge, gone once that run has ended.

import {h, messageBox} from "../dom.js";
import {FINAL} from "../progress.js";

const MODEL_WOULD_ADD = {
  stage2: "A model would read each document for its meaning and write its summary, key concepts and "
    + "learning objectives in its own words; the offline engine derives them from the text's structure.",
  stage3: "A model would weigh which order teaches best and name and describe the modules in its own "
    + "words; the offline engine orders by prerequisites and reuses the documents' titles.",
  stage4: "A model would explain each module in its own words and write questions that test "
    + "understanding; the offline engine arranges the documents' own text and asks from it.",
};

/** "offline engine" or "provider · model", and for the offline engine what a model would add. */
export function engineText(stage, engine) {
  if (!engine) return null;
  if (engine.offline) {
    return {who: "Engine: the offline engine, no model.", more: MODEL_WOULD_ADD[stage] || ""};
  }
  return {who: `Engine: ${engine.provider} · ${engine.model}.`, more: ""};
}

/** A start refused because the stage already runs (HTTP 409 from the gateway's domain/runs.py). */
export function alreadyRunning(err) {
  return err?.status === 409 && /is already running/.test(String(err?.detail ?? err?.message ?? ""));
}

/**
 * The marks of stage `stage` ("stage2"): {badge, details, note(text), update(status)}. `badge` goes
 * beside the status badge, `details` under the progress.
 */
export function stageMarks(stage) {
  const badge = h("span", {className: "badge badge-stale", hidden: true, dataset: {testid: `${stage}-stale`}},
    "Out of date");
  const reason = h("p", {className: "message warning stale-reason", hidden: true,
    dataset: {testid: `${stage}-stale-reason`}});
  const engine = h("p", {className: "hint engine", hidden: true, dataset: {testid: `${stage}-engine`}});
  const info = messageBox("stage-info", "info");
  info.el.dataset.stage = stage;
  let current = "PENDING/";  // the status code and run shown
  let noted = null;          // the one the note was about

  return {
    badge,
    details: [reason, engine, info.el],
    /** Information about a request (not an error); it lasts until the run it is about has ended. */
    note(text) {
      info.show(text);
      noted = current;
    },
    update(status) {
      const code = status?.status || "PENDING";
      current = `${code}/${status?.task_id || ""}`;
      if (noted !== null && noted !== current && FINAL.includes(code)) {  // the running run has ended
        info.clear();
        noted = null;
      }
      const stale = Boolean(status?.stale);
      badge.hidden = !stale;
      badge.title = stale ? status.stale_reason || "" : "";
      reason.hidden = !stale;
      reason.textContent = stale ? `Out of date: ${status.stale_reason || "an earlier stage was run again"}. `
        + "Run this stage again to bring it up to date." : "";
      const text = engineText(stage, status?.engine);
      engine.hidden = !text;
      engine.replaceChildren(...(text ? [h("strong", {}, text.who), text.more ? ` ${text.more}` : ""] : []));
    },
  };
}
