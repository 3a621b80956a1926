"""A course's rows in every read table, as the fold (fold.py) holds them in memory: loaded from the
tables before the live projector folds a batch into them, and written back as the changes the
batch made (projector.py); a rebuild folds a whole log into them and COPYs them (bulk_replay.py)."""
from __future__ import annotations

import json
from typing import Any, Callable, Iterable

from asyncpg import Connection, DataError

# Each table's rows as the fold produces them, by column name (the loader names the columns).
COLUMNS: dict[str, tuple[str, ...]] = {
    "courses": ("course_id", "user_id", "title", "description", "status", "repo_url", "repo_name",
                "repo_task_id", "repo_commit", "revision", "last_seq", "created_at", "updated_at", "language"),
    "course_tasks": ("course_id", "stage", "task_id", "status", "progress_percentage", "current_step",
                     "error_message", "started_at", "completed_at", "last_activity_at", "fallbacks"),
    "stage_requests": ("course_id", "stage", "task_id", "input_task_id", "input_fingerprint"),
    "stage_results": ("course_id", "stage", "task_id", "input_task_id", "fingerprint", "input_fingerprint",
                      "provider", "model", "completed_at"),
    "repository_files": ("course_id", "task_id", "path", "folder", "size", "is_documentation",
                         "is_overview_candidate", "navigation_index", "encoding", "note"),
    "stage1_selections": ("course_id", "selected_folders", "overview_document", "selected_at"),
    "stage2_inputs": ("course_id", "task_id", "complexity_level", "additional_info", "created_at"),
    "analyzed_documents": ("id", "course_id", "task_id", "file_path", "title", "doc_type", "complexity_level",
                           "key_concepts", "learning_objectives", "summary", "prerequisites",
                           "prerequisite_concepts", "related_topics", "related_documents", "word_count",
                           "reading_minutes", "content_hash", "cached", "position", "analyzed_at"),
    "stage2_results": ("course_id", "task_id", "document_count", "skipped", "cache_hits", "usage", "completed_at",
                       "skipped_omitted"),
    "stage3_inputs": ("course_id", "task_id", "additional_info", "pathway_count", "created_at"),
    "pathways": ("id", "course_id", "task_id", "position", "key", "title", "description", "approach",
                 "complexity_level", "estimated_minutes", "prerequisites", "created_at"),
    "modules": ("id", "pathway_id", "sequence_order", "title", "description", "learning_objectives",
                "estimated_minutes", "complexity_level"),
    "module_documents": ("module_id", "position", "file_path", "placement"),
    "pathway_module_parts": ("course_id", "task_id", "part", "pathway_id", "modules"),
    "stage3_selections": ("course_id", "selected_pathway_id", "selected_at"),
    "generated_courses": ("course_id", "task_id", "pathway_id", "export_ref", "export_bytes", "module_count",
                          "usage", "requested_at", "generated_at", "language", "content_language"),
    "module_content": ("course_id", "task_id", "module_id", "position", "title", "content_ref", "content_hash",
                       "question_count", "generated_at"),
    "course_edits": ("course_id", "event_id", "seq", "kind", "module_id", "payload", "actor", "edited_at",
                     "undone_by", "undone_actor", "undone_at"),
    "tutor_answers": ("course_id", "ask_id", "user_id", "seq", "question", "answer", "asked_at"),
    "cohorts": ("cohort_id", "owner_id", "name", "created_at"),
    "cohort_members": ("cohort_id", "member_ref", "role", "sealed", "added_at"),
    "cohort_courses": ("cohort_id", "course_id", "version", "release_every_days", "release_start", "assigned_at"),
    "learner_activity": ("course_id", "learner_ref", "client_id", "seq", "cohort_id", "module_id", "kind",
                         "question", "choice", "correct", "at"),
    "deleted_courses": ("course_id", "deleted_at"),
    "run_spend": ("course_id", "stage", "task_id", "user_id", "cost_usd", "finished_at"),
    "projection_rejects": ("stream_seq", "subject", "reason"),
}

