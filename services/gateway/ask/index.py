"""The course's sources, searchable: every document its analysis kept, cut into sections
(sections.py) and kept in PostgreSQL with a full-text vector each, under a key naming exactly what
was indexed (the snapshot and the documents), so courses built from the same sources share one
index, and a refresh (a new snapshot or other documents) makes a new one.

The index is derived data, not a read table of the log: made the first time a course is asked
about after its analysis, rebuilt after a replay swapped the schema (its tables are in the read
schema, so they start empty there). Two gateways building the same index at once: one builds, the
other waits for it (an advisory lock on the key)."""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field

import asyncpg

from shared.cpu_lane import on_cpu_lane
from shared.bus.snapshots import snapshot_archive
from shared.docs.loading import iter_documents

from ..projection.schema import checked
from .sections import SourceSection, cut

log = logging.getLogger(__name__)

# Raised when what is indexed changes (how documents are cut, what a row holds): new keys, new indexes.
LAYOUT = 1
MAX_DOCUMENT_BYTES = 2_000_000   # as stage 2 reads them (services/doc_analyser/settings.py)
PARSE_BUDGET_SECONDS = 10.0      # per document, in a child process (shared/docs/parse_worker.py)
# The full-text configuration of every part of a section and of the questions (retrieve.py):
# English stemming; an identifier in code or prose stays one word (`defineConfig` → defineconfig).
CONFIGURATION = "english"


class NothingToIndex(LookupError):
    """The course has no analysed documents yet (stage 2 has not succeeded)."""


@dataclass(frozen=True)
class Sources:
    """What a course's answers come from: its scan's snapshot and the documents its analysis kept."""
    course_id: str
    snapshot_ref: str
    paths: tuple[str, ...]
    encodings: dict[str, str | None] = field(default_factory=dict, compare=False)
    repo_url: str | None = None
    commit: str | None = None

    @property
    def key(self) -> str:
        named = json.dumps([LAYOUT, self.snapshot_ref, sorted(self.paths)])
        return hashlib.sha256(named.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class IndexInfo:
    key: str
    documents: int
    sections: int
    skipped: dict[str, str]
    average_length: float
    built_ms: int


def version_sources(course_id: str, version, repo_url: str | None) -> Sources:
    """The sources a version was built from (shared/course_versions.py's Version)."""
    if not version.snapshot_ref or not version.documents:
        raise NothingToIndex(f"version {version.number} does not say what it was built from")
    return Sources(course_id, version.snapshot_ref, version.documents, {}, repo_url, version.commit_sha)


async def sources_of(pool: asyncpg.Pool, schema: str, course_id: str) -> Sources:
    """The course's current sources: its last successful scan and the analysis built on it."""
    s = checked(schema)
    scan = await pool.fetchrow(
        f"""SELECT r.task_id, r.fingerprint, c.repo_url, c.repo_commit FROM {s}.stage_results r
            JOIN {s}.courses c USING (course_id) WHERE r.course_id = $1 AND r.stage = 'stage1'""", course_id)
    analysis = await pool.fetchval(
        f"SELECT task_id FROM {s}.stage_results WHERE course_id = $1 AND stage = 'stage2'", course_id)
    if scan is None or analysis is None or not scan["fingerprint"]:
        raise NothingToIndex("the course's documents have not been analysed yet: run stages 1 and 2 first")
    rows = await pool.fetch(
        f"""SELECT a.file_path, f.encoding FROM {s}.analyzed_documents a
            LEFT JOIN {s}.repository_files f ON f.course_id = a.course_id AND f.task_id = $3
                 AND f.path = a.file_path
            WHERE a.course_id = $1 AND a.task_id = $2 ORDER BY a.position, a.file_path""",
        course_id, analysis, scan["task_id"])
    if not rows:
        raise NothingToIndex("the course's analysis kept no document")
    return Sources(course_id, scan["fingerprint"], tuple(r["file_path"] for r in rows),
                   {r["file_path"]: r["encoding"] for r in rows}, scan["repo_url"], scan["repo_commit"])


class SourceIndex:
    def __init__(self, pool: asyncpg.Pool, schema: str, js) -> None:
        self._pool, self._s, self._js = pool, checked(schema), js
        self._building: dict[str, asyncio.Future[IndexInfo]] = {}  # this process's builds under way

    async def ensure(self, sources: Sources) -> IndexInfo:
        """The index of `sources`, built first if no gateway has built it yet."""
        info = await self.info(sources.key)
        if info is not None:
            return info
        building = self._building.get(sources.key)
        if building is None:
            building = self._building[sources.key] = asyncio.ensure_future(self._build(sources))
            building.add_done_callback(lambda _: self._building.pop(sources.key, None))
        return await asyncio.shield(building)

    async def info(self, key: str) -> IndexInfo | None:
        row = await self._pool.fetchrow(
            f"SELECT documents, sections, skipped, average_length, built_ms FROM {self._s}.ask_indexes "
            f"WHERE source_key = $1", key)
        if row is None:
            return None
        return IndexInfo(key, row["documents"], row["sections"], json.loads(row["skipped"]),
                         row["average_length"], row["built_ms"])

    async def _build(self, sources: Sources) -> IndexInfo:
        """Parse first, holding no connection (a build cancelled while parsing stops after the
        document in hand); then store, unless another gateway stored it meanwhile."""
        started = time.monotonic()
        archive = await snapshot_archive(self._js, sources.snapshot_ref)
        stop = threading.Event()
        try:
            sections, skipped = await on_cpu_lane(_cut_all, archive, sources, stop)
        except asyncio.CancelledError:
            stop.set()
            raise
        del archive
        async with self._pool.acquire() as conn:
            async with conn.transaction():
                await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"ask-index:{sources.key}")
                if not await conn.fetchval(f"SELECT 1 FROM {self._s}.ask_indexes WHERE source_key = $1",
                                           sources.key):
                    info = await store(conn, self._s, sources.key, sections, skipped, started)
                    log.info("indexed %d sections of %d documents for course %s in %d ms (%d skipped)",
                             info.sections, info.documents, sources.course_id, info.built_ms, len(skipped))
                    return info
        found = await self.info(sources.key)
        assert found is not None
        return found


