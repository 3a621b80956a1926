"""The delivery policy every stage service applies to a message: ack, retry later, or terminate,
and on the last allowed delivery, record why the stage gave up instead of leaving it running."""
from __future__ import annotations

from shared.bus.delivery import StageWork, Verdict, deliver
from shared.events.catalogue import RepoCloneRequested

REQUEST = RepoCloneRequested(course_id="c1", actor="u",
                             payload={"task_id": "t1", "repo_url": "https://example.org/r.git"})


def work(fails: bool = False, give_up_fails: bool = False):
    recorded: list[str] = []

    async def handle(event):
        if fails:
            raise ConnectionError("object store unreachable")

    async def give_up(event, reason):
        if give_up_fails:
            raise ConnectionError("log unreachable")
        recorded.append(reason)
    return StageWork(handle, give_up), recorded


async def test_success_is_acknowledged():
    stage, recorded = work()
    assert (await deliver(REQUEST.to_json(), 1, stage, RepoCloneRequested)).verdict is Verdict.ACK
    assert recorded == []


async def test_transient_failure_is_retried_with_growing_delay():
    stage, recorded = work(fails=True)
    first = await deliver(REQUEST.to_json(), 1, stage, RepoCloneRequested)
    third = await deliver(REQUEST.to_json(), 3, stage, RepoCloneRequested)
    assert first.verdict is third.verdict is Verdict.RETRY
    assert third.delay > first.delay and "object store unreachable" in first.reason
    assert recorded == []


async def test_last_attempt_records_why_and_terminates():
    stage, recorded = work(fails=True)
    decision = await deliver(REQUEST.to_json(), 10, stage, RepoCloneRequested, last_attempt=True)
    assert decision.verdict is Verdict.POISON
    assert recorded == ["gave up after 10 attempts: object store unreachable"]


async def test_last_attempt_whose_record_fails_is_kept_for_another_try():
    stage, _ = work(fails=True, give_up_fails=True)
    decision = await deliver(REQUEST.to_json(), 10, stage, RepoCloneRequested, last_attempt=True)
    assert decision.verdict is Verdict.RETRY


async def test_unreadable_or_unexpected_messages_are_poison():
    stage, _ = work()
    assert (await deliver(b"{nope", 1, stage, RepoCloneRequested)).verdict is Verdict.POISON
    other = REQUEST.model_copy(update={"event_type": "DocsAnalysisRequested"}).model_dump_json().encode()
    assert (await deliver(other, 1, stage, RepoCloneRequested)).verdict is Verdict.POISON