# A course's tables keyed by their primary key (its columns). A pathway set (pathways, their
# modules and the modules' documents) is not: it changes as a whole, as its PathwaysGenerated
# makes it, and is written again whole (PATHWAY_SET).
KEYS: dict[str, tuple[str, ...]] = {
    "courses": ("course_id",), "course_tasks": ("course_id", "stage"),
    "stage_requests": ("course_id", "stage", "task_id"), "stage_results": ("course_id", "stage"),
    "repository_files": ("course_id", "task_id", "path"), "stage1_selections": ("course_id",),
    "stage2_inputs": ("course_id",), "analyzed_documents": ("course_id", "task_id", "file_path"),
    "stage2_results": ("course_id",), "stage3_inputs": ("course_id",),
    "pathway_module_parts": ("course_id", "task_id", "part"), "stage3_selections": ("course_id",),
    "generated_courses": ("course_id",), "module_content": ("course_id", "task_id", "module_id"),
    "course_edits": ("course_id", "event_id"), "tutor_answers": ("course_id", "ask_id"),
    "cohorts": ("cohort_id",), "cohort_members": ("cohort_id", "member_ref"),
    "cohort_courses": ("cohort_id", "course_id"), "learner_activity": ("course_id", "learner_ref", "client_id"),
}
# The column naming the history a table's rows belong to: a course's, or for these a cohort's.
AGGREGATE_COLUMN = {"cohorts": "cohort_id", "cohort_members": "cohort_id", "cohort_courses": "cohort_id"}
PATHWAY_SET = ("pathways", "modules", "module_documents")
JSONB = {"course_tasks": "fallbacks", "stage2_results": "skipped usage", "generated_courses": "usage",
         "course_edits": "payload", "tutor_answers": "answer"}


class CourseRows:
    """One course's rows in every read table (all go when the course row goes: ON DELETE CASCADE, and
    write_changes for the tables without a foreign key); or one cohort's (its history is not a
    course's: `cohort` is its row, and `row` stays None)."""
    __slots__ = ("row", "tasks", "requests", "results", "files", "sel1", "s2in", "docs", "s2res", "s3in",
                 "pathways", "modules", "module_docs", "parts", "sel3", "gen", "content", "edits", "answers",
                 "activity", "cohort", "members", "assigned")

    def __init__(self) -> None:
        self.row: list | None = None
        self.tasks: dict[str, list] = {}
        self.requests: dict[tuple[str, str], tuple[str | None, str | None]] = {}  # input task, its fingerprint
        self.results: dict[str, tuple] = {}
        self.files: dict[tuple[str, str], tuple] = {}
        self.sel1: tuple | None = None
        self.s2in: tuple | None = None
        self.s2res: tuple | None = None
        self.s3in: tuple | None = None
        self.sel3: tuple | None = None
        self.docs: dict[tuple[str, str], tuple] = {}
        self.pathways: list[tuple] = []
        self.modules: list[tuple] = []
        self.module_docs: list[tuple] = []
        self.parts: dict[tuple[str, int], tuple] = {}  # (task, number) -> its pathway_module_parts row
        self.gen: list | None = None
        self.content: dict[tuple[str, str], tuple] = {}
        self.edits: dict[str, list] = {}  # edit event id -> its course_edits row
        self.answers: dict[str, tuple] = {}  # ask id -> its tutor_answers row
        self.activity: dict[tuple[str, str], tuple] = {}  # (learner, client id) -> its learner_activity row
        self.cohort: tuple | None = None
        self.members: dict[str, tuple] = {}  # member reference -> its cohort_members row
        self.assigned: dict[str, tuple] = {}  # course id -> its cohort_courses row

    @property
    def exists(self) -> bool:
        """Whether the history made its row: a course's, or a cohort's."""
        return self.row is not None or self.cohort is not None


def _one(value) -> tuple:
    return () if value is None else (tuple(value),)


# Each table's rows of a course, in COLUMNS' order: parents before the tables referencing them.
PICK: dict[str, Callable[[CourseRows], Iterable]] = {
    "courses": lambda c: _one(c.row),
    "course_tasks": lambda c: (tuple(t) for t in c.tasks.values()),
    "stage_requests": lambda c: ((c.row[0] if c.row else None, stage, task, *consumed)
                                 for (stage, task), consumed in c.requests.items()),
    "stage_results": lambda c: c.results.values(),
    "repository_files": lambda c: c.files.values(),
    "stage1_selections": lambda c: _one(c.sel1),
    "stage2_inputs": lambda c: _one(c.s2in),
    "analyzed_documents": lambda c: c.docs.values(),
    "stage2_results": lambda c: _one(c.s2res),
    "stage3_inputs": lambda c: _one(c.s3in),
    "pathways": lambda c: c.pathways,
    "modules": lambda c: c.modules,
    "module_documents": lambda c: c.module_docs,
    "pathway_module_parts": lambda c: c.parts.values(),
    "stage3_selections": lambda c: _one(c.sel3),
    "generated_courses": lambda c: _one(c.gen),
    "module_content": lambda c: c.content.values(),
    "course_edits": lambda c: (tuple(row) for row in c.edits.values()),
    "tutor_answers": lambda c: c.answers.values(),
    "cohorts": lambda c: _one(c.cohort),
    "cohort_members": lambda c: c.members.values(),
    "cohort_courses": lambda c: c.assigned.values(),
    "learner_activity": lambda c: c.activity.values(),
}

