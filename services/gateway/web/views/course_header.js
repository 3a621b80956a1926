// The course's status in its header, never contradicting the stages below it: a stage running now
// is the latest run, whatever the course's last recorded event says, and a finished course built on
// an earlier run of a stage that has run again says so instead of "Stage 2 complete".

import {isRunning} from "../progress.js";

const STAGES = ["stage1", "stage2", "stage3", "stage4"];
const STATUS_WORDS = {draft: "Draft", running: "running", complete: "complete", failed: "failed",
  cancelled: "cancelled"};

/** "stage2_running" → "Stage 2 running"; "draft" → "Draft". */
export function courseStatusLabel(status) {
  const match = /^stage(\d)_(\w+)$/.exec(status || "");
  if (match) return `Stage ${match[1]} ${STATUS_WORDS[match[2]] || match[2]}`;
  return STATUS_WORDS[status] || status || "Unknown";
}

/** ["stage3", "stage4"] → "stages 3 and 4". */
export function stagesText(stages) {
  const numbers = stages.map((s) => s.slice(-1));
  if (numbers.length <= 1) return `stage ${numbers[0] ?? ""}`.trim();
  return `stages ${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`;
}

/**
 * The header for `course` (GET /api/projects/{id}) and the stages' current statuses ({stageN: status}):
 * {code, text, stale}.
 */
export function courseHeader(course, statuses = {}) {
  const running = STAGES.find((stage) => isRunning(statuses[stage]));
  const code = running ? `${running}_running` : course.status;
  const base = courseStatusLabel(code);
  if (!course.stale) return {code, text: base, stale: false};
  const why = course.stale_reason ? `: ${course.stale_reason}` : "";
  if (course.course_ready) {
    return {code, stale: true,
      text: running ? `${base} — the course is out of date${why}` : `Course ready — out of date${why}`};
  }
  return {code, stale: true, text: `${base} — ${stagesText(course.stale_stages || [])} out of date${why}`};
}

/**
 * The course list's short form for `course` (GET /api/projects): {label, stale, reason}. A finished
 * course built on an earlier run says "Course ready" and "Out of date" rather than the last stage run.
 */
export function courseListStatus(course) {
  if (!course.stale) return {label: courseStatusLabel(course.status), stale: false, reason: ""};
  const reason = course.course_ready ? course.stale_reason || ""
    : [`${stagesText(course.stale_stages || [])} out of date`, course.stale_reason].filter(Boolean).join(": ");
  return {label: course.course_ready ? "Course ready" : courseStatusLabel(course.status), stale: true, reason};
}
