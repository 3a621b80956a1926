"""Queries over the stage 3 and 4 read tables. Callers check the course is visible first."""
from __future__ import annotations

import json
from typing import Any

import asyncpg

from ..projection.schema import checked


class ResultReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def pathways(self, course_id: str, limit: int, offset: int,
                       pathway_id: str | None = None) -> list[dict[str, Any]]:
        """The current stage 3 run's pathways (or the one named), each with `module_count` and its
        modules from `offset` to `offset + limit` in order, each with its documents in order. A
        module's documents are bounded by the module's reading time; a pathway's modules grow with
        the documentation, so they come a page at a time."""
        rows = await self._pool.fetch(
            f"""SELECT p.id, p.key, p.title, p.description, p.approach, p.complexity_level,
                       p.estimated_minutes, p.prerequisites,
                       (SELECT count(*) FROM {self._s}.modules mc WHERE mc.pathway_id = p.id) AS module_count,
                       m.id AS module_id, m.title AS module_title,
                       m.description AS module_description, m.learning_objectives, m.estimated_minutes
                       AS module_minutes, m.complexity_level AS module_complexity,
                       (SELECT coalesce(json_agg(json_build_object('path', d.file_path, 'title', a.title,
                                 'placement', d.placement,
                                 'prerequisites', coalesce(a.prerequisites, '{{}}')) ORDER BY d.position), '[]')
                        FROM {self._s}.module_documents d
                        LEFT JOIN {self._s}.course_tasks t2 ON t2.course_id = p.course_id AND t2.stage = 'stage2'
                        LEFT JOIN {self._s}.analyzed_documents a ON a.course_id = p.course_id
                             AND a.task_id = t2.task_id AND a.file_path = d.file_path
                        WHERE d.module_id = m.id) AS documents
                FROM {self._s}.pathways p JOIN {self._s}.course_tasks t
                  ON t.course_id = p.course_id AND t.stage = 'stage3' AND t.task_id = p.task_id
                LEFT JOIN LATERAL (SELECT * FROM {self._s}.modules m WHERE m.pathway_id = p.id
                                   ORDER BY m.sequence_order LIMIT $2 OFFSET $3) m ON true
                WHERE p.course_id = $1 AND ($4::text IS NULL OR p.id = $4)
                ORDER BY p.position, m.sequence_order""", course_id, limit, offset, pathway_id)
        pathways: dict[str, dict[str, Any]] = {}
        for r in rows:
            pathway = pathways.setdefault(r["id"], {
                "id": r["id"], "key": r["key"], "title": r["title"], "description": r["description"],
                "approach": r["approach"], "complexity_level": r["complexity_level"],
                "estimated_minutes": r["estimated_minutes"], "prerequisites": r["prerequisites"],
                "module_count": r["module_count"], "modules": []})
            if r["module_id"] is None:  # an offset past this pathway's last module
                continue
            pathway["modules"].append({
                "id": r["module_id"], "title": r["module_title"], "description": r["module_description"],
                "learning_objectives": r["learning_objectives"], "estimated_minutes": r["module_minutes"],
                "complexity_level": r["module_complexity"], "documents": json.loads(r["documents"])})
        return list(pathways.values())

    async def pathway_selection(self, course_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"SELECT selected_pathway_id, selected_at FROM {self._s}.stage3_selections WHERE course_id = $1",
            course_id)
        return dict(row) if row else None

    async def generated(self, course_id: str) -> dict[str, Any] | None:
        row = await self._pool.fetchrow(
            f"""SELECT g.task_id, g.pathway_id, g.export_ref, g.export_bytes, g.module_count, g.usage,
                       g.requested_at, g.generated_at, g.language, g.content_language, p.title AS pathway_title
                FROM {self._s}.generated_courses g LEFT JOIN {self._s}.pathways p ON p.id = g.pathway_id
                WHERE g.course_id = $1""", course_id)
        if row is None:
            return None
        return {**dict(row), "usage": json.loads(row["usage"]) if row["usage"] else None}

    async def module_contents(self, course_id: str, task_id: str) -> list[dict[str, Any]]:
        rows = await self._pool.fetch(
            f"""SELECT module_id, position, title, content_ref, content_hash, question_count, generated_at
                FROM {self._s}.module_content WHERE course_id = $1 AND task_id = $2
                ORDER BY position""", course_id, task_id)
        return [dict(r) for r in rows]