# How a loaded row takes its place in CourseRows (the inverse of PICK).
_PLACE: dict[str, Callable[[CourseRows, Any], None]] = {
    "courses": lambda c, r: setattr(c, "row", list(r)),
    "course_tasks": lambda c, r: c.tasks.__setitem__(r[1], list(r)),
    "stage_requests": lambda c, r: c.requests.__setitem__((r[1], r[2]), (r[3], r[4])),
    "stage_results": lambda c, r: c.results.__setitem__(r[1], tuple(r)),
    "repository_files": lambda c, r: c.files.__setitem__((r[1], r[2]), tuple(r)),
    "stage1_selections": lambda c, r: setattr(c, "sel1", tuple(r)),
    "stage2_inputs": lambda c, r: setattr(c, "s2in", tuple(r)),
    "analyzed_documents": lambda c, r: c.docs.__setitem__((r[2], r[3]), tuple(r)),
    "stage2_results": lambda c, r: setattr(c, "s2res", tuple(r)),
    "stage3_inputs": lambda c, r: setattr(c, "s3in", tuple(r)),
    "pathways": lambda c, r: c.pathways.append(tuple(r)),
    "modules": lambda c, r: c.modules.append(tuple(r)),
    "module_documents": lambda c, r: c.module_docs.append(tuple(r)),
    "pathway_module_parts": lambda c, r: c.parts.__setitem__((r[1], r[2]), tuple(r)),
    "stage3_selections": lambda c, r: setattr(c, "sel3", tuple(r)),
    "generated_courses": lambda c, r: setattr(c, "gen", list(r)),
    "module_content": lambda c, r: c.content.__setitem__((r[1], r[2]), tuple(r)),
    "course_edits": lambda c, r: c.edits.__setitem__(r[1], list(r)),
    "tutor_answers": lambda c, r: c.answers.__setitem__(r[1], tuple(r)),
    "cohorts": lambda c, r: setattr(c, "cohort", tuple(r)),
    "cohort_members": lambda c, r: c.members.__setitem__(r[1], tuple(r)),
    "cohort_courses": lambda c, r: c.assigned.__setitem__(r[1], tuple(r)),
    "learner_activity": lambda c, r: c.activity.__setitem__((r[1], r[2]), tuple(r)),
}


def _select(s: str, table: str) -> str:
    """The rows of `table` for the courses $1, each with its course id first."""
    columns = ", ".join(f"t.{c}" for c in COLUMNS[table])
    if table == "modules":
        return (f"SELECT p.course_id, {columns} FROM {s}.modules t JOIN {s}.pathways p ON p.id = t.pathway_id "
                f"WHERE p.course_id = ANY($1::text[]) ORDER BY p.position, t.sequence_order")
    if table == "module_documents":
        return (f"SELECT p.course_id, {columns} FROM {s}.module_documents t JOIN {s}.modules m ON m.id = t.module_id "
                f"JOIN {s}.pathways p ON p.id = m.pathway_id WHERE p.course_id = ANY($1::text[]) "
                f"ORDER BY p.position, m.sequence_order, t.position")
    order = " ORDER BY t.position" if table == "pathways" else ""
    key = AGGREGATE_COLUMN.get(table, "course_id")
    return f"SELECT t.{key}, {columns} FROM {s}.{table} t WHERE t.{key} = ANY($1::text[]){order}"


