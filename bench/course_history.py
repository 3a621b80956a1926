"""A course's history made by the stage handlers themselves, in memory, for the memory tools
(bench.analyser_memory, bench.pathway_memory, bench.modules_memory): `bench/repos.py`'s generated
repository cloned by stage 1, its docs folder selected, then as far as a tool needs — analysed by
stage 2 and planned by stage 3 on the offline engines. Each tool keeps what it made under its own
cache folder; this module only makes it."""
from __future__ import annotations

import uuid
from pathlib import Path

from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, DocsAnalysed, DocsAnalysisRequested, FoldersSelected, PathwaysGenerated, PathwaysRequested,
    RepoCloned, RepoCloneRequested,
)
from shared.stage.emitter import StageEmitter

from .repos import make_doc_repo


class CourseHistory:
    """One course's log in a MemoryEventStore and its snapshots in a MemorySnapshotStore."""

    def __init__(self, course: str, title: str, work: Path) -> None:
        from tests.support.fakes import MemoryEventStore, MemorySnapshotStore

        self.course, self.title, self.work = course, title, work
        self.events, self.snapshots = MemoryEventStore(), MemorySnapshotStore()

    async def add(self, cls: type[Event], **payload) -> Event:
        event = cls(course_id=self.course, actor="alice", payload=payload)
        await self.events.publish(event)
        return event

    def last(self, request: Event, cls: type[Event]) -> Event:
        """The last event of type `cls` that `request` caused."""
        return [e for e in self.events.caused_by(request) if isinstance(e, cls)][-1]

    async def cloned(self, repo: Path, documents: int) -> RepoCloned:
        """The course created, the repository (generated with `documents` documents if missing)
        cloned by stage 1's handler, its docs folder selected."""
        from services.repo_clone.handlers import clone_stage
        from services.repo_clone.settings import RepoCloneSettings
        from tests.support.fakes import MemorySecretStore

        if not repo.exists():
            make_doc_repo(repo, documents)
        clone = clone_stage(StageEmitter(self.events, "repo_clone", "stage1"), self.snapshots, MemorySecretStore(),
                            RepoCloneSettings(allow_local_repos=True, work_dir=str(self.work)))
        await self.add(CourseCreated, owner_id="alice", title=self.title, description="")
        request = await self.add(RepoCloneRequested, task_id=uuid.uuid4().hex, repo_url=str(repo))
        await clone.handle(request)
        cloned = self.last(request, RepoCloned)
        await self.add(FoldersSelected, selected_folders=["docs"], overview_document="README.md")
        return cloned

    async def analysis_requested(self, cloned: RepoCloned, task_id: str | None = None) -> Event:
        return await self.add(DocsAnalysisRequested, task_id=task_id or uuid.uuid4().hex,
                              complexity_level="beginner", clone_task_id=cloned.payload.task_id)

    async def analysed(self, request: Event) -> DocsAnalysed:
        """`request` handled by stage 2's handler on the offline engine."""
        from services.doc_analyser.handlers import analysis_stage
        from services.doc_analyser.settings import DocAnalyserSettings
        from tests.support.fakes import MemoryAnalysisCache

        await analysis_stage(StageEmitter(self.events, "doc_analyser", "stage2"), self.snapshots.read_archive,
                             MemoryAnalysisCache(), DocAnalyserSettings(llm_provider="offline")).handle(request)
        return self.last(request, DocsAnalysed)

    async def plan_requested(self, analysed: DocsAnalysed, pathway_count: int, task_id: str | None = None) -> Event:
        return await self.add(PathwaysRequested, task_id=task_id or uuid.uuid4().hex, pathway_count=pathway_count,
                              analysis_task_id=analysed.payload.task_id)

    async def planned(self, request: Event) -> PathwaysGenerated:
        """`request` handled by stage 3's handler on the offline engine."""
        from services.pathway.handlers import pathway_stage
        from services.pathway.settings import PathwaySettings

        await pathway_stage(StageEmitter(self.events, "pathway", "stage3"),
                            PathwaySettings(llm_provider="offline")).handle(request)
        return self.last(request, PathwaysGenerated)

    async def json_lines(self) -> list[str]:
        """The course's log as the bus stores it: one JSON event a line."""
        return [event.to_json().decode() for event in (await self.events.load(self.course)).events]
