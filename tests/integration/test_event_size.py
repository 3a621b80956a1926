"""No event over the stream's message size, against a real nats-server: the event store refuses
an event the log cannot take before sending it (a server sent more than its max_payload closes the
connection), and a stage whose result is too large fails its run saying so, once, not retried.
Stage 3 over 50,000 tiny documents on the offline engine is the case that made one."""
from __future__ import annotations

import time

import pytest

from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from shared.bus.deadletters import STREAM as DEADLETTERS
from shared.bus.delivery import Verdict, deliver
from shared.bus.eventstore import EventStore, EventTooLarge
from shared.bus.provisioning import MAX_EVENT_BYTES
from shared.events.catalogue import CourseCreated, DocAnalysed, PathwaysGenerated, PathwaysRequested, StageFailed
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


async def test_the_pathway_service_fails_a_run_whose_plan_is_too_large_once_without_retrying(nats_server, js):
    store = EventStore(js)
    # 1,500 documents under long folders: a plan listing each of them is over 1 MB.
    folders = "".join(f"chapter-{n:02d}-of-the-very-long-handbook/" for n in range(20))
    request = await course_for_stage3(store, [f"docs/{folders}page-{n:05d}.md" for n in range(1500)])
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
    assert "PathwaysGenerated event of" in message and f"{MAX_EVENT_BYTES:,} bytes" in message, message
    assert "select fewer folders" in message and "documents fit" in message, message
    assert not (await store.load(request.course_id, only=[PathwaysGenerated])).events
    consumer = await js.consumer_info("COURSES", "pathway")
    assert consumer.num_redelivered == 0 and consumer.delivered.consumer_seq == 1  # delivered once, not retried
    assert (await js.stream_info(DEADLETTERS)).state.messages == 0  # a failed run, not a poison request
    assert "handled: ack" in output and "handled: nak" not in output


async def test_stage_3_over_50000_tiny_documents_announces_no_event_over_the_limit(js):
    store = EventStore(js)
    paths = [f"docs/section-{n // 100:03d}/page-{n:05d}.md" for n in range(TINY_DOCUMENTS)]
    request = await course_for_stage3(store, paths)
    work = pathway_stage(StageEmitter(store, "pathway", "stage3"), PathwaySettings(llm_provider="offline"))
    started = time.perf_counter()
    decision = await deliver(request.to_json(), 1, work, PathwaysRequested)
    seconds = time.perf_counter() - started
    assert decision.verdict is Verdict.ACK  # the run ended (failed, named), nothing to deliver again
    ended = (await store.load(request.course_id, only=[PathwaysGenerated, StageFailed])).events
    assert [type(e) for e in ended] == [StageFailed], ended
    message = ended[0].payload.error_message
    # Measured: the offline plan lists every document once per pathway, about 46 bytes a document
    # and pathway with these paths: 4.6 MB for its 2 pathways, over four times the stream's 1 MB.
    assert f"over {TINY_DOCUMENTS:,} documents make a PathwaysGenerated event of" in message, message
    size = int(message.split("event of ")[1].split(" bytes")[0].replace(",", ""))
    assert size > 4 * MAX_EVENT_BYTES
    stored = await js.stream_info("COURSES")
    assert stored.config.max_msg_size == MAX_EVENT_BYTES
    print(f"stage 3 over {TINY_DOCUMENTS} documents: {seconds:.1f} s, refused plan {size:,} bytes")
