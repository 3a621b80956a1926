"""A refresh's stage 4 run (`reuse_from` = the previous version's run) announces again, byte for byte
and without a provider call, every module whose plan and source documents are unchanged, and writes
only the others. Driven through the real stage handlers over in-memory stores
(tests/support/living_course.py) on a local repository the test changes between runs."""
from __future__ import annotations

import hashlib

import pytest

from shared.events import Event
from shared.events.catalogue import CourseGenerated, ModuleGenerated, Pathway, StageFailed
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.living_course import LivingCourse

REPO = loom_repository(documents=6, sentences=20, paragraphs=16)  # planned as three modules of two documents
ADDED = "\n## Tension\n\nCheck the warp's tension with `loom tension` before every step.\n"


@pytest.fixture
async def course(tmp_path) -> LivingCourse:
    make_repo(tmp_path / "loom", REPO)
    return await LivingCourse(tmp_path / "loom", tmp_path / "work").created()


def modules(emitted: list[Event]) -> dict[str, ModuleGenerated]:
    return {e.payload.module_id: e for e in emitted if isinstance(e, ModuleGenerated)}


def finished(emitted: list[Event]) -> CourseGenerated:
    assert not [e for e in emitted if isinstance(e, StageFailed)], [e.payload for e in emitted]
    [generated] = [e for e in emitted if isinstance(e, CourseGenerated)]
    return generated


def cited_by_some(pathway: Pathway) -> str:
    """A document some modules of the pathway draw on, but not all of them."""
    for path in dict.fromkeys(p for m in pathway.modules for p in m.documents):
        if 0 < sum(path in m.documents for m in pathway.modules) < len(pathway.modules):
            return path
    raise AssertionError(f"every module cites the same documents: {pathway.modules}")


async def test_a_changed_document_rewrites_only_the_modules_citing_it(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    finished(first)
    before = dict(course.artefacts.objects)
    changed = cited_by_some(pathway)
    citing = {m.module_id for m in pathway.modules if changed in m.documents}

    await course.changed({changed: REPO[changed] + ADDED})
    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    finished(second)
    assert sorted(course.writer.written) == sorted(citing)  # one call per rewritten module, none for the rest
    then, now = modules(first), modules(second)
    assert set(now) == {m.module_id for m in pathway.modules}
    for module_id, module in now.items():
        if module_id in citing:
            assert module.payload.content_ref != then[module_id].payload.content_ref
            assert "loom tension" in course.artefacts.objects[module.payload.content_ref].decode()
        else:
            assert (module.payload.content_ref, module.payload.content_hash) == (
                then[module_id].payload.content_ref, then[module_id].payload.content_hash)
            stored = course.artefacts.objects[module.payload.content_ref]
            assert stored == before[module.payload.content_ref]
            assert hashlib.sha256(stored).hexdigest() == module.payload.content_hash
            assert module.payload.usage.calls == 0 and module.payload.engine == then[module_id].payload.engine


async def test_nothing_changed_writes_nothing(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    await course.analysed()  # the same commit cloned and analysed again

    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    assert course.writer.written == []
    assert finished(second).payload.usage.calls == 0
    assert {k: (m.payload.content_ref, m.payload.content_hash) for k, m in modules(second).items()} == {
        k: (m.payload.content_ref, m.payload.content_hash) for k, m in modules(first).items()}


async def test_a_module_whose_plan_changed_is_written_again(course):
    pathway = await course.planned()
    first_request, _ = await course.generated(pathway.pathway_id)
    grown, *rest = pathway.modules
    extra = next(p for m in rest for p in m.documents if p not in grown.documents)
    adapted = pathway.model_copy(update={"pathway_id": f"{pathway.pathway_id}-adapted", "modules": [
        grown.model_copy(update={"documents": [*grown.documents, extra]}), *rest]})
    await course.replanned(adapted)

    _, second = await course.generated(adapted.pathway_id, reuse_from=first_request.payload.task_id)

    finished(second)
    assert course.writer.written == [grown.module_id]


async def test_a_reused_module_whose_content_is_gone_is_written_anew(course):
    pathway = await course.planned()
    first_request, first = await course.generated(pathway.pathway_id)
    lost = pathway.modules[-1].module_id
    del course.artefacts.objects[modules(first)[lost].payload.content_ref]

    _, second = await course.generated(pathway.pathway_id, reuse_from=first_request.payload.task_id)

    finished(second)
    assert course.writer.written == [lost]
    assert modules(second)[lost].payload.content_ref in course.artefacts.objects


async def test_reuse_from_a_run_the_course_never_had_reuses_nothing_and_fails_nothing(course):
    pathway = await course.planned()
    await course.generated(pathway.pathway_id)

    _, second = await course.generated(pathway.pathway_id, reuse_from="no-such-run")

    finished(second)
    assert sorted(course.writer.written) == sorted(m.module_id for m in pathway.modules)
