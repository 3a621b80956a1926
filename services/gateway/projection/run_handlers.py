"""Every stage's runs into `course_tasks` and the course status: requested, started, progressed,
failed, cancelled, succeeded. Only events of a course's current run of a stage change anything.
What a stage produces besides its run is in stage1_handlers.py … stage4_handlers.py."""
from __future__ import annotations

import json

from asyncpg import Connection

from shared.events.catalogue import (
    CourseGenerated, CourseGenerationRequested, DocsAnalysed, DocsAnalysisRequested, PathwaysGenerated,
    PathwaysRequested, RepoCloned, StageCancelled, StageFailed, StageProgressed, StageStarted,
)
from shared.observability.pricing import cost_usd
from shared.stage.runs import CANCELLED, FAILURE, PENDING, REQUESTS, RESULTS, STARTED, SUCCESS

from .registry import handles, writes

FINAL = (SUCCESS, FAILURE, CANCELLED)
# The stage whose run a stage's request builds on.
UPSTREAM = {"stage2": "stage1", "stage3": "stage2", "stage4": "stage3"}
# Events whose stage has more to project than its run: their own modules handle them and call
# the functions here for the run.
STAGE_SPECIFIC = (RepoCloned, DocsAnalysisRequested, DocsAnalysed, PathwaysRequested, PathwaysGenerated,
                  CourseGenerationRequested, CourseGenerated)


async def set_course_status(conn: Connection, s: str, course_id: str, status: str, at) -> None:
    await conn.execute(f"UPDATE {s}.courses SET status = $2, updated_at = $3 WHERE course_id = $1",
                       course_id, status, at)


def run_update(s: str, event, stage: str, status: str, progress: int | None, step: str | None,
               error: str | None = None, completed: bool = False) -> tuple[str, tuple]:
    """The statement that changes the current, unfinished run of `stage` (none other)."""
    return (
        f"""UPDATE {s}.course_tasks SET status = $4,
                   progress_percentage = COALESCE($5, progress_percentage),
                   current_step = COALESCE($6, current_step), error_message = $7,
                   started_at = COALESCE(started_at, $11::timestamptz),
                   completed_at = CASE WHEN $9 THEN $8::timestamptz ELSE NULL END, last_activity_at = $8
            WHERE course_id = $1 AND stage = $2 AND task_id = $3 AND status <> ALL($10::text[])""",
        (event.course_id, stage, event.payload.task_id, status, progress, step, error,
         event.occurred_at, completed, list(FINAL), event.occurred_at),
    )


def merge_progress(earlier: tuple, later: tuple) -> tuple:
    """Two steps of one run as one update, with exactly the effect of applying both in turn: the
    later values where it has them, the earlier start time, the later activity time."""
    progress, step = (later[4] if later[4] is not None else earlier[4]), (later[5] if later[5] is not None else earlier[5])
    return (*later[:4], progress, step, *later[6:10], earlier[10])


async def record_fallbacks(conn: Connection, s: str, event, stage: str) -> None:
    """What of a finished run the offline engine produced instead of the model (shared/llm/fallback.py)."""
    fallbacks = [item.model_dump() for item in event.payload.fallbacks]
    await conn.execute(f"UPDATE {s}.course_tasks SET fallbacks = $4::jsonb, current_step = $5 "
                       f"WHERE course_id = $1 AND stage = $2 AND task_id = $3", event.course_id, stage,
                       event.payload.task_id, json.dumps(fallbacks), completed_step(len(fallbacks) + omitted_fallbacks(event)))


def omitted_fallbacks(event) -> int:
    """Fallbacks the event counts without listing them (only DocsAnalysed cuts its list)."""
    return getattr(event.payload, "fallbacks_omitted", 0)


def completed_step(fallbacks: int) -> str:
    return f"Complete; {fallbacks} item(s) by the offline engine, the model's answer being invalid" if fallbacks else "Complete"


