"""Reading a stretch of the log in order, for the bulk rebuild (bulk_replay.py), as fast as this
client reads: an unacknowledged pull consumer asked for big batches over the core connection, two
batches in flight while the caller works, each message's stream sequence taken from its reply
subject. nats-py's own `fetch` waits for each message with a timeout of its own, which costs more
than the rest of the reading; and the messages are taken raw (raw_delivery.py), not as nats-py
`Msg` objects with parsed headers.

Why not batched direct gets (as shared/bus/subject_log.py reads one course's history): measured on
this machine, they deliver about 10,000 messages/s against 27,000 for a consumer. A consumer placed
on a replica that is behind could hand over a later message as if the ones between were gone;
the sequences are checked to follow on, so a stretch comes back whole or the reading fails."""
from __future__ import annotations

import asyncio
import contextlib
import json
from typing import AsyncIterator

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.bus.subject_log import Stored
from shared.events import ALL_EVENTS

from . import raw_delivery

FETCH = 2000


class LogIncomplete(RuntimeError):
    """The log did not give back, in order, every sequence asked for."""


def stream_seq(reply: bytes | str) -> int:
    """The stream sequence in a JetStream delivery's reply subject, in both of its forms:
    $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.… (9 tokens) and, with a domain and an account
    hash, $JS.ACK.<domain>.<hash>.<stream>.<consumer>.<delivered>.<sseq>.… (12 tokens)."""
    tokens = reply.split(b"." if isinstance(reply, bytes) else ".")
    return int(tokens[5] if len(tokens) == 9 else tokens[7])


async def every_event_filter(js: JetStreamContext, stream: str) -> list[str] | None:
    """The filter subjects of a consumer reading every event (every root) of `stream`: none when the stream
    holds nothing else, as provisioning makes it. A consumer with several filter subjects costs the
    server several times the CPU of an unfiltered one for each message it delivers (measured on
    nats-server 2.15 by the projection benchmark), so it is asked for only where it selects."""
    subjects = (await js.stream_info(stream)).config.subjects or []
    return None if set(subjects) <= set(ALL_EVENTS) else list(ALL_EVENTS)


async def add_ordered_consumer(js: JetStreamContext, stream: str, first: int,
                               inactive_seconds: float) -> tuple[str, str]:
    """An unacknowledged, ephemeral, in-memory consumer over every event (every root) from `first` on,
    and the subject its pull requests go to: (name, next-message subject). Deleted by the caller,
    or by the server `inactive_seconds` after its reader stops asking."""
    config = ConsumerConfig(
        deliver_policy=DeliverPolicy.BY_START_SEQUENCE, opt_start_seq=first,
        ack_policy=AckPolicy.NONE, inactive_threshold=inactive_seconds, mem_storage=True, num_replicas=1,
        filter_subjects=await every_event_filter(js, stream),
    )
    name = (await js.add_consumer(stream, config=config)).name
    return name, f"{js._prefix}.CONSUMER.MSG.NEXT.{stream}.{name}"


async def read_range(js: JetStreamContext, stream: str, first: int, last: int,
                     timeout: float = 10.0) -> AsyncIterator[list[Stored]]:
    """The log's messages with sequences `first`..`last`, in order, in batches. `first` must be
    the first sequence the log holds from there (the caller asks the stream for it). Raises
    LogIncomplete when a message is missing or nothing arrives for `timeout` seconds."""
    if first > last:
        return
    nc, total = js._nc, last - first + 1
    got: list[Stored] = []
    arrived = asyncio.Event()
    delivered = requested = 0

    def on_message(subject: bytes, reply: bytes, data: bytes, headers: bytes) -> None:
        if raw_delivery.is_status(headers):
            return  # heartbeats and the end of a request: the counts say when a batch is whole
        got.append(Stored(stream_seq(reply), subject.decode(), data))
        if len(got) >= FETCH or delivered + len(got) >= total:
            arrived.set()

    inbox = nc.new_inbox()
    sub = await nc.subscribe(inbox)
    raw_delivery.register(nc, sub._id, on_message)
    # Idle while the folding workers catch up; deleted at the end, or by the server this long after
    # a reader that died.
    consumer, next_subject = await add_ordered_consumer(js, stream, first, inactive_seconds=120.0)
    expected = first
    try:
        while delivered < total:
            while requested < total and requested - delivered < 2 * FETCH:
                size = min(FETCH, total - requested)
                await nc.publish(next_subject, json.dumps({"batch": size}).encode(), reply=inbox)
                requested += size
            try:
                await asyncio.wait_for(arrived.wait(), timeout)
            except TimeoutError:
                raise LogIncomplete(f"nothing arrived from {stream} for {timeout}s after sequence "
                                    f"{expected - 1}") from None
            arrived.clear()
            batch, got[:] = got[:], []
            for m in batch:
                if m.seq != expected:
                    raise LogIncomplete(f"the reader delivered stream seq {m.seq} where {expected} was due")
                expected += 1
            delivered += len(batch)
            yield batch
    finally:
        raw_delivery.unregister(nc, sub._id)
        await sub.unsubscribe()
        with contextlib.suppress(Exception):
            await js.delete_consumer(stream, consumer)
