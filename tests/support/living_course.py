"""A course over the in-memory stores (tests/support/fakes.py) whose repository changes between
runs, as a refresh sees it: the real stage 1-3 handlers with the offline engines, and stage 4 over
the offline engine wrapped so it remembers which modules it was asked to write (the provider is
observed, not replaced: every answer is still the engine's)."""
from __future__ import annotations

import uuid
from pathlib import Path

from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.modules.engine.prompts import write_module_task
from services.modules.handlers import ModulesStage
from services.modules.settings import ModulesSettings
from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseGenerationRequested, DocAnalysed, DocsAnalysisRequested, FoldersSelected, Pathway,
    PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested,
)
from shared.llm.offline import OfflineProvider
from shared.stage.emitter import StageEmitter
from tests.support.fakes import (
    MemoryAnalysisCache, MemoryArtefactStore, MemoryEventStore, MemorySecretStore, MemorySnapshotStore,
)
from tests.support.gitrepos import commit


class CountingModuleWriter(OfflineProvider):
    """Stage 4's offline engine, noting the id of every module it is asked to write."""

    def __init__(self) -> None:
        super().__init__({"write_module": write_module_task})
        self.written: list[str] = []

    async def complete(self, prompt, schema):
        self.written.append(prompt.data["spec"].module_id)
        return await super().complete(prompt, schema)


class LivingCourse:
    """One course over a local git repository (`repo`, already committed) that a test may change."""

    def __init__(self, repo: Path, work_dir: Path) -> None:
        self.id, self.repo = f"c{uuid.uuid4().hex[:12]}", repo
        self.events, self.snapshots = MemoryEventStore(), MemorySnapshotStore()
        self.artefacts, self.writer = MemoryArtefactStore(), CountingModuleWriter()
        self._clone = clone_stage(self._emitter("repo_clone", "stage1"), self.snapshots, MemorySecretStore(),
                                  RepoCloneSettings(allow_local_repos=True, work_dir=str(work_dir)))
        self._analyse = analysis_stage(self._emitter("doc_analyser", "stage2"), self.snapshots.read_archive,
                                       MemoryAnalysisCache(), DocAnalyserSettings(llm_provider="offline"))
        self._plan = pathway_stage(self._emitter("pathway", "stage3"), PathwaySettings(llm_provider="offline"))
        self._write = ModulesStage(self._emitter("modules", "stage4"), self.snapshots.read_archive, self.artefacts,
                                   self.writer, ModulesSettings(llm_provider="offline"))

    def _emitter(self, actor: str, stage: str) -> StageEmitter:
        return StageEmitter(self.events, actor, stage)

    async def add(self, cls: type[Event], actor: str = "alice", **payload) -> Event:
        event = cls(course_id=self.id, actor=actor, payload=payload)
        await self.events.publish(event)
        return event

    async def created(self) -> "LivingCourse":
        await self.add(CourseCreated, owner_id="alice", title="Skyline course", description="")
        return self

    async def analysed(self) -> dict[str, DocAnalysed]:
        """Stages 1 and 2 over the repository as it is now: each analysed document by path."""
        clone = await self.add(RepoCloneRequested, task_id=uuid.uuid4().hex, repo_url=str(self.repo))
        await self._clone.handle(clone)
        [cloned] = [e for e in self.events.caused_by(clone) if isinstance(e, RepoCloned)]
        await self.add(FoldersSelected, selected_folders=["docs"], overview_document=None)
        request = await self.add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                                 clone_task_id=cloned.payload.task_id)
        await self._analyse.handle(request)
        return {e.payload.path: e for e in self.events.caused_by(request) if isinstance(e, DocAnalysed)}

    async def planned(self) -> Pathway:
        """Stages 1 to 3: the first pathway stage 3 planned."""
        analysis = next(iter((await self.analysed()).values())).payload.task_id
        request = await self.add(PathwaysRequested, task_id=uuid.uuid4().hex, analysis_task_id=analysis,
                                 pathway_count=2)
        await self._plan.handle(request)
        [generated] = [e for e in self.events.caused_by(request) if isinstance(e, PathwaysGenerated)]
        return generated.payload.pathways[0]

    async def changed(self, files: dict[str, str]) -> dict[str, DocAnalysed]:
        """The repository with `files` committed, cloned and analysed again (a refresh's stages 1 and 2)."""
        commit(self.repo, files, "docs changed")
        return await self.analysed()

    async def replanned(self, pathway: Pathway) -> None:
        """Stage 3 carried the pathway forward as `pathway` (recorded as the pathway service would)."""
        task = uuid.uuid4().hex
        await self.add(PathwaysRequested, task_id=task, pathway_count=1)
        await self.add(PathwaysGenerated, actor="pathway", task_id=task, pathways=[pathway.model_dump()])

    async def generated(self, pathway_id: str, reuse_from: str | None = None,
                        regenerate: tuple[str, ...] = ()) -> tuple[Event, list[Event]]:
        """Stage 4 run to its end: its request and what it emitted; `writer.written` holds only this
        run's modules. `regenerate`: modules the author asked to be written anew."""
        self.writer.written.clear()
        request = await self.add(CourseGenerationRequested, task_id=uuid.uuid4().hex, pathway_id=pathway_id,
                                 reuse_from=reuse_from, regenerate=list(regenerate))
        await self._write.handle(request)
        return request, self.events.caused_by(request)
