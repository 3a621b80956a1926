"""Each stage's handler built over in-memory stores (tests/support/fakes.py) and fed its request
after the history it needs: what it emits, how it fails, and that a run no longer current is left
alone. Stage 1 clones a real local repository; the later stages read what the earlier ones left,
with the offline engines. The real-process tests (tests/integration, tests/e2e) cover the bus."""
from __future__ import annotations

import io
import tarfile
import uuid

import pytest

from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.modules.handlers import modules_stage
from services.modules.settings import ModulesSettings
from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.claim_ledger import CourseLedger, ledger_name
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseGenerated, CourseGenerationRequested, DocAnalysed, DocsAnalysed,
    DocsAnalysisRequested, FoldersSelected, ModuleGenerated, PathwaysGenerated, PathwaysRequested, RepoCloned,
    RepoCloneRequested, RepoFilesDiscovered, StageCancelled, StageFailed, StageProgressed, StageStarted,
)
from shared.events.envelope import derived_event_id
from shared.stage.emitter import StageEmitter
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.fakes import (
    MemoryAnalysisCache, MemoryArtefactStore, MemoryEventStore, MemorySecretStore, MemorySnapshotStore,
)

DOCS = [path for path in COURSE_REPO if path.startswith("docs/")]


class Course:
    """One course's stores and the four stage handlers built over them."""

    def __init__(self, repo: str, tmp_path) -> None:
        self.id, self.repo = f"c{uuid.uuid4().hex[:12]}", repo
        self.events, self.snapshots = MemoryEventStore(), MemorySnapshotStore()
        self.secrets, self.artefacts = MemorySecretStore(), MemoryArtefactStore()
        self.clone = clone_stage(self.emitter("repo_clone", "stage1"), self.snapshots, self.secrets,
                                 RepoCloneSettings(allow_local_repos=True, work_dir=str(tmp_path)))
        self.analyse = analysis_stage(self.emitter("doc_analyser", "stage2"), self.snapshots.read_archive,
                                      MemoryAnalysisCache(), DocAnalyserSettings(llm_provider="offline"))
        self.plan = pathway_stage(self.emitter("pathway", "stage3"), PathwaySettings(llm_provider="offline"))
        self.write = modules_stage(self.emitter("modules", "stage4"), self.snapshots.read_archive,
                                   self.artefacts, ModulesSettings(llm_provider="offline"))

    def emitter(self, actor: str, stage: str) -> StageEmitter:
        return StageEmitter(self.events, actor, stage)

    async def add(self, cls: type[Event], **payload) -> Event:
        event = cls(course_id=self.id, actor="alice", payload=payload)
        await self.events.publish(event)
        return event

    async def request(self, cls: type[Event], **payload) -> Event:
        return await self.add(cls, task_id=uuid.uuid4().hex, **payload)

    async def created(self) -> "Course":
        await self.add(CourseCreated, owner_id="alice", title="Skyline course", description="")
        return self

    async def cloned(self) -> RepoCloned:
        request = await self.request(RepoCloneRequested, repo_url=self.repo)
        await self.clone.handle(request)
        await self.add(FoldersSelected, selected_folders=["docs"], overview_document=None)
        return last(self.events.caused_by(request), RepoCloned)

    async def analysed(self) -> Event:
        cloned = await self.cloned()
        request = await self.request(DocsAnalysisRequested, complexity_level="beginner",
                                     clone_task_id=cloned.payload.task_id)
        await self.analyse.handle(request)
        return last(self.events.caused_by(request), DocsAnalysed)

    async def planned(self) -> PathwaysGenerated:
        analysed = await self.analysed()
        request = await self.request(PathwaysRequested, analysis_task_id=analysed.payload.task_id,
                                     pathway_count=2)
        await self.plan.handle(request)
        return last(self.events.caused_by(request), PathwaysGenerated)


def last(events: list[Event], cls: type[Event]) -> Event:
    found = [e for e in events if isinstance(e, cls)]
    assert found, f"no {cls.type_name()} among {[e.event_type for e in events]}"
    return found[-1]


def kinds(events: list[Event]) -> list[type[Event]]:
    return list(dict.fromkeys(type(e) for e in events))


def failure(events: list[Event]) -> str:
    assert kinds(events) == [StageStarted, StageFailed], [e.event_type for e in events]
    return events[-1].payload.error_message


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("repo") / "skyline"
    make_repo(path, COURSE_REPO)
    return str(path)


