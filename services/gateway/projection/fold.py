"""The projection's one definition: how each event changes its course's rows in the read tables
(rows.py), computed in memory. The live projector loads the rows of the courses a batch of events
touches, folds the batch into them and writes back what changed, with the checkpoint, in one
transaction (projector.py); a rebuild folds the whole log and loads the rows with COPY
(bulk_replay.py). tests/integration/test_bulk_replay.py checks that both give the same tables.

Every change is idempotent and uses event time only, so applying the log again yields identical
rows. Only events of a course's current run of a stage change that run's rows; a request seen
before reopens nothing; a course id deleted once is never reused.

Strict (a rebuild): where writing the rows could make PostgreSQL set an event aside for its data (a
value out of a column's range, a NUL character, an id another course holds) or the outcome would
depend on how courses interleave, the fold raises NotBulkable and the rebuild applies the log as the
live projector does, event by event where needed, which sets such an event aside exactly as live.
Not strict (live): the rows go to PostgreSQL, which judges them.

Events are decoded as `decode_stored` reads them, so a poison event is set aside with the same
reason; the costliest types (LEAN) into plain dicts of the same fields (bulk_decode.py), which
their functions here read by key."""
from __future__ import annotations

import json
from typing import Any, Callable

from shared.events import Event, PoisonEvent
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseForked, CourseGenerated, CourseGenerationRequested, CourseUpdated,
    DocAnalysed, DocsAnalysed, DocsAnalysisRequested, EditUndone, FoldersSelected, ModuleEdited, ModuleGenerated,
    ModuleRemoved, ModulesMerged, ModulesReordered, PathwayModule, PathwayModulesListed, PathwaySelected, PathwaysGenerated,
    PathwaysRequested, RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageCancelled, StageFailed,
    StageProgressed, StageStarted, TutorAnswered, TutorHistoryCleared,
)
from shared.events.cohort_events import (
    CohortCreated, CourseAssigned, LearnerProgressErased, MemberAdded, MemberErased, MemberRemoved, ModuleCompleted,
    ModuleRead, QuestionAnswered, ReleaseScheduled,
)
from shared.pathway_parts import with_parts
from shared.stage.runs import CANCELLED, FAILURE, PENDING, REQUESTS, STARTED, SUCCESS

from .bulk_decode import NotBulkable, decode
from .fold_learning import (
    cohort_created, course_assigned, member_added, member_gone, progress_erased, progressed, release_scheduled,
)
from .event_values import (
    FINAL, UPSTREAM, answer_row, completed_step, edit_row, folders_of, json_or_none, modules_json, omitted_fallbacks,
    part_of, produced, spent_usd, undo_values,
)
from .rows import PICK, CourseRows

INT4, INT8 = 2**31, 2**63


