"""Queries over the stage read tables. Callers check the course is visible to the user first."""
from __future__ import annotations

import json
from typing import Any

import asyncpg

from shared.llm.estimates import ModelHistory

from ..domain.lineage import StageResult
from ..projection.schema import checked
from .status_reader import RESULT_COLUMNS, Stage2Overview, stage2_overview, stage_results


def lineage_columns(schema: str, course_id: str) -> str:
    """Two columns giving the lineage of the course `course_id` names, so a query of courses
    answers with it in the same round trip: the stages' last results and their current runs' status."""
    return f"""(SELECT json_agg(json_build_object('stage', x.stage, 'task_id', x.task_id,
                                 'input_task_id', x.input_task_id, 'fingerprint', x.fingerprint,
                                 'input_fingerprint', x.input_fingerprint, 'provider', x.provider,
                                 'model', x.model, 'completed_at', x.completed_at))
                FROM {schema}.stage_results x WHERE x.course_id = {course_id}) AS lineage_results,
               (SELECT json_object_agg(t.stage, t.status)
                FROM {schema}.course_tasks t WHERE t.course_id = {course_id}) AS lineage_runs"""


def lineage_of(row) -> tuple[dict[str, StageResult], dict[str, str]]:
    """What `lineage_columns` gave for one course."""
    results, runs = row["lineage_results"], row["lineage_runs"]
    return (stage_results(json.loads(results)) if results else {}), (json.loads(runs) if runs else {})


class StageReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def stage2_overview(self, course_id: str) -> Stage2Overview | None:
        """The stage 2 status answer's parts and the course's owner, in one query."""
        return await stage2_overview(self._pool, self._s, course_id)

    async def model_history(self, provider: str, model: str) -> ModelHistory:
        """What stage 2 runs with this provider and model took, over every course's last run:
        documents the model was asked about, requests, output tokens (no course is named)."""
        row = await self._pool.fetchrow(
            f"""SELECT coalesce(sum(document_count - cache_hits), 0) AS documents,
                       coalesce(sum((usage->>'calls')::bigint), 0) AS calls,
                       coalesce(sum((usage->>'output_tokens')::bigint), 0) AS output_tokens
                FROM {self._s}.stage2_results
                WHERE usage->>'provider' = $1 AND usage->>'model' = $2 AND document_count > cache_hits""",
            provider, model)
        return ModelHistory(int(row["documents"]), int(row["calls"]), int(row["output_tokens"]))

    async def task(self, course_id: str, stage: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"""SELECT task_id, status, progress_percentage, current_step, error_message, started_at,
                       completed_at, fallbacks FROM {self._s}.course_tasks WHERE course_id = $1 AND stage = $2""",
            course_id, stage)
        return {**row, "fallbacks": json.loads(row["fallbacks"])} if row else None

    async def results(self, course_id: str) -> dict[str, StageResult]:
        """Each stage's last successful run: what it built on and who did the work."""
        rows = await self._pool.fetch(
            f"SELECT {RESULT_COLUMNS} FROM {self._s}.stage_results WHERE course_id = $1", course_id)
        return stage_results(dict(r) for r in rows)

    async def lineages(self, course_ids: list[str]) -> dict[str, tuple[dict[str, StageResult], dict[str, str]]]:
        """For each course: its stages' last results, and the status of each stage's current run."""
        rows = await self._pool.fetch(
            f"SELECT c.id AS course_id, {lineage_columns(self._s, 'c.id')} FROM unnest($1::text[]) AS c(id)",
            course_ids)
        answer: dict[str, tuple[dict[str, StageResult], dict[str, str]]] = {i: ({}, {}) for i in course_ids}
        for r in rows:
            answer[r["course_id"]] = lineage_of(r)
        return answer

    async def tasks(self, course_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"""SELECT stage, task_id, status, progress_percentage, current_step, error_message,
                       started_at, completed_at FROM {self._s}.course_tasks WHERE course_id = $1
                ORDER BY stage""", course_id)
        return [dict(r) for r in rows]

    async def files(self, course_id: str, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        """The files of the course's last successful scan, in path order, and their total count."""
        rows = await self._pool.fetch(
            f"""SELECT f.path, f.size, f.is_documentation, f.is_overview_candidate, f.navigation_index,
                       f.encoding, f.note, count(*) OVER () AS total
                FROM {self._s}.repository_files f JOIN {self._s}.courses c
                  ON c.course_id = f.course_id AND c.repo_task_id = f.task_id
                WHERE f.course_id = $1 ORDER BY f.path LIMIT $2 OFFSET $3""", course_id, limit, offset)
        total = rows[0]["total"] if rows else await self.file_count(course_id)
        return total, [{k: v for k, v in r.items() if k != "total"} for r in rows]

    async def file_count(self, course_id: str) -> int:
        return await self._pool.fetchval(
            f"""SELECT count(*) FROM {self._s}.repository_files f JOIN {self._s}.courses c
                ON c.course_id = f.course_id AND c.repo_task_id = f.task_id WHERE f.course_id = $1""",
            course_id)

    async def folders(self, course_id: str) -> list[str]:
        rows = await self._pool.fetch(
            f"""SELECT DISTINCT f.folder FROM {self._s}.repository_files f JOIN {self._s}.courses c
                ON c.course_id = f.course_id AND c.repo_task_id = f.task_id
                WHERE f.course_id = $1 ORDER BY f.folder""", course_id)
        return [r["folder"] for r in rows]

    async def documents(self, course_id: str, overview_only: bool = False) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"""SELECT f.path, f.navigation_index FROM {self._s}.repository_files f
                JOIN {self._s}.courses c ON c.course_id = f.course_id AND c.repo_task_id = f.task_id
                WHERE f.course_id = $1 AND f.is_documentation AND ($2 = false OR f.is_overview_candidate)
                ORDER BY f.navigation_index NULLS LAST, f.path""", course_id, overview_only)
        return [dict(r) for r in rows]

    async def selection(self, course_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"""SELECT selected_folders, overview_document, selected_at
                FROM {self._s}.stage1_selections WHERE course_id = $1""", course_id)
        return dict(row) if row else None

    async def analyzed_documents(self, course_id: str, limit: int, offset: int, doc_type: str | None,
                                 complexity: str | None) -> tuple[int, list[dict[str, Any]]]:
        """The current stage 2 run's analyses, in the selection's order, and how many match."""
        rows = await self._pool.fetch(
            f"""SELECT d.id, d.file_path, d.title, d.doc_type, d.complexity_level, d.key_concepts,
                       d.learning_objectives, d.summary, d.prerequisites, d.prerequisite_concepts,
                       d.related_topics, d.related_documents, d.word_count, d.reading_minutes,
                       d.content_hash, d.cached, d.analyzed_at, count(*) OVER () AS total
                FROM {self._s}.analyzed_documents d JOIN {self._s}.course_tasks t
                  ON t.course_id = d.course_id AND t.stage = 'stage2' AND t.task_id = d.task_id
                WHERE d.course_id = $1 AND ($4::text IS NULL OR d.doc_type = $4)
                  AND ($5::text IS NULL OR d.complexity_level = $5)
                ORDER BY d.position, d.file_path LIMIT $2 OFFSET $3""",
            course_id, limit, offset, doc_type, complexity)
        total = rows[0]["total"] if rows else 0
        if not rows and offset:
            total = await self._pool.fetchval(
                f"""SELECT count(*) FROM {self._s}.analyzed_documents d JOIN {self._s}.course_tasks t
                      ON t.course_id = d.course_id AND t.stage = 'stage2' AND t.task_id = d.task_id
                    WHERE d.course_id = $1 AND ($2::text IS NULL OR d.doc_type = $2)
                      AND ($3::text IS NULL OR d.complexity_level = $3)""", course_id, doc_type, complexity)
        return total, [{k: v for k, v in r.items() if k != "total"} for r in rows]
