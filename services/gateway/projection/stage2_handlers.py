"""Stage 2 into `stage2_inputs`, `analyzed_documents` and `stage2_results`."""
from __future__ import annotations

import json

from asyncpg import Connection

from shared.events.catalogue import DocAnalysed, DocsAnalysed, DocsAnalysisRequested

from .registry import handles, writes
from .run_handlers import record_fallbacks, stage_requested, stage_succeeded


@handles(DocsAnalysisRequested)
async def analysis_requested(conn: Connection, s: str, event: DocsAnalysisRequested, seq: int) -> None:
    if not await stage_requested(conn, s, event, seq):
        return
    p = event.payload
    await conn.execute(
        f"""INSERT INTO {s}.stage2_inputs VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (course_id) DO UPDATE SET task_id = EXCLUDED.task_id,
                complexity_level = EXCLUDED.complexity_level, additional_info = EXCLUDED.additional_info,
                created_at = EXCLUDED.created_at""",
        event.course_id, p.task_id, p.complexity_level, p.additional_info, event.occurred_at)


@writes(DocAnalysed)
def document_analysed(s: str, event: DocAnalysed) -> tuple[str, tuple]:
    p = event.payload
    return (
        f"""INSERT INTO {s}.analyzed_documents
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20
            WHERE EXISTS (SELECT 1 FROM {s}.course_tasks WHERE course_id = $2 AND stage = 'stage2'
                          AND task_id = $3 AND status <> 'CANCELLED')
            ON CONFLICT DO NOTHING""",
        (event.event_id, event.course_id, p.task_id, p.path, p.title, p.doc_type, p.complexity_level,
         p.key_concepts, p.learning_objectives, p.summary, p.prerequisites, p.prerequisite_concepts,
         p.related_topics, p.related_documents, p.word_count, p.reading_minutes, p.content_hash, p.cached,
         p.position if p.position is not None else 0, event.occurred_at))


@handles(DocsAnalysed)
async def documents_analysed(conn: Connection, s: str, event: DocsAnalysed, seq: int) -> None:
    p = event.payload
    if not await stage_succeeded(conn, s, event, seq):
        return
    await record_fallbacks(conn, s, event, "stage2")
    await conn.execute(
        f"""INSERT INTO {s}.stage2_results VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, $7, $8)
            ON CONFLICT (course_id) DO UPDATE SET task_id = EXCLUDED.task_id,
                document_count = EXCLUDED.document_count, skipped = EXCLUDED.skipped,
                cache_hits = EXCLUDED.cache_hits, usage = EXCLUDED.usage, completed_at = EXCLUDED.completed_at,
                skipped_omitted = EXCLUDED.skipped_omitted""",
        event.course_id, p.task_id, p.document_count, json.dumps([d.model_dump() for d in p.skipped]),
        p.cache_hits, json.dumps(p.usage.model_dump()) if p.usage else None, event.occurred_at, p.skipped_omitted)
    # The new run's analyses replace the old ones.
    await conn.execute(f"DELETE FROM {s}.analyzed_documents WHERE course_id = $1 AND task_id <> $2",
                       event.course_id, p.task_id)
