"""A stage 3 plan too large for one message (shared/pathway_parts.py): split into parts that each
fit, and read whole again by every reader of a history, a fork's included."""
from __future__ import annotations

import json

from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from shared.bus.delivery import Verdict, deliver
from shared.bus.provisioning import MAX_EVENT_BYTES
from shared.events.catalogue import (
    CourseForked, PathwayModulesListed, PathwaysGenerated, PathwaysRequested,
)
from shared.forks import inherited
from shared.pathway_parts import assembled, split_modules
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryEventStore
from tests.support.stage3_inputs import course_for_stage3

COURSE = "c1"


def _pathways(count: int = 2, modules: int = 40, documents: int = 30) -> list[dict]:
    return [{"pathway_id": f"{n:020x}", "title": f"Pathway {n}", "key": f"k{n}", "modules": [
        {"module_id": f"{n:020x}-{m:02d}", "title": f"Module {m}", "estimated_minutes": 5,
         "documents": [f"docs/part-{n}/module-{m}/page-{d:04d}.md" for d in range(documents)]}
        for m in range(modules)]} for n in range(count)]


def _inline(pathways: list[dict], task_id: str = "t3") -> PathwaysGenerated:
    return PathwaysGenerated(event_id="00000000-0000-4000-8000-000000000001", course_id=COURSE, actor="pathway",
                             payload={"task_id": task_id, "pathways": pathways})


def _in_parts(pathways: list[dict], most_bytes: int, task_id: str = "t3") -> list:
    parts = split_modules(pathways, most_bytes)
    listed = [PathwayModulesListed(course_id=COURSE, actor="pathway", payload={"task_id": task_id, **part})
              for part in parts]
    generated = _inline([{**w, "modules": []} for w in pathways], task_id)
    return [*listed, generated.model_copy(update={
        "payload": generated.payload.model_copy(update={"module_parts": len(parts)})})]


def test_a_plan_split_in_parts_each_under_the_size_reads_as_the_inline_plan():
    pathways = _pathways()
    events = _in_parts(pathways, 20_000)
    parts = [e for e in events if isinstance(e, PathwayModulesListed)]
    assert len(parts) > 4 and [p.payload.part for p in parts] == list(range(len(parts)))
    assert all(len(json.dumps(p["modules"])) < 20_000 for p in split_modules(pathways, 20_000))
    assert all(not w.modules for w in events[-1].payload.pathways)
    whole = assembled(events)
    assert whole[:-1] == events[:-1]  # the parts stay where they are
    assert whole[-1].payload == _inline(pathways).payload
    assert assembled(whole) == whole


def test_a_module_larger_than_a_part_is_a_part_on_its_own():
    pathways = _pathways(count=1, modules=3, documents=10)
    pathways[0]["modules"][1]["documents"] = [f"docs/{'x' * 100}/{d}.md" for d in range(100)]
    parts = split_modules(pathways, 5_000)
    assert [[m["module_id"][-2:] for m in p["modules"]] for p in parts] == [["00"], ["01"], ["02"]]


def test_only_the_parts_of_its_own_task_and_the_last_of_each_number_make_a_plan():
    pathways = _pathways(modules=6, documents=3)
    first = _in_parts(pathways, 100)  # a module a part
    redone = [e.model_copy(update={"payload": e.payload.model_copy(update={"modules": []})})
              for e in first if isinstance(e, PathwayModulesListed) and e.payload.part % 2 == 0]
    other_task = [e for e in _in_parts(_pathways(count=1), 2_000, task_id="t9") if isinstance(e, PathwayModulesListed)]
    history = [*first[:-1], *other_task, *redone, first[-1]]
    plan = assembled(history)[-1].payload
    assert [len(w.modules) for w in plan.pathways] == [len(pathways[0]["modules"]) // 2,
                                                       len(pathways[1]["modules"]) // 2]
    inline = _inline(pathways)
    assert assembled([inline]) == [inline]


def test_a_fork_reads_its_inherited_parts_as_its_pathways_relabelled():
    pathways = _pathways(modules=8)
    events = _in_parts(pathways, 10_000)
    source = list(enumerate(events, start=2))
    forked = CourseForked(course_id="fork", actor="u", payload={
        "source_course_id": COURSE, "from_stage": "stage3", "up_to_seq": 100, "owner_id": "u", "title": "F"})
    whole_then_inherited = inherited(list(enumerate(assembled(events), start=2)), forked)[-1][1]
    inherited_then_whole = assembled([e for _, e in inherited(source, forked)])[-1]
    assert inherited_then_whole == whole_then_inherited
    assert {m.module_id.split("-")[0] for m in inherited_then_whole.payload.pathways[0].modules} == {
        inherited_then_whole.payload.pathways[0].pathway_id}


async def test_the_pathway_stage_announces_a_plan_over_the_message_size_in_parts_that_fit():
    store = MemoryEventStore()
    folders = "".join(f"chapter-{n:02d}-of-the-very-long-handbook/" for n in range(20))
    paths = [f"docs/{folders}page-{n:05d}.md" for n in range(1500)]
    request = await course_for_stage3(store, paths)
    work = pathway_stage(StageEmitter(store, "pathway", "stage3"), PathwaySettings(llm_provider="offline"))
    assert (await deliver(request.to_json(), 1, work, PathwaysRequested)).verdict is Verdict.ACK
    caused = store.caused_by(request)
    parts = [e for e in caused if isinstance(e, PathwayModulesListed)]
    [generated] = [e for e in caused if isinstance(e, PathwaysGenerated)]
    assert len(parts) >= 2 and generated.payload.module_parts == len(parts)
    assert all(len(e.to_json()) < MAX_EVENT_BYTES for e in caused)
    [whole] = (await store.load(request.course_id, only=[PathwaysGenerated])).events
    assert whole.event_id == generated.event_id and whole.payload.module_parts == 0
    for pathway in whole.payload.pathways:
        assert sorted(d for m in pathway.modules for d in m.documents) == sorted(paths)
    # Delivered again, the run has ended: nothing new; the parts' ids came from the plan itself.
    assert (await deliver(request.to_json(), 2, work, PathwaysRequested)).verdict is Verdict.ACK
    assert store.caused_by(request) == caused