async def load(conn: Connection, s: str, course_ids: list[str]) -> tuple[dict[str, CourseRows], dict[str, Any]]:
    """The rows the read tables hold for `course_ids` (those that have a course row), and which of
    them were deleted, when."""
    columns = ", ".join(f"t.{c}" for c in COLUMNS["courses"])
    found = await conn.fetch(
        f"SELECT i.id, d.course_id IS NOT NULL, d.deleted_at, t.course_id IS NOT NULL, {columns} "
        f"FROM unnest($1::text[]) AS i(id) LEFT JOIN {s}.deleted_courses d ON d.course_id = i.id "
        f"LEFT JOIN {s}.courses t ON t.course_id = i.id", course_ids)
    deleted = {r[0]: r[2] for r in found if r[1]}
    courses: dict[str, CourseRows] = {}
    for r in found:
        if r[3]:
            _PLACE["courses"](courses.setdefault(r[0], CourseRows()), r[4:])
    others = [r[0] for r in found if not r[3] and not r[1]]
    if others:
        for r in await conn.fetch(_select(s, "cohorts"), others):
            _PLACE["cohorts"](courses.setdefault(r[0], CourseRows()), r[1:])
    if courses:
        existing = list(courses)
        for table, place in _PLACE.items():
            if table not in ("courses", "cohorts"):
                for r in await conn.fetch(_select(s, table), existing):
                    place(courses[r[0]], r[1:])
    return courses, deleted


Snapshot = dict[str, dict[str, list[tuple]]]  # course -> table -> its rows, in PICK's order


def snapshot(courses: dict[str, CourseRows]) -> Snapshot:
    """Every row of `courses` with a course row, by table (a copy: the fold changes lists in place).
    Rows the fold left alone stay the same objects, so an unchanged table compares equal at C speed."""
    return {course_id: {table: [tuple(row) for row in pick(c)] for table, pick in PICK.items()}
            for course_id, c in courses.items() if c.exists}


def _by_key(table: str, rows: list[tuple]) -> dict[tuple, tuple]:
    if table not in KEYS:
        return {(n,): row for n, row in enumerate(rows)}
    at = _KEY_AT[table]
    return {tuple(row[i] for i in at): row for row in rows}


_KEY_AT = {table: [COLUMNS[table].index(k) for k in keys] for table, keys in KEYS.items()}


def _same(table: str, old: tuple, new: tuple) -> bool:
    """Whether two rows hold the same values (PostgreSQL gives JSON back in its own key order)."""
    if old == new:
        return True
    json_columns = JSONB.get(table, "").split()
    if not json_columns:
        return False
    for name, a, b in zip(COLUMNS[table], old, new):
        if a != b and not (name in json_columns and a is not None and b is not None
                           and json.loads(a) == json.loads(b)):
            return False
    return True


def _upsert(s: str, table: str) -> str:
    columns = COLUMNS[table]
    values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    rest = [c for c in columns if c not in KEYS[table]]
    return (f"INSERT INTO {s}.{table} ({', '.join(columns)}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(KEYS[table])}) DO UPDATE SET "
            + ", ".join(f"{c} = EXCLUDED.{c}" for c in rest))


# New rows of a table at least this many go in by COPY, which PostgreSQL takes several times faster
# than an INSERT each (a course's files, its analyses, its modules' documents).
COPY_FROM = 32


async def _insert(conn: Connection, s: str, table: str, rows: list[tuple], copy_from: int | None) -> None:
    """Add `rows`, none of which `table` holds yet."""
    if copy_from is None or len(rows) < copy_from:
        columns = COLUMNS[table]
        values = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
        await conn.executemany(f"INSERT INTO {s}.{table} ({', '.join(columns)}) VALUES ({values})", rows)
        return
    try:
        await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table], schema_name=s)
    except (OverflowError, ValueError, TypeError) as exc:
        # A value asyncpg cannot encode (an integer out of range, a lone surrogate) is the event's
        # data, as it is for executemany, which raises DataError for it itself.
        raise DataError(f"a row for {table} cannot be stored: {exc}") from exc


async def _delete_unchecked(conn: Connection, s: str, courses: list[str], course_rows: bool) -> None:
    """Delete the rows of the tables without a foreign key (schema.py) that go with `courses`'
    pathways, and with the courses themselves if `course_rows`: what ON DELETE CASCADE would."""
    await conn.execute(f"DELETE FROM {s}.module_documents WHERE module_id IN (SELECT m.id FROM {s}.modules m "
                       f"JOIN {s}.pathways p ON p.id = m.pathway_id WHERE p.course_id = ANY($1::text[]))", courses)
    if course_rows:
        for table in ("repository_files", "analyzed_documents"):
            await conn.execute(f"DELETE FROM {s}.{table} WHERE course_id = ANY($1::text[])", courses)


