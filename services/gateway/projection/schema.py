"""The read tables: a projection of the log, created per schema so replay can build a fresh one.
A new column: its DDL here (the DDL's hash is the layout version: a gateway that finds an older
layout rebuilds the tables from the log), how the fold (fold.py) writes it, and the
reader that serves it (docs/architecture.md)."""
from __future__ import annotations

import hashlib

from shared import linear_regex

_SCHEMA_NAME = linear_regex.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def checked(schema: str) -> str:
    if not _SCHEMA_NAME.fullmatch(schema):
        raise ValueError(f"not a safe schema name: {schema!r}")
    return schema


_TABLES = """
CREATE TABLE IF NOT EXISTS {s}.projection_checkpoint (
    id          SMALLINT PRIMARY KEY CHECK (id = 1),
    stream_seq  BIGINT NOT NULL
);
INSERT INTO {s}.projection_checkpoint (id, stream_seq) VALUES (1, 0) ON CONFLICT DO NOTHING;
CREATE TABLE IF NOT EXISTS {s}.courses (
    course_id    TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL,
    title        TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'draft',
    repo_url     TEXT,
    repo_name    TEXT,
    repo_task_id TEXT,
    repo_commit  TEXT,
    revision     INTEGER NOT NULL,
    last_seq     BIGINT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    updated_at   TIMESTAMPTZ NOT NULL,
    language     TEXT  -- BCP 47, as asked; NULL: the sources' language
);
CREATE INDEX IF NOT EXISTS courses_by_owner ON {s}.courses (user_id, created_at DESC);
CREATE TABLE IF NOT EXISTS {s}.course_tasks (
    course_id            TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    stage                TEXT NOT NULL,
    task_id              TEXT NOT NULL,
    status               TEXT NOT NULL,
    progress_percentage  INTEGER NOT NULL DEFAULT 0,
    current_step         TEXT,
    error_message        TEXT,
    started_at           TIMESTAMPTZ,
    completed_at         TIMESTAMPTZ,
    last_activity_at     TIMESTAMPTZ NOT NULL,
    fallbacks            JSONB NOT NULL DEFAULT '[]',  -- items the offline engine produced: [{item, reason}]
    PRIMARY KEY (course_id, stage)
);
CREATE TABLE IF NOT EXISTS {s}.stage_requests (
    course_id      TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    stage          TEXT NOT NULL,
    task_id        TEXT NOT NULL,
    input_task_id  TEXT,  -- the run of the stage before it that this run builds on (none for stage 1)
    input_fingerprint  TEXT,  -- what that run produced, when it was the stage's last success at the request
    PRIMARY KEY (course_id, stage, task_id)
);
-- Each stage's last successful run: what it produced, what it was built on and who did the work. A
-- later stage whose input is not what its predecessor's last success produced is out of date
-- (services/gateway/domain/lineage.py).
CREATE TABLE IF NOT EXISTS {s}.stage_results (
    course_id      TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    stage          TEXT NOT NULL,
    task_id        TEXT NOT NULL,
    input_task_id  TEXT,
    fingerprint        TEXT,  -- what the run produced: stage 1 its snapshot, stage 2 DocsAnalysed.fingerprint
    input_fingerprint  TEXT,  -- what the run it built on produced (stage_requests.input_fingerprint)
    provider       TEXT,  -- from the result's usage: "offline" for the offline engine
    model          TEXT,
    completed_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, stage)
);
-- repository_files, analyzed_documents and module_documents, the tables with the most rows per
-- course, name their parent without a foreign key: PostgreSQL would check one per row written.
-- Their rows are written only with their course's and deleted with their parent's
-- (rows.write_changes); tests/integration/test_bulk_replay.py checks the tables against the log.
CREATE TABLE IF NOT EXISTS {s}.repository_files (
    course_id              TEXT NOT NULL,
    task_id                TEXT NOT NULL,
    path                   TEXT NOT NULL,
    folder                 TEXT NOT NULL,
    size                   BIGINT NOT NULL,
    is_documentation       BOOLEAN NOT NULL,
    is_overview_candidate  BOOLEAN NOT NULL,
    navigation_index       INTEGER,
    encoding               TEXT,
    note                   TEXT,
    PRIMARY KEY (course_id, task_id, path)
);
CREATE TABLE IF NOT EXISTS {s}.stage1_selections (
    course_id          TEXT PRIMARY KEY REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    selected_folders   TEXT[] NOT NULL,
    overview_document  TEXT,
    selected_at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.stage2_inputs (
    course_id         TEXT PRIMARY KEY REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id           TEXT NOT NULL,
    complexity_level  TEXT NOT NULL,
    additional_info   TEXT NOT NULL,
    created_at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.analyzed_documents (
    id                     TEXT NOT NULL UNIQUE,
    course_id              TEXT NOT NULL,
    task_id                TEXT NOT NULL,
    file_path              TEXT NOT NULL,
    title                  TEXT NOT NULL,
    doc_type               TEXT NOT NULL,
    complexity_level       TEXT NOT NULL,
    key_concepts           TEXT[] NOT NULL,
    learning_objectives    TEXT[] NOT NULL,
    summary                TEXT NOT NULL,
    prerequisites          TEXT[] NOT NULL,
    prerequisite_concepts  TEXT[] NOT NULL,
    related_topics         TEXT[] NOT NULL,
    related_documents      TEXT[] NOT NULL,
    word_count             INTEGER NOT NULL,
    reading_minutes        INTEGER NOT NULL,
    content_hash           TEXT NOT NULL,
    cached                 BOOLEAN NOT NULL,
    position               INTEGER NOT NULL,
    analyzed_at            TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, task_id, file_path)
);
CREATE TABLE IF NOT EXISTS {s}.stage2_results (
    course_id       TEXT PRIMARY KEY REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id         TEXT NOT NULL,
    document_count  INTEGER NOT NULL,
    skipped         JSONB NOT NULL,
    cache_hits      INTEGER NOT NULL,
    usage           JSONB,
    completed_at    TIMESTAMPTZ NOT NULL,
    skipped_omitted INTEGER NOT NULL DEFAULT 0   -- skipped documents the event did not list
);
CREATE TABLE IF NOT EXISTS {s}.stage3_inputs (
    course_id        TEXT PRIMARY KEY REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id          TEXT NOT NULL,
    additional_info  TEXT NOT NULL,
    pathway_count    INTEGER NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.pathways (
    id                 TEXT PRIMARY KEY,
    course_id          TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id            TEXT NOT NULL,
    position           INTEGER NOT NULL,
    key                TEXT NOT NULL,
    title              TEXT NOT NULL,
    description        TEXT NOT NULL,
    approach           TEXT NOT NULL,
    complexity_level   TEXT NOT NULL,
    estimated_minutes  INTEGER NOT NULL,
    prerequisites      TEXT[] NOT NULL,
    created_at         TIMESTAMPTZ NOT NULL
);
-- The projector loads a course's pathway set by its course (rows.py).
CREATE INDEX IF NOT EXISTS pathways_by_course ON {s}.pathways (course_id);
CREATE TABLE IF NOT EXISTS {s}.modules (
    id                   TEXT PRIMARY KEY,
    pathway_id           TEXT NOT NULL REFERENCES {s}.pathways (id) ON DELETE CASCADE,
    sequence_order       INTEGER NOT NULL,
    title                TEXT NOT NULL,
    description          TEXT NOT NULL,
    learning_objectives  TEXT[] NOT NULL,
    estimated_minutes    INTEGER NOT NULL,
    complexity_level     TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS modules_by_pathway ON {s}.modules (pathway_id);
CREATE TABLE IF NOT EXISTS {s}.module_documents (
    module_id   TEXT NOT NULL,
    position    INTEGER NOT NULL,
    file_path   TEXT NOT NULL,
    placement   TEXT NOT NULL DEFAULT '',  -- why the document is where it is (PathwayModule.placements)
    PRIMARY KEY (module_id, file_path)
);
-- A plan announced in parts (shared/pathway_parts.py): each part's modules, as JSON, until its
-- PathwaysGenerated makes them the pathways' modules and takes them away.
CREATE TABLE IF NOT EXISTS {s}.pathway_module_parts (
    course_id   TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id     TEXT NOT NULL,
    part        INTEGER NOT NULL,
    pathway_id  TEXT NOT NULL,
    modules     TEXT NOT NULL,
    PRIMARY KEY (course_id, task_id, part)
);
CREATE TABLE IF NOT EXISTS {s}.stage3_selections (
    course_id            TEXT PRIMARY KEY REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    selected_pathway_id  TEXT NOT NULL REFERENCES {s}.pathways (id) ON DELETE CASCADE,
    selected_at          TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.generated_courses (
    course_id     TEXT PRIMARY KEY REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id       TEXT NOT NULL,
    pathway_id    TEXT NOT NULL,
    export_ref    TEXT,
    export_bytes  BIGINT,
    module_count  INTEGER,
    usage         JSONB,
    requested_at  TIMESTAMPTZ NOT NULL,
    generated_at  TIMESTAMPTZ,
    language      TEXT,  -- the course's language at generation (CourseGenerated.language)
    content_language TEXT  -- the language its text is in
);
CREATE TABLE IF NOT EXISTS {s}.module_content (
    course_id       TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    task_id         TEXT NOT NULL,
    module_id       TEXT NOT NULL,
    position        INTEGER NOT NULL,
    title           TEXT NOT NULL,
    content_ref     TEXT NOT NULL,
    content_hash    TEXT NOT NULL,
    question_count  INTEGER NOT NULL,
    generated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, task_id, module_id)
);
-- The author's edits (services/gateway/projection/fold.py): applied on top of what stage 4
-- wrote until undone (shared/course_edits.py).
CREATE TABLE IF NOT EXISTS {s}.course_edits (
    course_id     TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    event_id      TEXT NOT NULL,
    seq           BIGINT NOT NULL,
    kind          TEXT NOT NULL,  -- edited | reordered | removed | merged
    module_id     TEXT,           -- the module it is about (a merge: the one kept; a reorder: none)
    payload       JSONB NOT NULL,
    actor         TEXT NOT NULL,
    edited_at     TIMESTAMPTZ NOT NULL,
    undone_by     TEXT,           -- the EditUndone's event id
    undone_actor  TEXT,
    undone_at     TIMESTAMPTZ,
    PRIMARY KEY (course_id, event_id)
);
CREATE TABLE IF NOT EXISTS {s}.deleted_courses (
    course_id   TEXT PRIMARY KEY,
    deleted_at  TIMESTAMPTZ NOT NULL
);
-- What each run that succeeded reported spending (its usage at list prices), charged to the course's
-- owner: the ledger of the per-user spend budget (services/gateway/quotas.py). No foreign key, so
-- deleting a course does not give back what it spent.
CREATE TABLE IF NOT EXISTS {s}.run_spend (
    course_id    TEXT NOT NULL,
    stage        TEXT NOT NULL,
    task_id      TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    cost_usd     DOUBLE PRECISION NOT NULL,
    finished_at  TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, stage, task_id)
);
CREATE INDEX IF NOT EXISTS run_spend_by_user ON {s}.run_spend (user_id, finished_at);
-- Ask the course (services/gateway/ask/): the answers each user was given, until they clear them.
CREATE TABLE IF NOT EXISTS {s}.tutor_answers (
    course_id  TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    ask_id     TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    seq        BIGINT NOT NULL,
    question   TEXT NOT NULL,
    answer     JSONB NOT NULL,  -- answer, citations, covered, engine, removed
    asked_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, ask_id)
);
CREATE INDEX IF NOT EXISTS tutor_answers_by_user ON {s}.tutor_answers (course_id, user_id, seq);
-- Cohorts (issue 46): who is taught which course. A member is a random reference; who they are is
-- sealed with their own key (services/gateway/learners/), so erasing the key erases them everywhere.
CREATE TABLE IF NOT EXISTS {s}.cohorts (
    cohort_id   TEXT PRIMARY KEY,
    owner_id    TEXT NOT NULL,
    name        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX IF NOT EXISTS cohorts_by_owner ON {s}.cohorts (owner_id);
CREATE TABLE IF NOT EXISTS {s}.cohort_members (
    cohort_id   TEXT NOT NULL REFERENCES {s}.cohorts (cohort_id) ON DELETE CASCADE,
    member_ref  TEXT NOT NULL,
    role        TEXT NOT NULL,
    sealed      TEXT NOT NULL,  -- user id and email, sealed with the member's key
    added_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cohort_id, member_ref)
);
CREATE INDEX IF NOT EXISTS cohort_members_by_ref ON {s}.cohort_members (member_ref);
CREATE TABLE IF NOT EXISTS {s}.cohort_courses (
    cohort_id           TEXT NOT NULL REFERENCES {s}.cohorts (cohort_id) ON DELETE CASCADE,
    course_id           TEXT NOT NULL,
    version             INTEGER NOT NULL,
    release_every_days  INTEGER,  -- none: every module at once
    release_start       DATE,
    assigned_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (cohort_id, course_id)
);
CREATE INDEX IF NOT EXISTS cohort_courses_by_course ON {s}.cohort_courses (course_id);
-- A learner's progress in a course: what they read and answered, one row per client action.
CREATE TABLE IF NOT EXISTS {s}.learner_activity (
    course_id    TEXT NOT NULL REFERENCES {s}.courses (course_id) ON DELETE CASCADE,
    learner_ref  TEXT NOT NULL,
    client_id    TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    cohort_id    TEXT NOT NULL,
    module_id    TEXT NOT NULL,
    kind         TEXT NOT NULL,  -- read, answer or completed
    question     INTEGER,
    choice       INTEGER,
    correct      BOOLEAN,
    at           TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (course_id, learner_ref, client_id)
);
CREATE INDEX IF NOT EXISTS learner_activity_by_cohort ON {s}.learner_activity (cohort_id, course_id, learner_ref);
-- The sources' search index (services/gateway/ask/index.py): derived from the snapshots, not from
-- the log, so not a read table replay reproduces; made again when first needed.
CREATE TABLE IF NOT EXISTS {s}.ask_indexes (
    source_key      TEXT PRIMARY KEY,
    documents       INTEGER NOT NULL,
    sections        INTEGER NOT NULL,
    skipped         JSONB NOT NULL DEFAULT '{}',
    average_length  DOUBLE PRECISION NOT NULL DEFAULT 0,
    built_ms        INTEGER NOT NULL DEFAULT 0,
    built_at        TIMESTAMPTZ NOT NULL
);
CREATE TABLE IF NOT EXISTS {s}.ask_sections (
    source_key  TEXT NOT NULL,
    ordinal     INTEGER NOT NULL,
    path        TEXT NOT NULL,
    title       TEXT NOT NULL,
    heading     TEXT NOT NULL,
    anchor      TEXT NOT NULL,
    level       SMALLINT NOT NULL,
    start_line  INTEGER NOT NULL,
    end_line    INTEGER NOT NULL,
    quote       TEXT NOT NULL,
    body        TEXT NOT NULL,
    code        TEXT NOT NULL,
    length      INTEGER NOT NULL DEFAULT 0,
    tsv         TSVECTOR,
    PRIMARY KEY (source_key, ordinal)
);
CREATE TABLE IF NOT EXISTS {s}.ask_terms (
    source_key  TEXT NOT NULL,
    lexeme      TEXT NOT NULL,
    sections    INTEGER NOT NULL,
    PRIMARY KEY (source_key, lexeme)
);
CREATE TABLE IF NOT EXISTS {s}.projection_rejects (
    stream_seq  BIGINT PRIMARY KEY,
    subject     TEXT NOT NULL,
    reason      TEXT NOT NULL
);
"""
# Any change to the tables changes this; a gateway finding another layout rebuilds it by replay.
DDL_VERSION = hashlib.sha256(_TABLES.encode()).hexdigest()[:16]


def ddl(schema: str) -> str:
    s = checked(schema)
    return f"""
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.projection_meta (
    id           SMALLINT PRIMARY KEY CHECK (id = 1),
    ddl_version  TEXT NOT NULL
);
INSERT INTO {s}.projection_meta VALUES (1, '{DDL_VERSION}') ON CONFLICT DO NOTHING;
""" + _TABLES.replace("{s}", s)


# Tables whose rows replay must reproduce exactly (the checkpoint included).
READ_TABLES = ("courses", "course_tasks", "stage_requests", "stage_results", "repository_files",
               "stage1_selections", "stage2_inputs", "analyzed_documents", "stage2_results", "stage3_inputs",
               "pathways", "modules", "module_documents", "pathway_module_parts", "stage3_selections",
               "generated_courses", "module_content", "course_edits", "tutor_answers", "cohorts", "cohort_members", "cohort_courses",
               "learner_activity", "deleted_courses", "run_spend", "projection_rejects",
               "projection_checkpoint")