def _cut_all(archive: bytes, sources: Sources, stop: threading.Event) -> tuple[list[SourceSection], dict[str, str]]:
    """Every section of the sources' documents; the documents that could not be read, with why.
    Blocking (parsing runs in a child process under a budget per document); `stop` ends it early."""
    sections: list[SourceSection] = []
    skipped: dict[str, str] = {}
    documents = iter_documents(archive, list(sources.paths), sources.encodings, MAX_DOCUMENT_BYTES,
                               PARSE_BUDGET_SECONDS)
    for path, document, problem in documents:
        if stop.is_set():
            documents.close()  # stops the parser child
            break
        if document is None:
            skipped[path] = problem or "unreadable"
        else:
            sections += cut(document.parsed, document.raw_text)
    return sections, skipped


async def store(conn: asyncpg.Connection, schema: str, key: str, sections: list[SourceSection],
                skipped: dict[str, str], started: float) -> IndexInfo:
    """Keep `sections` searchable under `key` (in the caller's transaction); `started`: when the
    build began (time.monotonic()), for the time it took."""
    s = checked(schema)
    rows = [(key, number, x.path, x.title, x.heading, x.anchor, x.level, x.start_line, x.end_line, x.quote,
             x.text, x.code) for number, x in enumerate(sections)]
    await conn.execute(f"DELETE FROM {s}.ask_sections WHERE source_key = $1", key)
    await conn.copy_records_to_table(
        "ask_sections", schema_name=s, records=rows,
        columns=("source_key", "ordinal", "path", "title", "heading", "anchor", "level", "start_line", "end_line",
                 "quote", "body", "code"))
    # The vector, each part with its weight's letter (how much a match there counts: retrieve.py).
    await conn.execute(
        f"""UPDATE {s}.ask_sections SET tsv =
                setweight(to_tsvector('{CONFIGURATION}', heading), 'A')
                || setweight(to_tsvector('{CONFIGURATION}', body), 'B')
                || setweight(to_tsvector('{CONFIGURATION}', title), 'C')
                || setweight(to_tsvector('{CONFIGURATION}', code), 'D')
            WHERE source_key = $1""", key)
    await conn.execute(f"UPDATE {s}.ask_sections SET length = coalesce((SELECT sum(greatest(cardinality(u.positions), 1)) FROM unnest(tsv) u), 0) WHERE source_key = $1", key)
    # How many sections hold each word: what makes a rare word count for more (retrieve.py).
    await conn.execute(
        f"""INSERT INTO {s}.ask_terms (source_key, lexeme, sections)
            SELECT $1, u.lexeme, count(*) FROM {s}.ask_sections x, unnest(x.tsv) u
            WHERE x.source_key = $1 GROUP BY u.lexeme
            ON CONFLICT (source_key, lexeme) DO UPDATE SET sections = EXCLUDED.sections""", key)
    average = await conn.fetchval(f"SELECT coalesce(avg(length), 0) FROM {s}.ask_sections WHERE source_key = $1", key)
    documents = len({section.path for section in sections})
    built_ms = int((time.monotonic() - started) * 1000)
    await conn.execute(
        f"""INSERT INTO {s}.ask_indexes (source_key, documents, sections, skipped, average_length, built_ms, built_at)
            VALUES ($1, $2, $3, $4, $5, $6, now())""",
        key, documents, len(sections), json.dumps(skipped), float(average), built_ms)
    return IndexInfo(key, documents, len(sections), skipped, float(average), built_ms)
