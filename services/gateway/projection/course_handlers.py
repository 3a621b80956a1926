"""How course events change the read tables. Every write is idempotent and uses event time only,
so applying the log again (replay) yields identical rows."""
from __future__ import annotations

from asyncpg import Connection

from shared.events.catalogue import CourseCreated, CourseDeleted, CourseUpdated

from .registry import handles


@handles(CourseCreated)
async def course_created(conn: Connection, s: str, event: CourseCreated, seq: int) -> None:
    # A course id deleted once is never reused: a late duplicate cannot resurrect it.
    await conn.execute(
        f"""INSERT INTO {s}.courses (course_id, user_id, title, description, revision, last_seq,
                                     created_at, updated_at)
            SELECT $1, $2, $3, $4, 1, $5, $6, $6
            WHERE NOT EXISTS (SELECT 1 FROM {s}.deleted_courses WHERE course_id = $1)
            ON CONFLICT (course_id) DO NOTHING""",
        event.course_id, event.payload.owner_id, event.payload.title, event.payload.description,
        seq, event.occurred_at,
    )


# Revisions only grow: an update seen again (a duplicate beyond the stream's window) changes nothing.
@handles(CourseUpdated)
async def course_updated(conn: Connection, s: str, event: CourseUpdated, seq: int) -> None:
    p = event.payload
    await conn.execute(
        f"""UPDATE {s}.courses SET title = COALESCE($2, title), description = COALESCE($3, description),
                   revision = $4, last_seq = $5, updated_at = $6
            WHERE course_id = $1 AND revision < $4""",
        event.course_id, p.title, p.description, p.revision, seq, event.occurred_at,
    )


@handles(CourseDeleted)
async def course_deleted(conn: Connection, s: str, event: CourseDeleted, seq: int) -> None:
    await conn.execute(f"DELETE FROM {s}.courses WHERE course_id = $1", event.course_id)
    await conn.execute(
        f"""INSERT INTO {s}.deleted_courses (course_id, deleted_at) VALUES ($1, $2)
            ON CONFLICT (course_id) DO NOTHING""",
        event.course_id, event.occurred_at,
    )
