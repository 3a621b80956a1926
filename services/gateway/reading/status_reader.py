"""The stage 2 status answer in one query. Status pages are polled while a stage runs, so this is
the gateway's hottest read: one round trip instead of one per part of the answer."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

import asyncpg

from ..domain.lineage import StageResult
from ..projection.schema import checked

TASK = ("task_id", "status", "progress_percentage", "current_step", "error_message", "started_at", "completed_at",
        "fallbacks")
INPUTS = ("task_id", "complexity_level", "additional_info", "created_at")
RESULT = ("task_id", "document_count", "skipped", "skipped_omitted", "cache_hits", "usage", "completed_at")
RESULT_COLUMNS = "stage, task_id, input_task_id, fingerprint, input_fingerprint, provider, model, completed_at"


@dataclass(frozen=True)
class Stage2Overview:
    owner: str
    task: dict[str, Any] | None
    inputs: dict[str, Any] | None
    result: dict[str, Any] | None
    results: dict[str, StageResult] = field(default_factory=dict)  # every stage's last success


def stage_results(rows: Iterable[dict[str, Any]]) -> dict[str, StageResult]:
    """Rows of `stage_results` by stage; a time from JSON is read back as one."""
    answer = {}
    for row in rows:
        at = row["completed_at"]
        answer[row["stage"]] = StageResult(**{**row, "completed_at": datetime.fromisoformat(at)
                                              if isinstance(at, str) else at})
    return answer


def _part(row: asyncpg.Record, prefix: str, columns: tuple[str, ...]) -> dict[str, Any] | None:
    if row[f"{prefix}_task_id"] is None:
        return None
    return {column: row[f"{prefix}_{column}"] for column in columns}


async def stage2_overview(pool: asyncpg.Pool, schema: str, course_id: str) -> Stage2Overview | None:
    s = checked(schema)
    select = ", ".join([f"t.{c} AS t_{c}" for c in TASK] + [f"i.{c} AS i_{c}" for c in INPUTS]
                       + [f"r.{c} AS r_{c}" for c in RESULT])
    row = await pool.fetchrow(
        f"""SELECT c.user_id, {select},
                   (SELECT json_agg(json_build_object('stage', x.stage, 'task_id', x.task_id,
                                    'input_task_id', x.input_task_id, 'fingerprint', x.fingerprint,
                                    'input_fingerprint', x.input_fingerprint, 'provider', x.provider,
                                    'model', x.model, 'completed_at', x.completed_at))
                    FROM {s}.stage_results x WHERE x.course_id = c.course_id) AS lineage
            FROM {s}.courses c
            LEFT JOIN {s}.course_tasks t ON t.course_id = c.course_id AND t.stage = 'stage2'
            LEFT JOIN {s}.stage2_inputs i ON i.course_id = c.course_id
            LEFT JOIN {s}.stage2_results r ON r.course_id = c.course_id AND r.task_id = t.task_id
            WHERE c.course_id = $1""", course_id)
    if row is None:
        return None
    task = _part(row, "t", TASK)
    if task is not None:
        task["fallbacks"] = json.loads(task["fallbacks"])
    result = _part(row, "r", RESULT)
    if result is not None:
        result["skipped"] = json.loads(result["skipped"])
        result["usage"] = json.loads(result["usage"]) if result["usage"] else None
    lineage = stage_results(json.loads(row["lineage"])) if row["lineage"] else {}
    return Stage2Overview(row["user_id"], task, _part(row, "i", INPUTS), result, lineage)
