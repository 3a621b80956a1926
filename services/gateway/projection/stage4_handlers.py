"""Stage 4 into `generated_courses` and `module_content` (their content lives in the Object Store)."""
from __future__ import annotations

import json

from asyncpg import Connection

from shared.events.catalogue import CourseGenerated, CourseGenerationRequested, ModuleGenerated

from .registry import handles, writes
from .run_handlers import record_fallbacks, stage_requested, stage_succeeded


@handles(CourseGenerationRequested)
async def generation_requested(conn: Connection, s: str, event: CourseGenerationRequested, seq: int) -> None:
    if not await stage_requested(conn, s, event, seq):
        return
    await conn.execute(
        f"""INSERT INTO {s}.generated_courses (course_id, task_id, pathway_id, requested_at)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (course_id) DO UPDATE SET task_id = EXCLUDED.task_id, pathway_id = EXCLUDED.pathway_id,
                requested_at = EXCLUDED.requested_at, export_ref = NULL, export_bytes = NULL,
                module_count = NULL, usage = NULL, generated_at = NULL""",
        event.course_id, event.payload.task_id, event.payload.pathway_id, event.occurred_at)


@writes(ModuleGenerated)
def module_generated(s: str, event: ModuleGenerated) -> tuple[str, tuple]:
    p = event.payload
    return (
        f"""INSERT INTO {s}.module_content
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9
            WHERE EXISTS (SELECT 1 FROM {s}.course_tasks WHERE course_id = $1 AND stage = 'stage4'
                          AND task_id = $2 AND status <> 'CANCELLED')
            ON CONFLICT DO NOTHING""",
        (event.course_id, p.task_id, p.module_id, p.position, p.title, p.content_ref, p.content_hash,
         p.question_count, event.occurred_at))


@handles(CourseGenerated)
async def course_generated(conn: Connection, s: str, event: CourseGenerated, seq: int) -> None:
    p = event.payload
    if not await stage_succeeded(conn, s, event, seq):
        return
    await record_fallbacks(conn, s, event, "stage4")
    await conn.execute(
        f"""UPDATE {s}.generated_courses SET export_ref = $3, export_bytes = $4, module_count = $5,
                   usage = $6::jsonb, generated_at = $7 WHERE course_id = $1 AND task_id = $2""",
        event.course_id, p.task_id, p.export_ref, p.export_bytes, p.module_count,
        json.dumps(p.usage.model_dump()) if p.usage else None, event.occurred_at)
    await conn.execute(f"DELETE FROM {s}.module_content WHERE course_id = $1 AND task_id <> $2",
                       event.course_id, p.task_id)
