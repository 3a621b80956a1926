"""Stage 3 into `stage3_inputs`, `pathways`, `modules`, `module_documents`, `stage3_selections`."""
from __future__ import annotations

import json

from asyncpg import Connection

from shared.events.catalogue import (
    PathwayModule, PathwayModulesListed, PathwayModulesListedPayload, PathwaySelected, PathwaysGenerated,
    PathwaysRequested,
)
from shared.pathway_parts import with_parts

from .registry import handles
from .run_handlers import record_fallbacks, stage_requested, stage_succeeded


@handles(PathwaysRequested)
async def pathways_requested(conn: Connection, s: str, event: PathwaysRequested, seq: int) -> None:
    if not await stage_requested(conn, s, event, seq):
        return
    p = event.payload
    await conn.execute(
        f"""INSERT INTO {s}.stage3_inputs VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (course_id) DO UPDATE SET task_id = EXCLUDED.task_id,
                additional_info = EXCLUDED.additional_info, pathway_count = EXCLUDED.pathway_count,
                created_at = EXCLUDED.created_at""",
        event.course_id, p.task_id, p.additional_info, p.pathway_count, event.occurred_at)


def modules_json(modules: list[PathwayModule]) -> str:
    """A part's modules as its row keeps them."""
    return json.dumps([m.model_dump() for m in modules])


def part_of(task_id: str, part: int, pathway_id: str, modules: str) -> PathwayModulesListedPayload:
    """A part as its row kept it."""
    return PathwayModulesListedPayload(task_id=task_id, part=part, pathway_id=pathway_id,
                                       modules=[PathwayModule.model_validate(m) for m in json.loads(modules)])


@handles(PathwayModulesListed)
async def pathway_modules_listed(conn: Connection, s: str, event: PathwayModulesListed, seq: int) -> None:
    """Kept until its PathwaysGenerated; a part sent again under another id replaces the first."""
    p = event.payload
    await conn.execute(
        f"""INSERT INTO {s}.pathway_module_parts SELECT $1, $2, $3, $4, $5
            WHERE EXISTS (SELECT 1 FROM {s}.courses WHERE course_id = $1)
            ON CONFLICT (course_id, task_id, part) DO UPDATE SET pathway_id = EXCLUDED.pathway_id,
                modules = EXCLUDED.modules""",
        event.course_id, p.task_id, p.part, p.pathway_id, modules_json(p.modules))


@handles(PathwaysGenerated)
async def pathways_generated(conn: Connection, s: str, event: PathwaysGenerated, seq: int) -> None:
    # Its parts, if any, are its pathways' modules (shared/pathway_parts.py), and are kept no longer.
    parts = await conn.fetch(f"""DELETE FROM {s}.pathway_module_parts WHERE course_id = $1 AND task_id = $2
                                 RETURNING task_id, part, pathway_id, modules""", event.course_id, event.payload.task_id)
    p = with_parts(event.payload, [part_of(*row) for row in parts])
    event = event.model_copy(update={"payload": p})
    if not await stage_succeeded(conn, s, event, seq):
        return
    await record_fallbacks(conn, s, event, "stage3")
    # New pathways replace the old ones, and a choice among the old ones is void.
    await conn.execute(f"DELETE FROM {s}.stage3_selections WHERE course_id = $1", event.course_id)
    await conn.execute(f"DELETE FROM {s}.pathways WHERE course_id = $1", event.course_id)
    await conn.executemany(
        f"INSERT INTO {s}.pathways VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        [(w.pathway_id, event.course_id, p.task_id, i, w.key, w.title, w.description, w.approach,
          w.complexity_level, w.estimated_minutes, w.prerequisites, event.occurred_at)
         for i, w in enumerate(p.pathways)])
    modules = [(m.module_id, w.pathway_id, i, m.title, m.description, m.learning_objectives,
                m.estimated_minutes, m.complexity_level)
               for w in p.pathways for i, m in enumerate(w.modules)]
    await conn.executemany(f"INSERT INTO {s}.modules VALUES ($1, $2, $3, $4, $5, $6, $7, $8)", modules)
    documents = [(m.module_id, i, path) for w in p.pathways for m in w.modules
                 for i, path in enumerate(dict.fromkeys(m.documents))]
    # One statement for every row (a pathway set has hundreds): an executemany runs one per row.
    columns = [list(column) for column in zip(*documents)] or [[], [], []]
    await conn.execute(f"INSERT INTO {s}.module_documents SELECT * FROM unnest($1::text[], $2::int[], $3::text[])",
                       *columns)


@handles(PathwaySelected)
async def pathway_selected(conn: Connection, s: str, event: PathwaySelected, seq: int) -> None:
    await conn.execute(
        f"""INSERT INTO {s}.stage3_selections (course_id, selected_pathway_id, selected_at)
            SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM {s}.pathways WHERE id = $2 AND course_id = $1)
            ON CONFLICT (course_id) DO UPDATE SET selected_pathway_id = EXCLUDED.selected_pathway_id,
                selected_at = EXCLUDED.selected_at""",
        event.course_id, event.payload.pathway_id, event.occurred_at)