class Fold:
    def __init__(self, strict: bool = True) -> None:
        self.strict = strict
        self.courses: dict[str, CourseRows] = {}
        self.deleted: dict[str, Any] = {}
        self.spend: dict[tuple[str, str, str], tuple] = {}  # outlives its course, as run_spend has no foreign key
        self.rejects: list[tuple[int, str, str]] = []
        # Ids unique across courses: whichever course holds one now
        self.doc_ids: set[str] = set()
        self.pathway_ids: set[str] = set()
        self.module_ids: set[str] = set()
        # Every id a course of this fold ever held: folds of other courses (bulk_workers.py) must not share one
        self.claimed: dict[str, set[str]] = {"doc": set(), "pathway": set(), "module": set()}
        self.position = 0
        self._apply: dict[type, Callable[[CourseRows, Any, int], None]] = {
            CourseCreated: self._course_created, CourseForked: self._course_created, CourseUpdated: self._course_updated,
            StageStarted: self._stage_started,
            StageFailed: self._stage_failed, StageCancelled: self._stage_cancelled,
            RepoCloneRequested: self._clone_requested,
            RepoCloned: self._repo_cloned, FoldersSelected: self._folders_selected,
            DocsAnalysisRequested: self._analysis_requested,
            DocsAnalysed: self._documents_analysed, PathwaysRequested: self._pathways_requested,
            PathwaysGenerated: self._pathways_generated, PathwaySelected: self._pathway_selected,
            PathwayModulesListed: self._modules_listed,
            CourseGenerationRequested: self._generation_requested, ModuleGenerated: self._module_generated,
            CourseGenerated: self._course_generated,
            ModuleEdited: self._edited, ModulesReordered: self._edited, ModuleRemoved: self._edited,
            ModulesMerged: self._edited, EditUndone: self._edit_undone,
            TutorAnswered: self._tutor_answered, TutorHistoryCleared: self._tutor_history_cleared,
            CohortCreated: cohort_created, MemberAdded: member_added, MemberRemoved: member_gone,
            MemberErased: member_gone, CourseAssigned: course_assigned, ReleaseScheduled: release_scheduled,
            ModuleRead: self._progressed, QuestionAnswered: self._progressed, ModuleCompleted: self._progressed,
            LearnerProgressErased: progress_erased,
        }
        # The LEAN types, decoded into dicts: by their event_type
        self._apply_lean: dict[str, Callable[[CourseRows, dict, int], None]] = {
            RepoFilesDiscovered.type_name(): self._files_discovered,
            StageProgressed.type_name(): self._stage_progressed,
            DocAnalysed.type_name(): self._document_analysed,
        }

    def add(self, seq: int, subject: str, data: bytes) -> None:
        """Fold the message at stream sequence `seq` (the next after the last one added). A fork
        folded this way makes no row: its rows come from its source's history (forks.py)."""
        try:
            event = decode(subject, data, self.strict)
        except PoisonEvent as exc:
            self.reject(seq, subject, str(exc))
        else:
            if not isinstance(event, CourseForked):
                self.apply(event, seq)
        self.position = seq

    def reject(self, seq: int, subject: str, reason: str) -> None:
        """Set the message at `seq` aside (projection_rejects)."""
        self.rejects.append((seq, subject, reason[:2000]))

    def apply(self, event: Event | dict, seq: int) -> None:
        """Fold one decoded event (a LEAN type as a dict: `as_folded`), stored at `seq`."""
        if isinstance(event, dict):
            self._apply_lean[event["event_type"]](self._rows_of(event["course_id"]), event, seq)
        elif isinstance(event, CourseDeleted):
            self._course_deleted(event)
        else:
            apply = self._apply.get(type(event))
            if apply is not None:  # the other types write no read table
                apply(self._rows_of(event.course_id), event, seq)

    def _int4(self, *values: int | None) -> None:
        for v in values:
            if self.strict and v is not None and not -INT4 <= v < INT4:
                raise NotBulkable(f"{v} does not fit an INTEGER column")

    def _int8(self, *values: int | None) -> None:
        for v in values:
            if self.strict and v is not None and not -INT8 <= v < INT8:
                raise NotBulkable(f"{v} does not fit a BIGINT column")

    def _rows_of(self, course_id: str) -> CourseRows:
        course = self.courses.get(course_id)
        if course is None:
            course = self.courses[course_id] = CourseRows()
        return course

    # --- courses ---------------------------------------------------------

    def _course_created(self, c: CourseRows, e, seq: int) -> None:
        if c.row is None and e.course_id not in self.deleted:
            p = e.payload
            c.row = [e.course_id, p.owner_id, p.title, p.description, "draft", None, None, None, None, 1, seq,
                     e.occurred_at, e.occurred_at, getattr(p, "language", None)]

    def _course_updated(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        self._int4(p.revision)
        if c.row is not None and c.row[9] < p.revision:
            r = c.row
            if p.title is not None:
                r[2] = p.title
            if p.description is not None:
                r[3] = p.description
            if p.language is not None:
                r[13] = p.language
            r[9], r[10], r[12] = p.revision, seq, e.occurred_at

    def _course_deleted(self, e) -> None:
        c = self.courses.pop(e.course_id, None)
        if c is not None:
            self._forget_docs(c, c.docs)
            self._forget_pathways(c)
        self.deleted.setdefault(e.course_id, e.occurred_at)

    # --- runs -----------------------------------------------------------------

    @staticmethod
    def _set_status(c: CourseRows, status: str, at) -> None:
        if c.row is not None:
            c.row[4], c.row[12] = status, at

    @classmethod
    def _update_run(cls, c: CourseRows, e, stage: str, status: str, progress: int | None, step: str | None,
                    error: str | None = None, completed: bool = False) -> bool:
        return cls._run_changed(c, stage, e.payload.task_id, e.occurred_at, status, progress, step, error,
                                completed)

    @staticmethod
    def _run_changed(c: CourseRows, stage: str, task: str, at, status: str, progress: int | None,
                     step: str | None, error: str | None, completed: bool) -> bool:
        """Whether the course's current run of `stage` is `task` and still going: then it changes."""
        t = c.tasks.get(stage)
        if t is None or t[2] != task or t[3] in FINAL:
            return False
        t[3] = status
        if progress is not None:
            t[4] = progress
        if step is not None:
            t[5] = step
        t[6] = error
        if t[7] is None:
            t[7] = at
        t[8] = at if completed else None
        t[9] = at
        return True

    def _stage_requested(self, c: CourseRows, e, seq: int) -> bool:
        stage: str = REQUESTS[type(e)]  # type: ignore[index]  # the catalogue's request types, by class
        task = e.payload.task_id
        consumed = self._consumed_run(c, e)
        if c.row is None or (stage, task) in c.requests:
            return False
        upstream = c.results.get(UPSTREAM.get(stage, ""))
        c.requests[(stage, task)] = (consumed, upstream[4] if upstream is not None and upstream[2] == consumed
                                     else None)
        existing = c.tasks.get(stage)
        if existing is not None and existing[2] == task:
            return False
        c.tasks[stage] = [e.course_id, stage, task, PENDING, 0, "Waiting for a worker", None, None, None,
                          e.occurred_at, "[]"]
        self._set_status(c, f"{stage}_running", e.occurred_at)
        return True

    @staticmethod
    def _consumed_run(c: CourseRows, e) -> str | None:
        p = e.payload
        if isinstance(e, DocsAnalysisRequested):
            return p.clone_task_id or (c.row[7] if c.row is not None else None)
        if isinstance(e, PathwaysRequested):
            result = c.results.get("stage2")
            return p.analysis_task_id or (result[2] if result is not None else None)
        if isinstance(e, CourseGenerationRequested):
            return next((w[2] for w in c.pathways if w[0] == p.pathway_id), None)
        return None

    def _stage_succeeded(self, c: CourseRows, e, stage: str) -> bool:
        if not self._update_run(c, e, stage, SUCCESS, 100, "Complete", None, True):
            return False
        self._set_status(c, f"{stage}_complete", e.occurred_at)
        self._record_result(c, e, stage)
        spent = spent_usd(e)
        if spent > 0 and c.row is not None:
            self.spend.setdefault((e.course_id, stage, e.payload.task_id),
                                  (e.course_id, stage, e.payload.task_id, c.row[1], spent, e.occurred_at))
        return True

    @staticmethod
    def _record_result(c: CourseRows, e, stage: str) -> None:
        usage, task = getattr(e.payload, "usage", None), e.payload.task_id
        consumed, consumed_fingerprint = c.requests.get((stage, task), (None, None))
        c.results[stage] = (e.course_id, stage, task, consumed, produced(e), consumed_fingerprint,
                            usage.provider if usage else None, usage.model if usage else None, e.occurred_at)

    @staticmethod
    def _record_fallbacks(c: CourseRows, e, stage: str) -> None:
        t = c.tasks.get(stage)
        if t is not None and t[2] == e.payload.task_id:
            fallbacks = [item.model_dump() for item in e.payload.fallbacks]
            t[10], t[5] = json.dumps(fallbacks), completed_step(len(fallbacks) + omitted_fallbacks(e))

    def _stage_started(self, c: CourseRows, e, seq: int) -> None:
        self._update_run(c, e, e.payload.stage, STARTED, None, "Started")

    def _stage_progressed(self, c: CourseRows, e: dict, seq: int) -> None:
        p = e["payload"]
        self._run_changed(c, p["stage"], p["task_id"], e["occurred_at"], STARTED, p["progress_percentage"],
                          p["current_step"], None, False)

    def _stage_failed(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        if self._update_run(c, e, p.stage, FAILURE, None, "Failed", p.error_message, True):
            self._set_status(c, f"{p.stage}_failed", e.occurred_at)

    def _stage_cancelled(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        if self._update_run(c, e, p.stage, CANCELLED, None, "Cancelled", None, True):
            self._set_status(c, f"{p.stage}_cancelled", e.occurred_at)

    # --- stage 1 ----------------------------------------------------------------------------------

    def _clone_requested(self, c: CourseRows, e, seq: int) -> None:
        self._stage_requested(c, e, seq)

    def _files_discovered(self, c: CourseRows, e: dict, seq: int) -> None:
        p = e["payload"]
        task = p["task_id"]
        t = c.tasks.get("stage1")
        current = t is not None and t[2] == task
        course, files = e["course_id"], c.files
        strict = self.strict
        if not current and not strict:
            return  # the files of a run that is not the current one: nothing to check or keep
        listed = p["files"]
        for f, folder in zip(listed, folders_of([f["path"] for f in listed])):
            path, size, index = f["path"], f["size"], f["navigation_index"]
            if strict and (size >= INT8 or (index is not None and not -INT4 <= index < INT4)):
                raise NotBulkable(f"a file of RepoFilesDiscovered at {seq} has a size or index out of range")
            if current and (task, path) not in files:
                files[(task, path)] = (course, task, path, folder, size, f["is_documentation"],
                                       f["is_overview_candidate"], index, f["encoding"], f["note"])

    def _repo_cloned(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        if not self._update_run(c, e, "stage1", SUCCESS, 100, "Complete", None, True):
            return
        self._record_result(c, e, "stage1")
        if c.row is not None:
            r = c.row
            r[5], r[6], r[7], r[8], r[4], r[12] = (p.repo_url, p.repo_name, p.task_id, p.commit_sha,
                                                   "stage1_complete", e.occurred_at)
        c.files = {k: v for k, v in c.files.items() if k[0] == p.task_id}
        c.sel1 = None

    def _folders_selected(self, c: CourseRows, e, seq: int) -> None:
        if c.row is not None:
            p = e.payload
            c.sel1 = (e.course_id, list(p.selected_folders), p.overview_document, e.occurred_at)

    # --- stage 2 ----------------------------------------------------------------------------------

    def _analysis_requested(self, c: CourseRows, e, seq: int) -> None:
        if self._stage_requested(c, e, seq):
            p = e.payload
            c.s2in = (e.course_id, p.task_id, p.complexity_level, p.additional_info, e.occurred_at)

    def _document_analysed(self, c: CourseRows, e: dict, seq: int) -> None:
        p = e["payload"]
        task, event_id = p["task_id"], e["event_id"]
        position = p["position"] if p["position"] is not None else 0
        self._int4(p["word_count"], p["reading_minutes"], position)
        t = c.tasks.get("stage2")
        if t is None or t[2] != task or t[3] == CANCELLED:
            return
        key = (task, p["path"])
        if key in c.docs or event_id in self.doc_ids:
            return
        self.doc_ids.add(event_id)
        self.claimed["doc"].add(event_id)
        c.docs[key] = (event_id, e["course_id"], task, p["path"], p["title"], p["doc_type"], p["complexity_level"],
                       p["key_concepts"], p["learning_objectives"], p["summary"], p["prerequisites"],
                       p["prerequisite_concepts"], p["related_topics"], p["related_documents"], p["word_count"],
                       p["reading_minutes"], p["content_hash"], p["cached"], position, e["occurred_at"])

    def _documents_analysed(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        self._int4(p.document_count, p.cache_hits)
        if not self._stage_succeeded(c, e, "stage2"):
            return
        self._record_fallbacks(c, e, "stage2")
        c.s2res = (e.course_id, p.task_id, p.document_count, json.dumps([d.model_dump() for d in p.skipped]),
                   p.cache_hits, json_or_none(p.usage), e.occurred_at, p.skipped_omitted)
        gone = {k: v for k, v in c.docs.items() if k[0] != p.task_id}
        self._forget_docs(c, gone)
        c.docs = {k: v for k, v in c.docs.items() if k[0] == p.task_id}

    def _forget_docs(self, c: CourseRows, docs: dict) -> None:
        for row in docs.values():
            self.doc_ids.discard(row[0])

    # --- stage 3 ----------------------------------------------------------------------------------

    def _pathways_requested(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        self._int4(p.pathway_count)
        if self._stage_requested(c, e, seq):
            c.s3in = (e.course_id, p.task_id, p.additional_info, p.pathway_count, e.occurred_at)

    def _modules_listed(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        if c.row is not None:
            c.parts[(p.task_id, p.part)] = (e.course_id, p.task_id, p.part, p.pathway_id, modules_json(p.modules))

    def _pathways_generated(self, c: CourseRows, e, seq: int) -> None:
        task_id = e.payload.task_id
        parts = [part_of(*row[1:]) for key, row in c.parts.items() if key[0] == task_id]
        c.parts = {key: row for key, row in c.parts.items() if key[0] != task_id}
        p = with_parts(e.payload, parts)
        e = e.model_copy(update={"payload": p})
        for w in p.pathways:
            self._int4(w.estimated_minutes, *(m.estimated_minutes for m in w.modules))
        if not self._stage_succeeded(c, e, "stage3"):
            return
        self._record_fallbacks(c, e, "stage3")
        c.sel3 = None
        self._forget_pathways(c)
        pathways, modules, documents = [], [], []
        for i, w in enumerate(p.pathways):
            pathways.append((w.pathway_id, e.course_id, p.task_id, i, w.key, w.title, w.description, w.approach,
                             w.complexity_level, w.estimated_minutes, list(w.prerequisites), e.occurred_at))
            for j, m in enumerate(w.modules):
                modules.append((m.module_id, w.pathway_id, j, m.title, m.description, list(m.learning_objectives),
                                m.estimated_minutes, m.complexity_level))
                placed = placements(m)
                documents += [(m.module_id, k, path, placed[path]) for k, path in enumerate(placed)]
        pathway_ids, module_ids = {w[0] for w in pathways}, {m[0] for m in modules}
        # Live, PostgreSQL refuses an id repeated or held by a course not in this fold; one another
        # course of the fold holds could be given up later in the batch, which PostgreSQL would not see.
        if ((self.strict and (len(pathway_ids) < len(pathways) or len(module_ids) < len(modules)))
                or pathway_ids & self.pathway_ids or module_ids & self.module_ids):
            raise NotBulkable(f"PathwaysGenerated at {seq} repeats a pathway or module id")
        c.pathways, c.modules, c.module_docs = pathways, modules, documents
        self.pathway_ids |= pathway_ids
        self.module_ids |= module_ids
        self.claimed["pathway"] |= pathway_ids
        self.claimed["module"] |= module_ids

    def _forget_pathways(self, c: CourseRows) -> None:
        self.pathway_ids.difference_update(w[0] for w in c.pathways)
        self.module_ids.difference_update(m[0] for m in c.modules)
        c.pathways, c.modules, c.module_docs, c.sel3 = [], [], [], None

    def _pathway_selected(self, c: CourseRows, e, seq: int) -> None:
        if any(w[0] == e.payload.pathway_id for w in c.pathways):
            c.sel3 = (e.course_id, e.payload.pathway_id, e.occurred_at)

    # --- stage 4 ----------------------------------------------------------------------------------

    def _generation_requested(self, c: CourseRows, e, seq: int) -> None:
        if self._stage_requested(c, e, seq):
            p = e.payload
            c.gen = [e.course_id, p.task_id, p.pathway_id, None, None, None, None, e.occurred_at, None, None, None]

    def _module_generated(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        self._int4(p.position, p.question_count)
        t = c.tasks.get("stage4")
        if t is None or t[2] != p.task_id or t[3] == CANCELLED:
            return
        key = (p.task_id, p.module_id)
        if key not in c.content:
            c.content[key] = (e.course_id, p.task_id, p.module_id, p.position, p.title, p.content_ref,
                              p.content_hash, p.question_count, e.occurred_at)

    def _course_generated(self, c: CourseRows, e, seq: int) -> None:
        p = e.payload
        self._int8(p.export_bytes)
        self._int4(p.module_count)
        if not self._stage_succeeded(c, e, "stage4"):
            return
        self._record_fallbacks(c, e, "stage4")
        g = c.gen
        if g is not None and g[1] == p.task_id:
            g[3], g[4], g[5], g[6], g[8] = (p.export_ref, p.export_bytes, p.module_count, json_or_none(p.usage),
                                            e.occurred_at)
            g[9], g[10] = p.language, p.content_language
        c.content = {k: v for k, v in c.content.items() if k[0] == p.task_id}

    # --- the author's edits --------------------------------------------------

    def _edited(self, c: CourseRows, e, seq: int) -> None:
        self._int8(seq)
        if c.row is not None and e.event_id not in c.edits:
            c.edits[e.event_id] = list(edit_row(e, seq))

    def _edit_undone(self, c: CourseRows, e, seq: int) -> None:
        row = c.edits.get(e.payload.edit_event_id)
        if row is not None and row[8] is None:
            row[8:11] = undo_values(e)

    # --- learners: Ask the course (a model's answer is paid like a run, by the course's owner) ----

    def _tutor_answered(self, c: CourseRows, e, seq: int) -> None:
        self._int8(seq)
        if c.row is not None and e.payload.ask_id not in c.answers:
            c.answers[e.payload.ask_id] = answer_row(e, seq)
            if (spent := spent_usd(e)) > 0:
                key = (e.course_id, "ask", e.payload.ask_id)
                self.spend.setdefault(key, (*key, c.row[1], spent, e.occurred_at))

    @staticmethod
    def _tutor_history_cleared(c: CourseRows, e, seq: int) -> None:
        for ask_id in [ask_id for ask_id, row in c.answers.items() if row[2] == e.payload.user_id]:
            del c.answers[ask_id]

    # --- a learner's progress in a course (fold_learning.py) ---------------------------------------

    def _progressed(self, c: CourseRows, e, seq: int) -> None:
        self._int8(seq)
        progressed(c, e, seq)

    # --- the rows -----------------------------------------------------------------------------

    def tables(self) -> dict[str, list[tuple]]:
        """Every table's rows, in no particular order."""
        live = [c for c in self.courses.values() if c.exists]
        found = {table: [row for c in live for row in pick(c)] for table, pick in PICK.items()}
        found["deleted_courses"] = list(self.deleted.items())
        found["run_spend"] = list(self.spend.values())
        found["projection_rejects"] = list(self.rejects)
        return found


def placements(module: PathwayModule) -> dict[str, str]:
    """A module's documents, each once in its first place, with the reason for that place ("" where
    the event gives none: it predates placements or lists them for other documents)."""
    reasons = module.placements if len(module.placements) == len(module.documents) else [""] * len(module.documents)
    placed: dict[str, str] = {}
    for path, reason in zip(module.documents, reasons):
        placed.setdefault(path, reason)
    return placed
