"""Appending to and reading from the COURSES stream."""
from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Iterable, Iterator

from nats.errors import MaxPayloadError, NoRespondersError, TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import APIError, NoStreamResponseError, ServiceUnavailableError
from opentelemetry.trace import SpanKind

from shared.bus.provisioning import MAX_EVENT_BYTES
from shared.bus.subject_log import MessagesOnDisk, Stored, last_sequence, read_subject
from shared.events import Event, PoisonEvent, course_subjects, decode_stored, subject_for
from shared.events.catalogue import CourseForked
from shared.events.subjects import subject_of
from shared.forks import MAX_FORK_DEPTH, Relabelling, inherited, inherits, relabel
from shared.observability.context import note_published
from shared.observability.metrics import metrics
from shared.observability.tracing import inject, tracer
from shared.pathway_parts import asked_with_parts, assembled
from shared.leftover_tasks import all_or_none

WRONG_LAST_SEQUENCE = 10071
MESSAGE_EXCEEDS_MAXIMUM = 10054  # JetStream: "message size exceeds maximum allowed"
# While a cluster elects the stream's new leader (a node was lost), or the client moves off a node
# gone silent, a publish or a read gets no answer, or a 503, for some seconds: both are tried again.
# The event id (Nats-Msg-Id) makes sending an event again safe: a copy that was stored after all
# is answered as a duplicate, before any expected-sequence check.
NO_LEADER = (NoRespondersError, NoStreamResponseError, NatsTimeout, ServiceUnavailableError)
PUBLISH_PATIENCE_SECONDS = 20.0
KEPT_INHERITANCES = 32
KEPT_NOT_FORKS = 10_000
log = logging.getLogger(__name__)


class ConcurrencyConflict(RuntimeError):
    """Someone appended to the course since its history was read."""


class EventTooLarge(RuntimeError):
    """The log takes no event this large: sending it again can never succeed, so the run that
    made it fails saying so (shared/stage/emitter.py, shared/bus/delivery.py) instead of retrying."""

    def __init__(self, event_type: str, size: int, limit: int | None) -> None:
        self.event_type, self.size, self.limit = event_type, size, limit
        most = f"the {limit:,} bytes" if limit is not None else "what"
        super().__init__(f"the {event_type} event is {size:,} bytes, over {most} the event log takes in one "
                         f"message; run it over fewer documents (select fewer folders)")


def message_bytes(data: bytes, headers: dict[str, str]) -> int:
    """What NATS counts against its limits: the body plus the header block (`NATS/1.0`, a
    `name: value` line for each header, the blank line)."""
    return len(data) + len(b"NATS/1.0\r\n\r\n") + sum(len(k) + len(v) + 4 for k, v in headers.items())


@dataclass(frozen=True)
class Appended:
    stream_seq: int
    duplicate: bool


@dataclass(frozen=True)
class History:
    events: list[Event]
    last_seq: int  # 0 when the course has no events
    forks: int = 0  # a fork's history reaches this many sources back (shared/forks.py); 0: none