@pytest.fixture
async def course(repo, tmp_path) -> Course:
    return await Course(repo, tmp_path).created()


# --- stage 1 -------------------------------------------------------------------------------------

async def test_stage1_announces_the_scanned_files_and_a_readable_snapshot(course):
    request = await course.request(RepoCloneRequested, repo_url=course.repo)
    await course.clone.handle(request)
    emitted = course.events.caused_by(request)
    assert kinds(emitted) == [StageStarted, StageProgressed, RepoFilesDiscovered, RepoCloned]
    assert all(e.actor == "repo_clone" and e.payload.task_id == request.payload.task_id for e in emitted)
    discovered = {f.path for e in emitted if isinstance(e, RepoFilesDiscovered) for f in e.payload.files}
    assert set(DOCS) <= discovered
    cloned = last(emitted, RepoCloned)
    assert cloned.event_id == derived_event_id(request.event_id, "RepoCloned:cloned")  # redelivery dedup
    assert cloned.payload.documentation_count >= len(DOCS)
    archive = await course.snapshots.read_archive(cloned.payload.snapshot_ref)
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        assert set(DOCS) <= set(tar.getnames())


async def test_stage1_fails_naming_a_token_no_longer_there_and_forgets_a_token_it_was_given(course):
    gone = await course.request(RepoCloneRequested, repo_url=course.repo, token_ref=f"{course.id}.expired")
    await course.clone.handle(gone)
    assert "token is no longer available" in failure(course.events.caused_by(gone))

    token = await course.secrets.keep(course.id, "s3cret")
    rejected = await course.request(RepoCloneRequested, repo_url="ftp://example.org/repo.git", token_ref=token)
    await course.clone.handle(rejected)
    assert failure(course.events.caused_by(rejected))
    assert await course.secrets.take(token) is None  # the run is over: its token goes now


async def test_stage1_leaves_a_cancelled_run_alone(course):
    request = await course.request(RepoCloneRequested, repo_url=course.repo)
    await course.add(StageCancelled, stage="stage1", task_id=request.payload.task_id)
    await course.clone.handle(request)
    assert course.events.caused_by(request) == []


# --- stage 2 -------------------------------------------------------------------------------------

async def test_stage2_announces_one_analysis_per_selected_document_then_the_total(course):
    cloned = await course.cloned()
    request = await course.request(DocsAnalysisRequested, complexity_level="beginner",
                                   clone_task_id=cloned.payload.task_id)
    await course.analyse.handle(request)
    emitted = course.events.caused_by(request)
    assert kinds(emitted) == [StageStarted, DocAnalysed, StageProgressed, DocsAnalysed]
    analysed = {e.payload.path: e for e in emitted if isinstance(e, DocAnalysed)}
    assert sorted(analysed) == sorted(DOCS)
    assert all(e.payload.title and e.payload.engine == "provider" for e in analysed.values())
    path = DOCS[0]
    assert analysed[path].event_id == derived_event_id(request.event_id, f"DocAnalysed:doc:{path}")
    [progress] = [e for e in emitted if isinstance(e, StageProgressed) and e.payload.current_step.endswith(path)]
    assert progress.event_id == derived_event_id(request.event_id, f"StageProgressed:progress:{path}")
    total = last(emitted, DocsAnalysed)
    assert total.payload.document_count == len(DOCS) and total.payload.skipped == []


async def test_stage2_fails_saying_the_snapshot_is_gone(course):
    cloned = await course.cloned()
    course.snapshots.archives.clear()
    request = await course.request(DocsAnalysisRequested, complexity_level="beginner",
                                   clone_task_id=cloned.payload.task_id)
    await course.analyse.handle(request)
    assert "no longer stored; run stage 1 again" in failure(course.events.caused_by(request))


async def test_stage2_leaves_a_deleted_course_alone(course):
    cloned = await course.cloned()
    request = await course.request(DocsAnalysisRequested, complexity_level="beginner",
                                   clone_task_id=cloned.payload.task_id)
    await course.add(CourseDeleted, reason="")
    await course.analyse.handle(request)
    assert course.events.caused_by(request) == []


# --- stage 3 -------------------------------------------------------------------------------------

