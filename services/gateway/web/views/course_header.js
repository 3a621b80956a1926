// The course's status in its header, never contradicting the stages below it: a stage running now
// is the latest run, whatever the course's last recorded event says, and a finished course built on
// an earlier run of a stage that has run again says so instead of "Stage 2 complete".

import {isRunning} from "../progress.js";
import {courseStatusLabel} from "./courses.js";

const STAGES = ["stage1", "stage2", "stage3", "stage4"];

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
