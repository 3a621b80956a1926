"""Stage 2's fingerprint (DocsAnalysed.fingerprint, services/doc_analyser/fingerprint.py): what a run
produced — the same for two runs over the same documents, whichever run it was, whatever it cost and
whether the cache answered; another when a document changes. Over the real stage 1 and stage 2
handlers and in-memory stores."""
from __future__ import annotations

import hashlib
import json
import uuid

import pytest

from services.doc_analyser.fingerprint import FIELDS, analysis_fingerprint, analysis_row
from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, DocAnalysed, DocAnalysedPayload, DocsAnalysed, DocsAnalysisRequested, FoldersSelected, RepoCloned,
    RepoCloneRequested, StageStarted,
)
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryAnalysisCache, MemoryEventStore, MemorySecretStore, MemorySnapshotStore
from tests.support.gitrepos import COURSE_REPO, commit, make_repo

DOCS = sorted(path for path in COURSE_REPO if path.startswith("docs/"))


def analysis(path: str, **changes) -> DocAnalysedPayload:
    return DocAnalysedPayload(**{
        "task_id": "a1", "path": path, "title": path, "doc_type": "guide", "complexity_level": "beginner",
        "key_concepts": ["broker"], "summary": f"About {path}.", "word_count": 100, "content_hash": f"h-{path}",
        "position": DOCS.index(path), **changes})


# --- the value ---------------------------------------------------------------------------------

def test_the_fingerprint_is_the_documents_whichever_run_in_whatever_order_at_whatever_cost():
    first = [analysis(path) for path in DOCS]
    again = [analysis(path, task_id="a2", cached=True, usage={"provider": "offline", "model": "offline-engine",
                                                               "calls": 3}, parts=2) for path in reversed(DOCS)]
    assert analysis_fingerprint(first) == analysis_fingerprint(again)
    assert len(analysis_fingerprint(first)) == 64


@pytest.mark.parametrize("change", [
    {"content_hash": "h-other"}, {"summary": "Another summary."}, {"key_concepts": ["queue"]},
    {"related_documents": [DOCS[0]]}, {"related_topics": ["routing"]}, {"position": 99}, {"title": "Renamed"},
])
def test_a_changed_document_changes_the_fingerprint(change):
    documents = [analysis(path) for path in DOCS]
    changed = [analysis(DOCS[0], **change), *documents[1:]]
    assert analysis_fingerprint(changed) != analysis_fingerprint(documents)


def test_a_document_more_or_less_changes_the_fingerprint():
    documents = [analysis(path) for path in DOCS]
    assert analysis_fingerprint(documents[1:]) != analysis_fingerprint(documents)


# --- emitted by stage 2 ------------------------------------------------------------------------

class Course:
    """One course's stores, stages 1 and 2 over them, and a repository the test can change."""

    def __init__(self, repo, tmp_path) -> None:
        self.id, self.repo = f"c{uuid.uuid4().hex[:12]}", repo
        self.events, self.snapshots = MemoryEventStore(), MemorySnapshotStore()
        self.clone = clone_stage(StageEmitter(self.events, "repo_clone", "stage1"), self.snapshots, MemorySecretStore(),
                                 RepoCloneSettings(allow_local_repos=True, work_dir=str(tmp_path)))
        self.analyse = analysis_stage(StageEmitter(self.events, "doc_analyser", "stage2"),
                                      self.snapshots.read_archive, MemoryAnalysisCache(),
                                      DocAnalyserSettings(llm_provider="offline"))

    async def add(self, cls: type[Event], **payload) -> Event:
        event = cls(course_id=self.id, actor="alice", payload=payload)
        await self.events.publish(event)
        return event

    async def cloned(self) -> str:
        request = await self.add(RepoCloneRequested, task_id=uuid.uuid4().hex, repo_url=str(self.repo))
        await self.clone.handle(request)
        await self.add(FoldersSelected, selected_folders=["docs"], overview_document=None)
        return last(self.events.caused_by(request), RepoCloned).payload.task_id

    async def analysis_requested(self, clone_task: str) -> DocsAnalysisRequested:
        return await self.add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                              clone_task_id=clone_task)

    async def analysed(self, request: DocsAnalysisRequested) -> DocsAnalysed:
        await self.analyse.handle(request)
        return last(self.events.caused_by(request), DocsAnalysed)

    def analyses(self, request: DocsAnalysisRequested) -> list[DocAnalysedPayload]:
        return [e.payload for e in self.events.caused_by(request) if isinstance(e, DocAnalysed)]


