"""The author's edits into `course_edits`: one row per edit (what it changed, who, when) and, once
undone, which EditUndone undid it. The gateway folds the rows not undone into the overlay it puts on
top of what stage 4 wrote (shared/course_edits.py). bulk_fold.py builds the same rows with
`edit_row` and `undo_values`."""
from __future__ import annotations

import json

from asyncpg import Connection

from shared.course_edits import EDIT_KINDS, named_module
from shared.events import Event
from shared.events.catalogue import EditUndone, ModuleEdited, ModuleRemoved, ModulesMerged, ModulesReordered

from .registry import handles


def edit_row(event: Event, seq: int) -> tuple:
    """The row of `event` (an edit): course, event id, seq, kind, module, payload, actor, time, not undone."""
    payload = event.payload.model_dump(mode="json")
    return (event.course_id, event.event_id, seq, EDIT_KINDS[type(event)], named_module(event),
            json.dumps(payload, sort_keys=True), event.actor, event.occurred_at, None, None, None)


def undo_values(event: EditUndone) -> tuple:
    """(undone_by, undone_actor, undone_at) of the edit `event` undoes."""
    return event.event_id, event.actor, event.occurred_at


@handles(ModuleEdited, ModulesReordered, ModuleRemoved, ModulesMerged)
async def edited(conn: Connection, s: str, event: Event, seq: int) -> None:
    # A course that is gone (or never was) keeps no edits: the row would outlive it.
    await conn.execute(
        f"""INSERT INTO {s}.course_edits
            SELECT $1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11
            WHERE EXISTS (SELECT 1 FROM {s}.courses WHERE course_id = $1)
            ON CONFLICT DO NOTHING""", *edit_row(event, seq))


@handles(EditUndone)
async def undone(conn: Connection, s: str, event: EditUndone, seq: int) -> None:
    # The first undo counts; an undo of an edit this course does not have changes nothing.
    await conn.execute(
        f"""UPDATE {s}.course_edits SET undone_by = $3, undone_actor = $4, undone_at = $5
            WHERE course_id = $1 AND event_id = $2 AND undone_by IS NULL""",
        event.course_id, event.payload.edit_event_id, *undo_values(event))