async def test_stage3_plans_the_pathways_asked_for_over_the_analysed_documents(course):
    analysed = await course.analysed()
    request = await course.request(PathwaysRequested, analysis_task_id=analysed.payload.task_id, pathway_count=2)
    await course.plan.handle(request)
    emitted = course.events.caused_by(request)
    assert kinds(emitted) == [StageStarted, StageProgressed, PathwaysGenerated]
    assert [e.payload.progress_percentage for e in emitted if isinstance(e, StageProgressed)] == [10, 90]
    generated = last(emitted, PathwaysGenerated)
    assert generated.event_id == derived_event_id(request.event_id, "PathwaysGenerated:generated")
    assert len(generated.payload.pathways) == 2
    cited = {d for p in generated.payload.pathways for m in p.modules for d in m.documents}
    assert cited and cited <= set(DOCS)


async def test_stage3_fails_when_stage2_left_nothing_to_plan_from(course):
    await course.cloned()
    request = await course.request(PathwaysRequested, analysis_task_id="no-such-run")
    await course.plan.handle(request)
    assert "no analysed documents to plan from" in failure(course.events.caused_by(request))


async def test_stage3_gives_up_saying_why_and_leaves_a_replaced_run_alone(course):
    analysed = await course.analysed()
    old = await course.request(PathwaysRequested, analysis_task_id=analysed.payload.task_id)
    new = await course.request(PathwaysRequested, analysis_task_id=analysed.payload.task_id)
    await course.plan.handle(old)
    assert course.events.caused_by(old) == []
    await course.plan.give_up(new, "gave up after 5 attempts: boom")
    [failed] = course.events.caused_by(new)
    assert failed.payload.error_message == ("stage 3 could not complete (gave up after 5 attempts: boom); "
                                            "retry the stage")


# --- stage 4 -------------------------------------------------------------------------------------

async def test_stage4_writes_every_module_of_the_pathway_and_stores_the_export(course):
    pathway = (await course.planned()).payload.pathways[0]
    request = await course.request(CourseGenerationRequested, pathway_id=pathway.pathway_id)
    await course.write.handle(request)
    emitted = course.events.caused_by(request)
    assert kinds(emitted) == [StageStarted, ModuleGenerated, StageProgressed, CourseGenerated]
    modules = [e for e in emitted if isinstance(e, ModuleGenerated)]
    assert sorted(m.payload.module_id for m in modules) == sorted(m.module_id for m in pathway.modules)
    for module in modules:
        assert await course.artefacts.get(module.payload.content_ref)
    generated = last(emitted, CourseGenerated)
    assert generated.event_id == derived_event_id(request.event_id, "CourseGenerated:generated")
    assert generated.payload.module_count == len(pathway.modules)
    assert request.occurred_at <= generated.payload.generated_at <= generated.occurred_at  # when it was exported
    export = await course.artefacts.get(generated.payload.export_ref)
    assert len(export) == generated.payload.export_bytes and export[:2] == b"PK"
    flaws = generated.payload.question_flaws      # every question of the course judged by the checker
    assert flaws.checked == sum(m.payload.question_count for m in modules) > 0
    assert flaws.flawed == 0 and flaws.by_rule == {}
    # The run's claim ledger: every module's, in the pathway's order, and its counts in the event.
    ledger = CourseLedger.model_validate_json(
        await course.artefacts.get(f"{course.id}/{ledger_name(request.payload.task_id)}"))
    by_position = sorted(modules, key=lambda m: m.payload.position)
    assert [m.module_id for m in ledger.modules] == [m.payload.module_id for m in by_position]
    assert [m.counts for m in ledger.modules] == [m.payload.claims for m in by_position]
    assert ledger.counts == generated.payload.claims and ledger.counts.checked > 0
    assert sum(len(m.claims) for m in ledger.modules) == ledger.counts.checked


async def test_stage4_fails_on_a_pathway_that_was_never_planned(course):
    await course.planned()
    request = await course.request(CourseGenerationRequested, pathway_id="no-such-pathway")
    await course.write.handle(request)
    assert "pathway or the repository scan is gone" in failure(course.events.caused_by(request))


async def test_stage4_leaves_a_cancelled_run_alone(course):
    pathway = (await course.planned()).payload.pathways[0]
    request = await course.request(CourseGenerationRequested, pathway_id=pathway.pathway_id)
    await course.add(StageCancelled, stage="stage4", task_id=request.payload.task_id)
    await course.write.handle(request)
    assert course.events.caused_by(request) == []
    assert await course.artefacts.names(course.id) == []
