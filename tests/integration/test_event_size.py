"""No event over the stream's message size, against a real nats-server: the event store refuses
an event the log cannot take before sending it (a server sent more than its max_payload closes the
connection), and a stage whose result is too large fails its run saying so, once, not retried.
Stage 3 over 50,000 tiny documents on the offline engine, whose plan is over four times the size,
succeeds: its plan is announced in parts that each fit and read whole (shared/pathway_parts.py)."""
from __future__ import annotations

import time

import pytest

from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from shared.bus.deadletters import STREAM as DEADLETTERS
from shared.bus.delivery import Verdict, deliver
from shared.bus.eventstore import EventStore, EventTooLarge
from shared.bus.provisioning import MAX_EVENT_BYTES
from shared.events.catalogue import (
    CourseCreated, CourseForked, DocAnalysed, PathwayModulesListed, PathwaysGenerated, PathwaysRequested, StageFailed,
)
from shared.stage.emitter import StageEmitter
from tests.support.processes import Process
from tests.support.stage3_inputs import course_for_stage3
from tests.support.waiting import eventually

TINY_DOCUMENTS = 50_000


def _analysed_of_body_size(course_id: str, size: int) -> DocAnalysed:
    """A DocAnalysed whose JSON body is exactly `size` bytes."""
    def event(summary: str) -> DocAnalysed:
        return DocAnalysed(event_id="e" * 32, course_id=course_id, actor="doc_analyser", payload={
            "task_id": "t", "path": "a.md", "title": "A", "doc_type": "tutorial", "complexity_level": "beginner",
            "word_count": 1, "content_hash": "0" * 64, "summary": summary})
    return event("x" * (size - len(event("").to_json())))


async def test_an_event_whose_body_fits_but_not_with_its_headers_is_refused_before_sending(js):
    store = EventStore(js)
    course_id = "sized"
    await store.publish(CourseCreated(course_id=course_id, actor="alice", payload={
        "owner_id": "alice", "title": "T", "description": ""}))
    # nats-py checks only the body against max_payload; the server counts the headers too, and
    # answers a larger message by closing the connection.
    nearly = _analysed_of_body_size(course_id, js._nc.max_payload - 8)
    with pytest.raises(EventTooLarge) as refused:
        await store.publish(nearly)
    assert refused.value.size > MAX_EVENT_BYTES and "DocAnalysed event is" in str(refused.value)
    assert js._nc.is_connected
    within = _analysed_of_body_size(course_id, MAX_EVENT_BYTES - 2000)
    assert not (await store.publish(within)).duplicate
    assert [type(e) for e in (await store.load(course_id)).events] == [CourseCreated, DocAnalysed]


async def _consumer_done(js, durable: str) -> bool:
    info = await js.consumer_info("COURSES", durable)
    return info.delivered.consumer_seq >= 1 and info.num_ack_pending == 0


async def test_the_pathway_service_fails_a_run_with_a_module_too_large_once_without_retrying(nats_server, js):
    store = EventStore(js)
    # 60 documents of one folder, each path 60 KB long: a module of 18 of them is over 1 MB on its
    # own, and a module is never split.
    folder = "docs/" + "a-very-long-folder-name/" * 2500
    request = await course_for_stage3(store, [f"{folder}page-{n:05d}.md" for n in range(60)])
    service = Process(["-m", "services.pathway.main"], {"NATS_URL": nats_server.url, "LLM_PROVIDER": "offline"})
    try:
        async def failed() -> list[StageFailed]:
            return (await store.load(request.course_id, only=[StageFailed])).events
        await eventually(failed, timeout=60, message="stage 3 failing its run")
        await eventually(lambda: _consumer_done(js, "pathway"), timeout=10, message="the request acknowledged")
    finally:
        service.interrupt()
    output = "\n".join(service.drain_output(timeout=10))
    [failure] = await failed()
    message = failure.payload.error_message
    assert "a module of the" in message and "PathwayModulesListed event of" in message, message
    assert f"{MAX_EVENT_BYTES:,} bytes" in message and "select fewer folders" in message, message
    assert not (await store.load(request.course_id, only=[PathwaysGenerated])).events
    consumer = await js.consumer_info("COURSES", "pathway")
    assert consumer.num_redelivered == 0 and consumer.delivered.consumer_seq == 1  # delivered once, not retried
    assert (await js.stream_info(DEADLETTERS)).state.messages == 0  # a failed run, not a poison request
    assert "handled: ack" in output and "handled: nak" not in output


async def test_stage_3_over_50000_tiny_documents_announces_its_plan_in_events_that_each_fit(js):
    store = EventStore(js)
    paths = [f"docs/section-{n // 100:03d}/page-{n:05d}.md" for n in range(TINY_DOCUMENTS)]
    request = await course_for_stage3(store, paths)
    work = pathway_stage(StageEmitter(store, "pathway", "stage3"), PathwaySettings(llm_provider="offline"))
    started = time.perf_counter()
    decision = await deliver(request.to_json(), 1, work, PathwaysRequested)
    seconds = time.perf_counter() - started
    assert decision.verdict is Verdict.ACK
    assert not (await store.load(request.course_id, only=[StageFailed])).events
    parts = (await store.load(request.course_id, only=[PathwayModulesListed])).events
    # Measured: the offline plan lists every document once per pathway, about 46 bytes a document
    # and pathway with these paths: 4.6 MB for its 2 pathways, over four times the stream's 1 MB.
    assert len(parts) >= 5 and all(len(part.to_json()) < MAX_EVENT_BYTES for part in parts)
    [plan] = (await store.load(request.course_id, only=[PathwaysGenerated])).events
    assert plan.payload.module_parts == 0 and len(plan.to_json()) > 4 * MAX_EVENT_BYTES  # read whole
    for pathway in plan.payload.pathways:
        assert sorted(d for m in pathway.modules for d in m.documents) == paths
    # A fork from stage 3 reads the same plan, under its own pathway and module ids.
    source_seq = await store.last_seq(request.course_id)
    forked = CourseForked(course_id=f"{request.course_id[:24]}-fork", actor="alice", payload={
        "source_course_id": request.course_id, "up_to_seq": source_seq, "from_stage": "stage3",
        "owner_id": "alice", "title": "Forked"})
    await store.publish(forked)
    [fork_plan] = (await store.load(forked.course_id, only=[PathwaysGenerated])).events
    assert [len(w.modules) for w in fork_plan.payload.pathways] == [len(w.modules) for w in plan.payload.pathways]
    assert {w.pathway_id for w in fork_plan.payload.pathways}.isdisjoint(w.pathway_id for w in plan.payload.pathways)
    for pathway in fork_plan.payload.pathways:
        assert all(m.module_id.startswith(pathway.pathway_id) for m in pathway.modules)
        assert sum(len(m.documents) for m in pathway.modules) == TINY_DOCUMENTS
    print(f"stage 3 over {TINY_DOCUMENTS} documents: {seconds:.1f} s, plan {len(plan.to_json()):,} bytes "
          f"in {len(parts)} parts")
