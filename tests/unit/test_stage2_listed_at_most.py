"""Stage 2's result lists what it skipped: cut at LISTED_AT_MOST with a count of the rest, so its
event stays far below the stream's message size however many documents a course has (issue 42)."""
from __future__ import annotations

import uuid

from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events.catalogue import (
    LISTED_AT_MOST, CourseCreated, DocsAnalysed, DocsAnalysisRequested, FoldersSelected, RepoCloned,
    RepoCloneRequested,
)
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryAnalysisCache, MemoryEventStore, MemorySecretStore, MemorySnapshotStore
from tests.support.gitrepos import make_repo

TOO_LARGE = LISTED_AT_MOST + 37


async def test_stage2_lists_the_first_skipped_documents_and_counts_the_rest(tmp_path):
    files = {"docs/index.md": "# Start\n\nA short page that is analysed.\n"}
    files.update({f"docs/large/page{n:03}.md": "# Large\n\n" + "Too long for this test's limit. " * 20
                  for n in range(TOO_LARGE)})
    make_repo(tmp_path / "repo", files)
    course_id, events, snapshots = f"c{uuid.uuid4().hex[:12]}", MemoryEventStore(), MemorySnapshotStore()
    await events.publish(CourseCreated(course_id=course_id, actor="alice",
                                       payload={"owner_id": "alice", "title": "Large pages", "description": ""}))
    clone = clone_stage(StageEmitter(events, "repo_clone", "stage1"), snapshots, MemorySecretStore(),
                        RepoCloneSettings(allow_local_repos=True, work_dir=str(tmp_path / "work")))
    cloning = RepoCloneRequested(course_id=course_id, actor="alice",
                                 payload={"task_id": uuid.uuid4().hex, "repo_url": str(tmp_path / "repo")})
    await events.publish(cloning)
    await clone.handle(cloning)
    [cloned] = [e for e in events.caused_by(cloning) if isinstance(e, RepoCloned)]
    await events.publish(FoldersSelected(course_id=course_id, actor="alice",
                                         payload={"selected_folders": ["docs"], "overview_document": None}))
    analyse = analysis_stage(StageEmitter(events, "doc_analyser", "stage2"), snapshots.read_archive,
                             MemoryAnalysisCache(), DocAnalyserSettings(llm_provider="offline", max_document_bytes=200,
                                                                 tolerate_failed_documents=True))
    request = DocsAnalysisRequested(course_id=course_id, actor="alice", payload={
        "task_id": uuid.uuid4().hex, "complexity_level": "beginner", "clone_task_id": cloned.payload.task_id})
    await events.publish(request)

    await analyse.handle(request)

    emitted = events.caused_by(request)
    assert any(isinstance(e, DocsAnalysed) for e in emitted), [(e.event_type, getattr(e.payload, "error_message", "")) for e in emitted]
    [total] = [e for e in emitted if isinstance(e, DocsAnalysed)]
    assert total.payload.document_count == 1
    assert len(total.payload.skipped) == LISTED_AT_MOST
    assert total.payload.skipped_omitted == TOO_LARGE - LISTED_AT_MOST
    assert all(s.path.startswith("docs/large/") for s in total.payload.skipped)
