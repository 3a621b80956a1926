"""What the pathway service holds while it plans (issue 49: its peak memory grew with the documents),
counted rather than measured: the history it and stage 4 read (each analysis once, none kept), the
phrases each document keeps once the plan and its placements are made, and the keys define-before-use
shares between documents. The sizes themselves are bench/pathway_memory.py's."""
from __future__ import annotations

import sys
import uuid
from collections import Counter

from services.doc_analyser.handlers import analysis_stage
from services.doc_analyser.settings import DocAnalyserSettings
from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.order import taught_uses
from services.modules.handlers import modules_stage
from services.modules.settings import ModulesSettings
from services.pathway.handlers import pathway_stage, pathways_payload, with_placements
from services.pathway.inputs import PlanInputs
from services.pathway.settings import PathwaySettings
from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseGenerated, CourseGenerationRequested, DocAnalysed, DocsAnalysed, DocsAnalysisRequested,
    FoldersSelected, PathwaySelected, PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested,
    StageProgressed,
)
from shared.stage.emitter import StageEmitter
from tests.support.fakes import (
    MemoryAnalysisCache, MemoryArtefactStore, MemoryEventStore, MemorySecretStore, MemorySnapshotStore,
)
from tests.support.gitrepos import COURSE_REPO, make_repo

_NOUNS = ("broker", "topic", "partition", "consumer", "producer", "offset", "schema", "stream", "snapshot",
          "checkpoint", "projection", "gateway", "replica", "leader", "cache", "session", "router", "payload")


class CountingStore(MemoryEventStore):
    """The in-memory store, counting by type the events each read hands out once `counting` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.counting = False
        self.handed: Counter[type[Event]] = Counter()
        self.kept: Counter[type[Event]] = Counter()

    async def load(self, course_id, timeout=5.0, only=None):
        history = await super().load(course_id, timeout, only)
        if self.counting:
            self.handed.update(type(event) for event in history.events)
        return history

    async def load_each(self, course_id, of, timeout=5.0):
        return self._counted(await super().load_each(course_id, of, timeout))

    def _counted(self, events):
        for event in events:
            if self.counting:
                self.handed[type(event)] += 1
            before = sys.getrefcount(event)
            yield event
            # Asked for the next one, the reader's loop variable still names this one: one more
            # reference than before; more than that, and the reader keeps the event.
            self.kept[type(event)] += sys.getrefcount(event) > before + 1


async def test_stages_3_and_4_read_each_analysis_once_keep_none_and_no_progress_steps(tmp_path):
    repo = tmp_path / "skyline"
    make_repo(repo, COURSE_REPO)
    store, snapshots, course = CountingStore(), MemorySnapshotStore(), f"c{uuid.uuid4().hex[:12]}"

    async def add(cls: type[Event], **payload) -> Event:
        event = cls(course_id=course, actor="alice", payload=payload)
        await store.publish(event)
        return event

    await add(CourseCreated, owner_id="alice", title="Skyline", description="")
    request = await add(RepoCloneRequested, task_id=uuid.uuid4().hex, repo_url=str(repo))
    await clone_stage(StageEmitter(store, "repo_clone", "stage1"), snapshots, MemorySecretStore(),
                      RepoCloneSettings(allow_local_repos=True, work_dir=str(tmp_path / "work"))).handle(request)
    cloned = next(e for e in store.caused_by(request) if isinstance(e, RepoCloned))
    await add(FoldersSelected, selected_folders=["docs"], overview_document=None)
    request = await add(DocsAnalysisRequested, task_id=uuid.uuid4().hex, complexity_level="beginner",
                        clone_task_id=cloned.payload.task_id)
    await analysis_stage(StageEmitter(store, "doc_analyser", "stage2"), snapshots.read_archive,
                         MemoryAnalysisCache(), DocAnalyserSettings(llm_provider="offline")).handle(request)
    analysed = next(e for e in store.caused_by(request) if isinstance(e, DocsAnalysed))
    progress_steps = sum(isinstance(e, StageProgressed) for e in store.caused_by(request))
    assert progress_steps > 0  # the history holds what stages 3 and 4 should not read

    store.counting = True
    request = await add(PathwaysRequested, task_id=uuid.uuid4().hex, analysis_task_id=analysed.payload.task_id,
                        pathway_count=2)
    await pathway_stage(StageEmitter(store, "pathway", "stage3"), PathwaySettings(llm_provider="offline")).handle(request)

    generated = next(e for e in store.caused_by(request) if isinstance(e, PathwaysGenerated))
    assert store.handed[DocAnalysed] == analysed.payload.document_count  # one read of them, each once
    assert store.kept[DocAnalysed] == 0  # each folded into what is planned from, and let go
    assert store.handed[StageProgressed] == 0

    store.handed.clear()
    pathway = generated.payload.pathways[0].pathway_id
    await add(PathwaySelected, pathway_id=pathway)
    request = await add(CourseGenerationRequested, task_id=uuid.uuid4().hex, pathway_id=pathway)
    await modules_stage(StageEmitter(store, "modules", "stage4"), snapshots.read_archive, MemoryArtefactStore(),
                        ModulesSettings(llm_provider="offline")).handle(request)

    assert any(isinstance(e, CourseGenerated) for e in store.caused_by(request))
    assert store.handed[DocAnalysed] == analysed.payload.document_count
    assert store.kept[DocAnalysed] == 0  # each folded into what modules are written from
    assert store.handed[StageProgressed] == 0


def _document(n: int) -> PathwayDocument:
    words = [_NOUNS[(n * 7 + i) % len(_NOUNS)] for i in range(12)]
    return PathwayDocument(
        path=f"docs/page-{n:02d}.md", title=f"The {words[0]} {n}", doc_type="guide", complexity_level="beginner",
        key_concepts=[f"{words[0]} {words[1]}", words[2]], related_topics=[words[3]],
        prerequisite_concepts=[words[4]], learning_objectives=[f"Configure the {words[5]} of a {words[6]}"],
        summary=" ".join(f"Each {a} keeps the {b} of its {c} before the {d} moves."
                         for a, b, c, d in zip(words, words[1:], words[2:], words[3:])),
        reading_minutes=5 + n % 7, navigation_index=n if n % 3 else None)


def test_a_plan_and_its_placements_leave_no_document_holding_its_phrases():
    documents = [_document(n) for n in range(30)]
    plan = plan_pathways(documents, 3)
    with_placements(pathways_payload("task", plan), PlanInputs(documents, None, "skyline"))
    for document in documents:
        derived = [value for name, value in vars(document).items() if name not in PathwayDocument.model_fields]
        phrases = len(document.used_keys)  # derived anew: what keeping it would hold
        concepts = 2 * len(document.key_concepts) + len(document.related_topics) + len(document.prerequisite_concepts)
        assert sum(len(value) for value in derived) <= concepts < phrases


def test_define_before_use_holds_each_taught_key_once_whatever_the_documents_using_it():
    documents = [_document(n) for n in range(30)]
    uses = taught_uses(documents)
    vocabulary = {key for document in documents for key in document.taught_keys}
    held = [key for keys in uses.values() for key in keys]
    assert held and set(held) <= vocabulary  # only what some document teaches
    assert len({id(key) for key in held}) == len(set(held)) < len(held)  # one string per key, shared
    for document in documents:
        assert set(uses[document.path]) == document.used_keys & vocabulary
