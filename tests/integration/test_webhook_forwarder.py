"""The example subscriber (examples/webhook_forwarder.py) against a private nats-server and a real
local HTTP receiver: it forwards only the chosen event types, signs each body with its timestamp,
retries with backoff until a 2xx, acks once, and gives up (terminates, logs) after its bounded
attempts. The receiver checks deliveries as examples/webhook_receiver.py documents: a changed
timestamp, an old one and a replay are refused."""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from examples.webhook_forwarder import Config, parse_args, run, sign
from examples.webhook_receiver import Refused, WebhookVerifier
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events import decode_event
from shared.events.catalogue import CourseGenerated, StageProgressed
from shared.events.cohort_events import CourseAssigned, ModuleCompleted
from tests.support.waiting import eventually, patient

SECRET = "webhook-test-secret"
DURABLE = "hooks"


class NotHandled(Exception):
    """The receiver's handling failed (a 500): the forwarder must send the event again."""


class Receiver:
    """An HTTP server in a thread that answers 401 to a delivery the example's verifier refuses,
    500 to the first `fail_first` requests and to every request for an event id in `refuse`, and
    204 otherwise; it records every request."""

    def __init__(self, fail_first: int = 0, refuse: frozenset[str] = frozenset()) -> None:
        self.fail_first, self.refuse = fail_first, refuse
        self.verifier = WebhookVerifier(SECRET)
        self.requests: list[tuple[int, dict[str, str], bytes]] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver._lock:
                    try:
                        with receiver.verifier.receiving(self.headers, body):
                            if (len(receiver.requests) < receiver.fail_first
                                    or self.headers["X-Coursegen-Event-Id"] in receiver.refuse):
                                raise NotHandled()
                        status = 204
                    except Refused:
                        status = 401
                    except NotHandled:
                        status = 500
                    receiver.requests.append((status, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        return Handler

    def accepted(self, event_id: str | None = None) -> list[bytes]:
        with self._lock:
            return [body for status, headers, body in self.requests
                    if status == 204 and event_id in (None, headers["X-Coursegen-Event-Id"])]

    def attempts(self, event_id: str) -> int:
        with self._lock:
            return sum(1 for _, headers, _ in self.requests if headers["X-Coursegen-Event-Id"] == event_id)

    def __enter__(self) -> "Receiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()


def generated(task: str) -> CourseGenerated:
    return CourseGenerated(course_id="course-1", actor="modules",
                           payload={"task_id": task, "module_count": 3, "export_ref": f"exports/{task}.zip"})


def progressed() -> StageProgressed:
    return StageProgressed(course_id="course-1", actor="modules", payload={
        "stage": "stage4", "task_id": "t1", "progress_percentage": 50, "current_step": "writing"})


@pytest.fixture
async def store(nats_server):
    nc = await connect(nats_server.url, "webhook-test")
    await provision(nc.jetstream(), StreamSpec())
    yield EventStore(nc.jetstream())
    await nc.close()


@contextlib.asynccontextmanager
async def forwarding(nats_url: str, receiver: Receiver, max_attempts: int,
                     event_types: tuple[str, ...] = ("CourseGenerated",)):
    config = Config(webhook_url=receiver.url, secret=SECRET, nats_url=nats_url, durable=DURABLE,
                    deliver_all=True, max_attempts=max_attempts, backoff_seconds=0.05, event_types=event_types)
    stop = asyncio.Event()
    task = asyncio.create_task(run(config, stop))
    try:
        yield
    finally:
        stop.set()
        # A POST in flight when `stop` is set may take up to the forwarder's HTTP timeout.
        await asyncio.wait_for(task, patient(config.http_timeout + 20))


async def all_acked(store: EventStore):
    info = await store._js.consumer_info("COURSES", DURABLE)
    return info if info.num_pending == 0 and info.num_ack_pending == 0 else None


async def test_forwards_once_after_retries_and_only_the_chosen_type(nats_server, store):
    first, sentinel = generated("t1"), generated("t2")
    await store.publish(progressed())  # another type: never forwarded
    await store.publish(first)
    with Receiver(fail_first=2) as receiver:
        async with forwarding(nats_server.url, receiver, max_attempts=5):
            await eventually(lambda: receiver.accepted(first.event_id), message="the event forwarded")
            await store.publish(progressed())
            await store.publish(sentinel)
            await eventually(lambda: receiver.accepted(sentinel.event_id), message="the sentinel forwarded")
            info = await eventually(lambda: all_acked(store), message="every delivery acked")

    statuses = [(status, headers["X-Coursegen-Event-Id"], headers["X-Coursegen-Attempt"])
                for status, headers, _ in receiver.requests]
    assert statuses == [(500, first.event_id, "1"), (500, first.event_id, "2"), (204, first.event_id, "3"),
                        (204, sentinel.event_id, "1")]
    assert info.delivered.consumer_seq == 4  # no further delivery of either event, none of the other type
    for status, headers, body in receiver.requests:
        assert headers["X-Coursegen-Signature"] == sign(SECRET, headers["X-Coursegen-Timestamp"], body)
        assert headers["X-Coursegen-Event-Type"] == "CourseGenerated"
        assert abs(int(headers["X-Coursegen-Timestamp"]) - time.time()) < 60
    assert decode_event(receiver.accepted(first.event_id)[0]) == first
    assert json.loads(receiver.accepted(sentinel.event_id)[0])["event_id"] == sentinel.event_id


async def test_forwards_a_cohorts_and_its_learners_events_as_a_courses(nats_server, store):
    assigned = CourseAssigned(course_id="cohort-1", actor="alice", payload={"course_id": "course-1", "version": 1})
    completed = ModuleCompleted(course_id="course-1", actor="ref-1", payload={
        "learner": "ref-1", "cohort_id": "cohort-1", "module_id": "m1", "correct": 2, "questions": 3})
    for event in (progressed(), assigned, completed):
        await store.publish(event)
    with Receiver() as receiver:
        async with forwarding(nats_server.url, receiver, 3, ("CourseAssigned", "ModuleCompleted")):
            await eventually(lambda: receiver.accepted(completed.event_id), message="the learner's event forwarded")
            await eventually(lambda: all_acked(store), message="every delivery acked")
    assert [headers["X-Coursegen-Event-Type"] for _, headers, _ in receiver.requests] == [
        "CourseAssigned", "ModuleCompleted"]
    assert decode_event(receiver.accepted(assigned.event_id)[0]) == assigned


async def test_gives_up_after_the_last_attempt_and_moves_on(nats_server, store, caplog):
    caplog.set_level(logging.INFO, logger="webhook_forwarder")
    hopeless, sentinel = generated("t1"), generated("t2")
    await store.publish(hopeless)
    await store.publish(sentinel)
    with Receiver(refuse=frozenset({hopeless.event_id})) as receiver:
        async with forwarding(nats_server.url, receiver, max_attempts=3):
            await eventually(lambda: receiver.accepted(sentinel.event_id), message="the sentinel forwarded")
            await eventually(lambda: receiver.attempts(hopeless.event_id) == 3, message="three attempts")
            await eventually(lambda: all_acked(store), message="the hopeless event terminated")

    assert receiver.attempts(hopeless.event_id) == 3
    assert receiver.attempts(sentinel.event_id) == 1
    assert not receiver.accepted(hopeless.event_id)
    assert any("giving up" in r.message and hopeless.event_id in r.message for r in caplog.records)


async def test_the_receiver_refuses_a_changed_timestamp_an_old_one_a_replay_and_a_forgery(nats_server, store):
    event = generated("t1")
    await store.publish(event)
    with Receiver() as receiver:
        async with forwarding(nats_server.url, receiver, max_attempts=3):
            await eventually(lambda: receiver.accepted(event.event_id), message="the event forwarded")
        _, delivered, body = receiver.requests[0]
        sent = int(delivered["X-Coursegen-Timestamp"])

        async def answer(timestamp: int, signature: str) -> int:
            headers = {**{k: v for k, v in delivered.items() if k.startswith("X-Coursegen-")},
                       "X-Coursegen-Timestamp": str(timestamp), "X-Coursegen-Signature": signature}
            async with httpx.AsyncClient() as http:
                return (await http.post(receiver.url, content=body, headers=headers)).status_code

        assert await answer(sent, delivered["X-Coursegen-Signature"]) == 401            # the same request again
        assert await answer(sent + 1, delivered["X-Coursegen-Signature"]) == 401        # another timestamp
        assert await answer(sent - 301, sign(SECRET, str(sent - 301), body)) == 401     # older than 5 minutes
        assert await answer(sent + 2, sign("another-secret", str(sent + 2), body)) == 401  # not our secret
        assert await answer(sent + 2, sign(SECRET, str(sent + 2), body)) == 204         # a new delivery: accepted
        assert await answer(sent + 2, sign(SECRET, str(sent + 2), body)) == 401         # ... once
    assert [status for status, _, _ in receiver.requests] == [204, 401, 401, 401, 401, 204, 401]


def test_settings_come_from_the_environment_and_flags(monkeypatch):
    monkeypatch.setenv("COURSEGEN_WEBHOOK_SECRET", SECRET)
    monkeypatch.setenv("COURSEGEN_WEBHOOK_URL", "http://127.0.0.1:9/hook")
    monkeypatch.setenv("COURSEGEN_EVENT_TYPES", "CourseGenerated, StageFailed")
    config = parse_args(["--max-attempts", "4", "--deliver-all"])
    assert (config.secret, config.webhook_url, config.event_types, config.max_attempts, config.deliver_all) == (
        SECRET, "http://127.0.0.1:9/hook", ("CourseGenerated", "StageFailed"), 4, True)
    monkeypatch.delenv("COURSEGEN_WEBHOOK_SECRET")
    with pytest.raises(SystemExit):
        parse_args([])