async def update_run(conn: Connection, s: str, event, stage: str, status: str, progress: int | None,
                     step: str | None, error: str | None = None, completed: bool = False) -> bool:
    """Change the current, unfinished run of `stage`; False if the event is about another run."""
    sql, args = run_update(s, event, stage, status, progress, step, error, completed)
    return (await conn.execute(sql, *args)).endswith(" 1")


@handles(*[cls for cls in REQUESTS if cls not in STAGE_SPECIFIC])
async def stage_requested(conn: Connection, s: str, event, seq: int) -> bool:
    stage = REQUESTS[type(event)]
    # What the run built on produced is known while it is its stage's last success (as it is when
    # the request is made on it); what a later run of that stage produces is judged against it.
    first_time = await conn.execute(
        f"""INSERT INTO {s}.stage_requests (course_id, stage, task_id, input_task_id, input_fingerprint)
            SELECT $1, $2, $3, $4, (SELECT fingerprint FROM {s}.stage_results
                                    WHERE course_id = $1 AND stage = $5 AND task_id = $4)
            WHERE EXISTS (SELECT 1 FROM {s}.courses WHERE course_id = $1) ON CONFLICT DO NOTHING""",
        event.course_id, stage, event.payload.task_id, await consumed_run(conn, s, event), UPSTREAM.get(stage))
    if not first_time.endswith(" 1"):
        return False  # a request seen before (a duplicate, a retried dead letter) reopens nothing
    inserted = await conn.execute(
        f"""INSERT INTO {s}.course_tasks (course_id, stage, task_id, status, progress_percentage,
                                          current_step, error_message, started_at, completed_at,
                                          last_activity_at)
            SELECT $1, $2, $3, $4, 0, 'Waiting for a worker', NULL, NULL, NULL, $5
            WHERE EXISTS (SELECT 1 FROM {s}.courses WHERE course_id = $1)
            ON CONFLICT (course_id, stage) DO UPDATE SET task_id = EXCLUDED.task_id,
                status = EXCLUDED.status, progress_percentage = 0, current_step = EXCLUDED.current_step,
                error_message = NULL, started_at = NULL, completed_at = NULL,
                last_activity_at = EXCLUDED.last_activity_at, fallbacks = '[]'
            WHERE course_tasks.task_id <> EXCLUDED.task_id  -- the same request again changes nothing""",
        event.course_id, stage, event.payload.task_id, PENDING, event.occurred_at,
    )
    if inserted.endswith(" 1"):
        await set_course_status(conn, s, event.course_id, f"{stage}_running", event.occurred_at)
    return inserted.endswith(" 1")


@handles(StageStarted)
async def stage_started(conn: Connection, s: str, event: StageStarted, seq: int) -> None:
    await update_run(conn, s, event, event.payload.stage, STARTED, None, "Started")


@writes(StageProgressed, merge=merge_progress)
def stage_progressed(s: str, event: StageProgressed) -> tuple[str, tuple]:
    p = event.payload
    return run_update(s, event, p.stage, STARTED, p.progress_percentage, p.current_step)


@handles(StageFailed)
async def stage_failed(conn: Connection, s: str, event: StageFailed, seq: int) -> None:
    p = event.payload
    if await update_run(conn, s, event, p.stage, FAILURE, None, "Failed", p.error_message, True):
        await set_course_status(conn, s, event.course_id, f"{p.stage}_failed", event.occurred_at)


@handles(StageCancelled)
async def stage_cancelled(conn: Connection, s: str, event: StageCancelled, seq: int) -> None:
    p = event.payload
    if await update_run(conn, s, event, p.stage, CANCELLED, None, "Cancelled", None, True):
        await set_course_status(conn, s, event.course_id, f"{p.stage}_cancelled", event.occurred_at)