def last(events: list[Event], cls: type[Event]) -> Event:
    found = [e for e in events if isinstance(e, cls)]
    assert found, f"no {cls.type_name()} among {[e.event_type for e in events]}"
    return found[-1]


@pytest.fixture
async def course(tmp_path) -> Course:
    repo = tmp_path / "skyline"
    make_repo(repo, COURSE_REPO)
    course = Course(repo, tmp_path / "work")
    await course.add(CourseCreated, owner_id="alice", title="Skyline course", description="")
    return course


async def test_two_runs_over_the_same_documents_give_one_fingerprint_and_a_changed_document_another(course):
    request = await course.analysis_requested(await course.cloned())
    first = await course.analysed(request)
    assert first.payload.fingerprint and first.payload.cache_hits == 0
    assert first.payload.fingerprint == analysis_fingerprint(course.analyses(request))  # as announced

    # The same documents again, from the cache, on a scan of the same commit (a refresh).
    again = await course.analysed(await course.analysis_requested(await course.cloned()))
    assert again.payload.cache_hits == again.payload.document_count > 0
    assert again.payload.fingerprint == first.payload.fingerprint

    commit(course.repo, {DOCS[0]: COURSE_REPO[DOCS[0]] + "\nOne more paragraph about the broker.\n"}, "edit")
    changed = await course.analysed(await course.analysis_requested(await course.cloned()))
    assert changed.payload.fingerprint != first.payload.fingerprint


async def test_a_run_redelivered_after_some_documents_counts_the_earlier_delivery_s_analyses(course):
    scan = await course.cloned()
    first_request = await course.analysis_requested(scan)
    first = await course.analysed(first_request)
    earlier = course.analyses(first_request)

    # An earlier delivery of the next run started and announced one document before it stopped.
    request = await course.analysis_requested(scan)
    task = request.payload.task_id
    await course.events.publish(request.reacting(StageStarted, "started", actor="doc_analyser", stage="stage2",
                                                 task_id=task))
    # (Its model answered with another summary: the redelivery keeps that answer, so must the fingerprint.)
    announced = {**earlier[0].model_dump(exclude={"task_id"}), "summary": "The earlier delivery's summary."}
    await course.events.publish(request.reacting(DocAnalysed, f"doc:{announced['path']}", actor="doc_analyser",
                                                 task_id=task, **announced))
    redelivered = await course.analysed(request)
    analyses = course.analyses(request)
    assert redelivered.payload.document_count == len(analyses) == len(earlier)
    assert [a.summary for a in analyses if a.path == announced["path"]] == [announced["summary"]]
    assert redelivered.payload.fingerprint == analysis_fingerprint(analyses) != first.payload.fingerprint


def test_the_fingerprint_written_row_by_row_is_the_sha256_of_the_rows_as_one_json_list():
    """Runs before and after a release compare fingerprints (a refresh reuses what an unchanged
    analysis built): the value is the sha256 of the path-sorted rows as one compact JSON list."""
    documents = [DocAnalysedPayload(task_id="t", path=f"docs/{name}.md", title=f"Étude {name}", doc_type="guide",
                                    complexity_level="beginner", key_concepts=["cache"], learning_objectives=[],
                                    summary="s", prerequisites=[], related_topics=[], word_count=3,
                                    content_hash="h", position=n)
                 for n, name in enumerate(["b", "a", "c"])]
    rows = sorted(([getattr(d, name) for name in FIELDS] for d in documents), key=lambda row: row[0])
    whole = hashlib.sha256(json.dumps(rows, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()
    assert analysis_fingerprint(documents) == whole
    assert json.loads(analysis_row(documents[0]))[0] == "docs/b.md"
