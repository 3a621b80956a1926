"""What the concept maps are drawn from: the current stage 2 run's key and prerequisite concepts of
the documents of the generated course (all of them, or one module's). Callers check the course is
visible first."""
from __future__ import annotations

import asyncpg

from shared.concept_map import ConceptSource

from ..projection.schema import checked


class ConceptMapReader:
    def __init__(self, pool: asyncpg.Pool, schema: str) -> None:
        self._pool, self._s = pool, checked(schema)

    async def sources(self, course_id: str, task_id: str) -> dict[str, list[ConceptSource]]:
        """Module id → its documents' concepts, for the modules stage 4's run `task_id` wrote, in order."""
        rows = await self._pool.fetch(
            f"""SELECT m.module_id, d.file_path, d.key_concepts, d.prerequisite_concepts
                FROM {self._s}.module_content m
                JOIN {self._s}.module_documents md ON md.module_id = m.module_id
                JOIN {self._s}.course_tasks t ON t.course_id = m.course_id AND t.stage = 'stage2'
                JOIN {self._s}.analyzed_documents d
                  ON d.course_id = m.course_id AND d.task_id = t.task_id AND d.file_path = md.file_path
                WHERE m.course_id = $1 AND m.task_id = $2
                ORDER BY m.position, md.position""", course_id, task_id)
        modules: dict[str, list[ConceptSource]] = {}
        for row in rows:
            modules.setdefault(row["module_id"], []).append(
                ConceptSource(row["file_path"], tuple(row["key_concepts"]), tuple(row["prerequisite_concepts"])))
        return modules