@handles(*[cls for cls in RESULTS if cls not in STAGE_SPECIFIC])
async def stage_succeeded(conn: Connection, s: str, event, seq: int) -> bool:
    """Finish the current run with its result; False if the result is another run's. Stages 2-4
    call it first and project the rest of their result only when it says True."""
    stage = RESULTS[type(event)]
    if await update_run(conn, s, event, stage, SUCCESS, 100, "Complete", None, True):
        await set_course_status(conn, s, event.course_id, f"{stage}_complete", event.occurred_at)
        await record_result(conn, s, event, stage)
        return True
    return False


async def consumed_run(conn: Connection, s: str, event) -> str | None:
    """The run of the stage before that a request builds on. Requests name it (stage 2, 3); older
    ones did not, and stage 4 names a pathway: then it is what the read tables hold at the request,
    which replay reproduces because it applies the same events in the same order."""
    p = event.payload
    if isinstance(event, DocsAnalysisRequested):
        return p.clone_task_id or await conn.fetchval(
            f"SELECT repo_task_id FROM {s}.courses WHERE course_id = $1", event.course_id)
    if isinstance(event, PathwaysRequested):
        return p.analysis_task_id or await conn.fetchval(
            f"SELECT task_id FROM {s}.stage_results WHERE course_id = $1 AND stage = 'stage2'", event.course_id)
    if isinstance(event, CourseGenerationRequested):
        return await conn.fetchval(f"SELECT task_id FROM {s}.pathways WHERE course_id = $1 AND id = $2",
                                   event.course_id, p.pathway_id)
    return None


def produced(event) -> str | None:
    """What a succeeded run produced, as a value equal for runs that gave later stages the same
    input: stage 1's content-addressed snapshot, stage 2's fingerprint over its analyses (absent
    from older events); stages 3 and 4 have none (their run is judged by its task id)."""
    if isinstance(event, RepoCloned):
        return event.payload.snapshot_ref
    if isinstance(event, DocsAnalysed):
        return event.payload.fingerprint
    return None


async def record_result(conn: Connection, s: str, event, stage: str) -> None:
    """A run that succeeded becomes its stage's last result: what it produced, what it built on
    (and what that produced), who did the work."""
    usage = getattr(event.payload, "usage", None)
    await conn.execute(
        f"""INSERT INTO {s}.stage_results (course_id, stage, task_id, input_task_id, fingerprint,
                                           input_fingerprint, provider, model, completed_at)
            VALUES ($1, $2, $3, (SELECT input_task_id FROM {s}.stage_requests
                                 WHERE course_id = $1 AND stage = $2 AND task_id = $3),
                    $7, (SELECT input_fingerprint FROM {s}.stage_requests
                         WHERE course_id = $1 AND stage = $2 AND task_id = $3), $4, $5, $6)
            ON CONFLICT (course_id, stage) DO UPDATE SET task_id = EXCLUDED.task_id,
                input_task_id = EXCLUDED.input_task_id, fingerprint = EXCLUDED.fingerprint,
                input_fingerprint = EXCLUDED.input_fingerprint, provider = EXCLUDED.provider,
                model = EXCLUDED.model, completed_at = EXCLUDED.completed_at""",
        event.course_id, stage, event.payload.task_id, usage.provider if usage else None,
        usage.model if usage else None, event.occurred_at, produced(event))
    spent = spent_usd(event)
    if spent > 0:  # the offline engine and unpriced models spend nothing: no row
        await conn.execute(
            f"""INSERT INTO {s}.run_spend (course_id, stage, task_id, user_id, cost_usd, finished_at)
                SELECT $1, $2, $3, user_id, $4, $5 FROM {s}.courses WHERE course_id = $1
                ON CONFLICT DO NOTHING""",
            event.course_id, stage, event.payload.task_id, spent, event.occurred_at)


def spent_usd(event) -> float:
    """What a succeeded run reported spending, at list prices (shared/observability/pricing.py)."""
    usage = getattr(event.payload, "usage", None)
    return cost_usd(usage) if usage is not None else 0.0
