"""An event the log refuses for its size is never retried: making it again makes it as large again.
A stage's run fails at once with the reason (StageFailed names the event and its size); where the
refusal escapes a stage's own handling, the delivery gives up on the first attempt."""
from __future__ import annotations

from shared.bus.delivery import StageWork, Verdict, deliver
from shared.bus.eventstore import EventTooLarge
from shared.events.catalogue import CourseCreated, PathwaysRequested, StageFailed, StageStarted
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryEventStore

REQUEST = PathwaysRequested(course_id="c1", actor="u", payload={"task_id": "t1"})
REFUSED = EventTooLarge("PathwaysGenerated", 4_633_712, 1_048_576)


async def test_a_refusal_that_escapes_the_stage_gives_up_on_the_first_delivery():
    recorded: list[str] = []

    async def handle(event):
        raise REFUSED

    async def give_up(event, reason):
        recorded.append(reason)
    decision = await deliver(REQUEST.to_json(), 1, StageWork(handle, give_up), PathwaysRequested)
    assert decision.verdict is Verdict.POISON
    assert recorded == ["gave up after 1 attempt: the PathwaysGenerated event is 4,633,712 bytes, over the "
                        "1,048,576 bytes the event log takes in one message; run it over fewer documents "
                        "(select fewer folders)"]


async def test_a_refusal_inside_a_run_fails_the_run_with_its_reason():
    store = MemoryEventStore()
    await store.publish(CourseCreated(course_id="c1", actor="u", payload={"owner_id": "u", "title": "T"}))
    await store.publish(REQUEST)
    emitter = StageEmitter(store, "pathway", "stage3")

    async def handle(event):
        async with emitter.running(event):
            raise REFUSED
    decision = await deliver(REQUEST.to_json(), 1, StageWork(handle, emitter.give_up), PathwaysRequested)
    assert decision.verdict is Verdict.ACK
    caused = store.caused_by(REQUEST)
    assert [type(e) for e in caused] == [StageStarted, StageFailed]
    assert caused[-1].payload.error_message == str(REFUSED)
