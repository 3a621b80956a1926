"""Stage 1 into `repository_files` and `stage1_selections`, and its run's success into `courses`
(the repository it scanned). Its run otherwise is every stage's: run_handlers.py."""
from __future__ import annotations

import posixpath

from asyncpg import Connection

from shared.events.catalogue import FoldersSelected, RepoCloned, RepoFilesDiscovered
from shared.stage.runs import SUCCESS

from .registry import handles
from .run_handlers import record_result, update_run


@handles(RepoFilesDiscovered)
async def files_discovered(conn: Connection, s: str, event: RepoFilesDiscovered, seq: int) -> None:
    files = event.payload.files
    await conn.execute(
        f"""INSERT INTO {s}.repository_files
            SELECT $1, $2, f.path, f.folder, f.size, f.doc, f.overview, f.nav, f.enc, f.note
            FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bool[], $7::bool[], $8::int[],
                        $9::text[], $10::text[]) AS f(path, folder, size, doc, overview, nav, enc, note)
            WHERE EXISTS (SELECT 1 FROM {s}.course_tasks WHERE course_id = $1 AND stage = 'stage1'
                          AND task_id = $2)
            ON CONFLICT DO NOTHING""",
        event.course_id, event.payload.task_id, [f.path for f in files],
        [posixpath.dirname(f.path) or "." for f in files], [f.size for f in files],
        [f.is_documentation for f in files], [f.is_overview_candidate for f in files],
        [f.navigation_index for f in files], [f.encoding for f in files], [f.note for f in files],
    )


@handles(RepoCloned)
async def repo_cloned(conn: Connection, s: str, event: RepoCloned, seq: int) -> None:
    p = event.payload
    if not await update_run(conn, s, event, "stage1", SUCCESS, 100, "Complete", None, True):
        return
    await record_result(conn, s, event, "stage1")
    await conn.execute(
        f"""UPDATE {s}.courses SET repo_url = $2, repo_name = $3, repo_task_id = $4, repo_commit = $5,
                   status = 'stage1_complete', updated_at = $6 WHERE course_id = $1""",
        event.course_id, p.repo_url, p.repo_name, p.task_id, p.commit_sha, event.occurred_at,
    )
    # The new run's results replace the old ones, and a selection made on the old tree is void.
    await conn.execute(f"DELETE FROM {s}.repository_files WHERE course_id = $1 AND task_id <> $2",
                       event.course_id, p.task_id)
    await conn.execute(f"DELETE FROM {s}.stage1_selections WHERE course_id = $1", event.course_id)


@handles(FoldersSelected)
async def folders_selected(conn: Connection, s: str, event: FoldersSelected, seq: int) -> None:
    p = event.payload
    await conn.execute(
        f"""INSERT INTO {s}.stage1_selections (course_id, selected_folders, overview_document, selected_at)
            SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM {s}.courses WHERE course_id = $1)
            ON CONFLICT (course_id) DO UPDATE SET selected_folders = EXCLUDED.selected_folders,
                overview_document = EXCLUDED.overview_document, selected_at = EXCLUDED.selected_at""",
        event.course_id, p.selected_folders, p.overview_document, event.occurred_at,
    )