class EventStore:
    def __init__(self, js: JetStreamContext, stream: str = "COURSES") -> None:
        self._js = js
        self._stream = stream
        # What forks inherit, by fork and types read: a stage service re-reads a fork's lifecycle often.
        self._inheritance: OrderedDict[tuple, tuple[list[tuple[int, Event]], int]] = OrderedDict()
        # Courses seen with events and no CourseForked: a fork's CourseForked is its first event, so
        # such a course never becomes one, and its typed reads need not ask for that subject again.
        self._not_forks: OrderedDict[str, None] = OrderedDict()

    async def publish(self, event: Event) -> Appended:
        """Append unconditionally; the event id deduplicates a repeated publish."""
        return await self._publish(event, {})

    async def append(self, event: Event, expected_last_seq: int) -> Appended:
        """Append only if nothing was written to the course after `expected_last_seq`."""
        return await self._publish(event, {
            "Nats-Expected-Last-Subject-Sequence": str(expected_last_seq),
            "Nats-Expected-Last-Subject-Sequence-Subject": course_subjects(event.course_id),
        })

    async def _publish(self, event: Event, extra: dict[str, str]) -> Appended:
        headers = {"Nats-Msg-Id": event.event_id, **extra}
        subject = subject_for(event)
        # The event carries the trace it was published in (`traceparent`): its consumers continue it.
        with tracer().start_as_current_span(f"{subject} publish", kind=SpanKind.PRODUCER, attributes={
                "messaging.system": "nats", "messaging.destination.name": subject,
                "messaging.message.id": event.event_id, "coursegen.course_id": event.course_id}):
            inject(headers)
            data = event.to_json()
            # Refused here, not by the server: NATS checks only the body before sending, and a
            # server that gets more than its max_payload closes the whole connection.
            limit = min(MAX_EVENT_BYTES, self._max_payload())
            if (size := message_bytes(data, headers)) > limit:
                raise EventTooLarge(event.event_type, size, limit)
            try:
                ack = await self._send(subject, data, headers)
            except MaxPayloadError as exc:
                raise EventTooLarge(event.event_type, size, self._max_payload()) from exc
            except APIError as exc:
                if exc.err_code == WRONG_LAST_SEQUENCE:
                    raise ConcurrencyConflict(str(exc.description)) from exc
                if exc.err_code == MESSAGE_EXCEEDS_MAXIMUM:  # a stream configured below MAX_EVENT_BYTES
                    raise EventTooLarge(event.event_type, size, None) from exc
                raise
        if not ack.duplicate:
            metrics().published_one(event.event_type)
        note_published(event.event_type)
        return Appended(stream_seq=ack.seq, duplicate=bool(ack.duplicate))

    def _max_payload(self) -> int:
        """The largest message the connected server takes (its INFO's max_payload)."""
        return self._js._nc.max_payload

    async def _send(self, subject: str, data: bytes, headers: dict[str, str]):
        return await patiently(lambda: self._js.publish(subject, data, stream=self._stream, headers=headers),
                                f"publishing {headers['Nats-Msg-Id']}")

    async def load(self, course_id: str, timeout: float = 5.0,
                   only: Iterable[type[Event]] | None = None) -> History:
        """Every event of one course, in stream order, as of the stream's leader (a command
        reads its own writes, a stage service sees the request it was handed); with `only`, just
        the events of those types (and `last_seq` is the last of those, not the course's: such a
        history is for deciding, never for appending after). A read cut short by a lost node is
        read again. A fork's history starts with what it inherits from its source (shared/forks.py),
        read from the source's; `last_seq` stays the fork's own (its appends expect it). A plan
        announced in parts reads as one PathwaysGenerated (shared/pathway_parts.py)."""
        return await patiently(lambda: self._load(course_id, timeout, only), f"reading course {course_id}")

    async def load_each(self, course_id: str, of: type[Event], timeout: float = 5.0) -> Iterator[Event]:
        """The course's events of type `of`, in stream order (a fork's inherited ones first, as
        `load` reads them), each decoded only when the iterator reaches it and held by nothing here
        once handed out: for a reader that folds many large events into something smaller (stage 3
        and 4 read 20,000 analyses: 190 MB as a list of events, 48 MB as the messages read, about 4 MB
        with their bodies on disk).
        The messages are all read first, their bodies into a temporary file (a read cut short is read
        again, as `load`'s), and each taken back as the iterator reaches it; a poison
        event is skipped, as `load` skips it. Not for a plan, which may come in parts to assemble."""
        if asked_with_parts((of,)) != (of,):
            raise ValueError(f"{of.__name__} may come in parts: read it with load()")
        segments = await patiently(lambda: self._stored_of(course_id, of, timeout, (), 0),
                                   f"reading course {course_id}'s {of.__name__} events")
        return _decoded_one_by_one(course_id, segments)

    async def _stored_of(self, course_id: str, of: type[Event], timeout: float, forks: tuple[CourseForked, ...],
                         depth: int) -> list[tuple[tuple[CourseForked, ...], MessagesOnDisk]]:
        """The stored messages of type `of` in the course's history, source's before fork's, each
        list with the forks its events pass through to be the course's (innermost first)."""
        subject, forked_subject = subject_of(course_id, of), subject_of(course_id, CourseForked)
        asked = [subject] if course_id in self._not_forks else [subject, forked_subject]
        # The events asked for wait on disk until the reader takes each (MessagesOnDisk); the fork's
        # first event, if any, is one small message.
        own = MessagesOnDisk()
        reads = await all_or_none(*(read_subject(self._js, self._stream, s, timeout, into=own if s == subject else None)
                                    for s in asked))
        forked = reads[1] if len(reads) > 1 else []
        segments = [(forks, own)]
        fork = _forked(course_id, forked[0]) if forked else None  # a fork's first event, and its only one
        if fork is not None:
            if depth < MAX_FORK_DEPTH:
                source = fork.payload.source_course_id
                segments = await self._stored_of(source, of, timeout, (fork, *forks), depth + 1) + segments
            else:
                log.error("course %s is forked more than %d times deep; the deepest history is not read",
                          fork.course_id, MAX_FORK_DEPTH)
        elif own and len(reads) > 1 and not forked:
            self._remember_not_fork(course_id)
        return segments

    async def load_after(self, course_id: str, after_seq: int, timeout: float = 5.0) -> History:
        """The course's events stored after `after_seq` (`last_seq` stays `after_seq` when there
        are none): what an appender whose expected sequence went stale missed. Only the course's
        own: what a fork inherits was stored before its first event."""
        history = await patiently(lambda: self._load(course_id, timeout, None, after_seq + 1),
                                  f"reading course {course_id} after {after_seq}")
        # A plan's parts before `after_seq` are not among these: whoever keeps the history read up
        # to it assembles the whole again (services/gateway/caches/kept_histories.py).
        return History(events=history.events, last_seq=max(history.last_seq, after_seq))

    async def last_seq(self, course_id: str) -> int:
        """The sequence of the course's last event (0 when it has none), as of the stream's leader."""
        return await patiently(lambda: last_sequence(self._js, self._stream, course_subjects(course_id)),
                               f"reading course {course_id}'s last sequence")

    async def inherited(self, forked: CourseForked, timeout: float = 5.0) -> list[tuple[int, Event]]:
        """What the fork `forked` starts with: its source's events, re-labelled as the fork's, each
        with the stream sequence it was stored at (in its source, or in a source's source)."""
        pairs, _ = await patiently(lambda: self._inherited(forked, timeout, None, 1),
                                   f"reading what course {forked.course_id} inherits")
        return pairs

    async def _load(self, course_id: str, timeout: float, only: Iterable[type[Event]] | None,
                    start: int = 1) -> History:
        wanted = None if only is None else tuple(only)
        asked = asked_with_parts(wanted)
        own, last_seq = await self._own(course_id, timeout, asked, start)
        if wanted is not None and asked != wanted:  # parts read only to assemble a plan: not the reader's
            last_seq = max((seq for seq, event in own if isinstance(event, wanted)), default=0)
        prefix, forks = [], 0
        if start == 1 and own and isinstance(own[0][1], CourseForked):
            prefix, forks = await self._inherited(own[0][1], timeout, asked, 1)
        events = [event for _, event in prefix]
        events += [event for _, event in own if asked is None or isinstance(event, asked)]
        events = assembled(events)
        if wanted is not None and asked != wanted:
            events = [event for event in events if isinstance(event, wanted)]
        return History(events=events, last_seq=last_seq, forks=forks)

    async def _own(self, course_id: str, timeout: float, only: tuple[type[Event], ...] | None,
                   start: int = 1) -> tuple[list[tuple[int, Event]], int]:
        """The course's own events (of the types in `only`, and its CourseForked if it is a fork)
        with their sequences, and the last sequence (of the types in `only`)."""
        if only is not None:
            # One read per wanted type: a long run's history is mostly progress steps, analyses and
            # modules, and a service checking "still current" every few seconds must not re-read them.
            subjects = {subject_of(course_id, cls) for cls in only}
            forked = subject_of(course_id, CourseForked)
            asked = subjects if course_id in self._not_forks else subjects | {forked}
            reads = await all_or_none(*(read_subject(self._js, self._stream, subject, timeout)
                                        for subject in sorted(asked)))
            history = sorted((stored for read in reads for stored in read), key=lambda stored: stored.seq)
            del reads  # the messages are let go as they are decoded (below): nothing else may hold them
            last_seq = max((stored.seq for stored in history if stored.subject in subjects), default=0)
            if history and forked in asked and history[0].subject != forked:
                self._remember_not_fork(course_id)
        else:
            history = await read_subject(self._js, self._stream, course_subjects(course_id), timeout, start)
            last_seq = history[-1].seq if history else 0
            if history and start == 1 and not history[0].subject.endswith(".CourseForked"):
                self._remember_not_fork(course_id)
        # Each message let go as it is decoded: a history of 20,000 analyses is 48 MB of JSON, not
        # to be held beside the events made from it.
        events = []
        history.reverse()
        while history:
            stored = history.pop()
            try:
                events.append((stored.seq, decode_stored(stored.subject, stored.data)))
            except PoisonEvent as exc:  # it still counts for concurrency, not for state
                log.error("course %s history: skipping seq %s: %s", course_id, stored.seq, exc)
        return events, last_seq

    async def _inherited(self, forked: CourseForked, timeout: float, only: tuple[type[Event], ...] | None,
                         depth: int) -> tuple[list[tuple[int, Event]], int]:
        """What `forked`'s course inherits (of the types in `only`), with the source's sequences, and
        how many forks deep that goes. What a fork inherits never changes (the log keeps every event
        up to its sequence): it is kept for the next read of the same fork."""
        key = (forked.event_id, only)
        if (known := self._inheritance.get(key)) is not None:
            self._inheritance.move_to_end(key)
            return known
        source, _ = await self._own(forked.payload.source_course_id, timeout, only)
        source = [(seq, event) for seq, event in source if seq <= forked.payload.up_to_seq]
        forks = depth
        if source and isinstance(source[0][1], CourseForked):
            if depth < MAX_FORK_DEPTH:
                earlier, forks = await self._inherited(source[0][1], timeout, only, depth + 1)
                source = earlier + source
            else:
                log.error("course %s is forked more than %d times deep; the deepest history is not read",
                          forked.course_id, MAX_FORK_DEPTH)
        found = (inherited(source, forked), forks)
        self._inheritance[key] = found
        while len(self._inheritance) > KEPT_INHERITANCES:
            self._inheritance.popitem(last=False)
        return found


    def _remember_not_fork(self, course_id: str) -> None:
        self._not_forks[course_id] = None
        self._not_forks.move_to_end(course_id)
        while len(self._not_forks) > KEPT_NOT_FORKS:
            self._not_forks.popitem(last=False)


