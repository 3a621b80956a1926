"""High-volume writes held back within a batch and sent as one pipelined `executemany` per
statement. A course's held-back writes go out before any other event of that course is applied,
so every event still sees the rows its predecessors wrote; other courses' rows are never touched.
Successive writes to one row that can be merged (steps of progress) become one."""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from asyncpg import Connection

from shared.events import Event

from .registry import MERGES, STATEMENTS

Write = list  # [sql, args], mutable so that a later write to the same row can merge into it


class DeferredWrites:
    def __init__(self, schema: str) -> None:
        self._schema = schema
        self._by_course: dict[str, list[Write]] = defaultdict(list)
        self._mergeable: dict[tuple, Write] = {}  # (sql, course, stage, task) -> its pending write

    def hold(self, event: Event) -> bool:
        """Hold back the event's write if it has a deferrable one; False if it must be applied now."""
        statement = STATEMENTS.get(event.event_type)
        if statement is None:
            return False
        sql, args = statement(self._schema, event)
        merge = MERGES.get(event.event_type)
        if merge is None:
            self._by_course[event.course_id].append([sql, args])
            return True
        key = (sql, *args[:3])
        if (pending := self._mergeable.get(key)) is not None:
            pending[1] = merge(pending[1], args)
        else:
            self._mergeable[key] = write = [sql, args]
            self._by_course[event.course_id].append(write)
        return True

    async def flush(self, conn: Connection, course_id: str | None = None) -> None:
        """Send the held-back writes of `course_id`, or of every course."""
        if course_id is None:
            writes = [w for course in self._by_course.values() for w in course]
            self._by_course.clear()
            self._mergeable.clear()
        else:
            writes = self._by_course.pop(course_id, [])
            for sql, args in writes:
                self._mergeable.pop((sql, *args[:3]), None)
        by_sql: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        for sql, args in writes:  # dicts keep first-seen order; each statement's rows keep theirs
            by_sql[sql].append(args)
        for sql, rows in by_sql.items():
            await conn.executemany(sql, rows)