async def write_changes(conn: Connection, s: str, before: Snapshot, after: Snapshot,
                        copy_from: int | None = COPY_FROM) -> None:
    """Make the read tables hold `after` where they held `before` (the rows of the same courses).
    `copy_from`: how many new rows of a table go in by COPY (None: never)."""
    gone = [course for course in before if course not in after]
    if gone:  # every row of theirs goes with them
        await _delete_unchecked(conn, s, gone, course_rows=True)
        await conn.execute(f"DELETE FROM {s}.courses WHERE course_id = ANY($1::text[])", gone)
    kept = {course: before[course] for course in before if course in after}
    renewed = [course for course, tables in after.items() if course in kept and any(
        tables[t] != kept[course][t] for t in PATHWAY_SET)]
    held = [course for course in renewed if kept[course]["pathways"]]
    if held:  # deleting a course's pathways takes their modules, documents and its selection
        await _delete_unchecked(conn, s, held, course_rows=False)
        await conn.execute(f"DELETE FROM {s}.pathways WHERE course_id = ANY($1::text[])", held)
    for table in KEYS:
        removed: list[tuple] = []
        added: list[tuple] = []
        changed: list[tuple] = []
        for course, tables in after.items():
            old_rows, new_rows = kept.get(course, {}).get(table, []), tables[table]
            cascaded = table == "stage3_selections" and course in renewed
            if old_rows == new_rows and not cascaded:
                continue
            if not cascaded and new_rows[:len(old_rows)] == old_rows:
                # The usual change: rows added after those held (a dict keeps a changed key in
                # its place, so any change to a held row or a removal fails this comparison).
                added += new_rows[len(old_rows):]
                continue
            old, new = _by_key(table, old_rows), _by_key(table, new_rows)
            removed += [key for key in old if key not in new]
            added += [row for key, row in new.items() if key not in old]
            changed += [row for key, row in new.items()
                        if key in old and (cascaded or not _same(table, old[key], row))]
        if removed:
            where = " AND ".join(f"{k} = ${i}" for i, k in enumerate(KEYS[table], start=1))
            await conn.executemany(f"DELETE FROM {s}.{table} WHERE {where}", removed)
        if table == "stage3_inputs":  # pathways go in before a selection can refer to one
            for pathway_table in PATHWAY_SET:
                rows = [row for c in after if c in renewed or c not in kept for row in after[c][pathway_table]]
                if rows:
                    await _insert(conn, s, pathway_table, rows, copy_from)
        if copy_from is not None and len(added) >= copy_from:
            await _insert(conn, s, table, added, copy_from)
        else:
            changed += added
        if changed:
            await conn.executemany(_upsert(s, table), changed)


class RowCache:
    """The rows of the courses the live projector touched lately, as its last batch left them, so
    the next batch need not read them again. They are the tables' rows only while nothing else
    wrote the tables: every batch that applies events rewrites the checkpoint row, so the
    transaction id of the checkpoint row's version (`xmin`) says who wrote last. A cache whose
    `written_by` is not the checkpoint's is cleared (another projector, a replay's swap, a
    re-projection, or a batch of ours whose commit failed wrote since)."""

    def __init__(self, limit: int = 128) -> None:
        self.limit = limit  # courses kept, the least recently touched going first
        self.written_by: str | None = None
        self.courses: dict[str, CourseRows] = {}  # in the order they were last touched
        self.deleted: dict[str, Any] = {}

    def clear(self) -> None:
        self.written_by = None
        self.courses.clear()
        self.deleted.clear()

    def check(self, written_by: str) -> None:
        """Clear what the checkpoint's writer `written_by` (its xmin) says may be stale."""
        if written_by != self.written_by:
            self.clear()

    def held(self, course_ids: list[str]) -> tuple[dict[str, CourseRows], dict[str, Any], list[str]]:
        """The rows held of `course_ids`, which of them were deleted when, and the ids to load."""
        courses = {c: self.courses[c] for c in course_ids if c in self.courses}
        deleted = {c: self.deleted[c] for c in course_ids if c in self.deleted}
        return courses, deleted, [c for c in course_ids if c not in courses and c not in deleted]

    def keep(self, touched: list[str], courses: dict[str, CourseRows], deleted: dict[str, Any],
             written_by: str) -> None:
        """After a batch wrote `touched` courses' rows as `courses` holds them (a course of `deleted`
        has none) in the transaction `written_by`."""
        self.written_by = written_by
        for course_id in touched:
            self.courses.pop(course_id, None)
            if course_id in deleted:
                self.deleted[course_id] = deleted[course_id]
            elif course_id in courses:
                self.courses[course_id] = courses[course_id]
        for held in (self.courses, self.deleted):
            for course_id in list(held)[:max(0, len(held) - self.limit)]:
                del held[course_id]