def _forked(course_id: str, message: Stored) -> CourseForked | None:
    """The course's CourseForked; None when it cannot be read (then, as `load` skips it, the course
    reads as no fork)."""
    try:
        event = decode_stored(message.subject, message.data)
    except PoisonEvent as exc:
        log.error("course %s history: skipping seq %s: %s", course_id, message.seq, exc)
        return None
    return event if isinstance(event, CourseForked) else None


def _decoded_one_by_one(course_id: str, segments: list[tuple[tuple[CourseForked, ...], MessagesOnDisk]]
                        ) -> Iterator[Event]:
    """Each message decoded, let go, and re-labelled through the forks it passes (bounded by each
    fork's sequence and stage, as shared/forks.py `inherited`)."""
    for forks, stored in segments:
        relabellings = [(fork.payload, Relabelling(fork)) for fork in forks]
        stored.reverse()
        while stored:
            message = stored.pop()
            try:
                event = decode_stored(message.subject, message.data)
            except PoisonEvent as exc:
                log.error("course %s history: skipping %s at seq %s: %s", course_id, message.subject, message.seq, exc)
                continue
            for fork, relabelling in relabellings:
                if message.seq > fork.up_to_seq or not inherits(event, fork.from_stage):
                    break
                event = relabel(event, relabelling)
            else:
                yield event


async def patiently(attempt, what: str):
    """`attempt()`, again while the cluster has no leader to answer, up to PUBLISH_PATIENCE_SECONDS."""
    loop = asyncio.get_running_loop()
    deadline, delay = loop.time() + PUBLISH_PATIENCE_SECONDS, 0.1
    while True:
        try:
            return await attempt()
        except NO_LEADER as exc:
            if loop.time() + delay > deadline:
                raise
            log.warning("%s: %s; trying again", what, type(exc).__name__)
            await asyncio.sleep(delay)
            delay = min(2 * delay, 1.0)
