"""The projector's reader: every course event from a stream sequence on, in order, handed over as it
arrives and taken raw (raw_delivery.py: subject, reply and body as the wire gave them).

nats-py's `fetch` turns each message into a `Msg` with parsed headers, queues it, and waits for it
with a timeout of its own; under the projection benchmark's profiler that reading cost about as much
as applying the events. Here an unacknowledged, ephemeral pull consumer is kept asked for a couple of
batches ahead (pull requests that expire after PULL_EXPIRES_SECONDS and are renewed), so the next
events travel while the projector writes the current ones, and an event stored while the projector
is idle is handed over as soon as it arrives, not when a fetch's batch fills up or times out.

The checkpoint, not the consumer, is durable: the consumer lives on one node, and anything that ends
it (deleted, a leadership change, no responders after a node is lost) raises ReaderLost, on which
the projector resumes from its checkpoint with a new reader. The projector checks that each event
follows on from its checkpoint (projector.ReaderSkipped), so a miscounted request can cost a pause,
never an event."""
from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import deque
from typing import NamedTuple

from nats.js import JetStreamContext

from . import raw_delivery
from .log_reader import add_ordered_consumer

# A pull request waits this long for events, then the server ends it (status 408) and a new one is
# sent; well inside the consumer's inactivity threshold, so an idle reader is never deleted.
PULL_EXPIRES_SECONDS = 5.0
INACTIVE_THRESHOLD_SECONDS = 30.0
AHEAD = 2  # batches asked for beyond those taken: the next one arrives while this one is written


class Delivered(NamedTuple):
    """What the projector reads of a delivery (the fields of nats-py's `Msg` it uses)."""
    subject: str
    reply: bytes  # $JS.ACK.…: carries the stream sequence (log_reader.stream_seq)
    data: bytes


class ReaderLost(RuntimeError):
    """The server ended the reader (its consumer deleted or moved, or nobody answers for it)."""


class _Request:
    __slots__ = ("left", "ends_at")

    def __init__(self, size: int, ends_at: float) -> None:
        self.left, self.ends_at = size, ends_at


class LiveReader:
    def __init__(self, js: JetStreamContext, stream: str, batch_size: int) -> None:
        self._js, self._nc, self._stream, self._batch = js, js._nc, stream, batch_size
        self._arrived: list[Delivered] = []
        self._requests: deque[_Request] = deque()  # the server fills them in the order they were sent
        self._ready = asyncio.Event()
        self._lost: ReaderLost | None = None
        self._consumer: str | None = None
        self._sub = None

    @classmethod
    async def open(cls, js: JetStreamContext, stream: str, start_seq: int, batch_size: int) -> LiveReader:
        reader = cls(js, stream, batch_size)
        try:
            await reader._start(start_seq)
        except BaseException:
            await reader.close()
            raise
        return reader

    async def _start(self, start_seq: int) -> None:
        self._inbox = self._nc.new_inbox()
        self._sub = await self._nc.subscribe(self._inbox)
        raw_delivery.register(self._nc, self._sub._id, self._on_message)
        self._consumer, self._next = await add_ordered_consumer(self._js, self._stream, start_seq,
                                                                INACTIVE_THRESHOLD_SECONDS)
        await self._ask()

    def _on_message(self, subject: bytes, reply: bytes, data: bytes, headers: bytes) -> None:
        # Called on the connection's reading task for every message of the inbox: must not block.
        if raw_delivery.is_status(headers):
            code = headers[9:12]
            if code in (b"408", b"404"):  # a request expired (or found nothing): ask again
                if self._requests:
                    self._requests.popleft()
                return
            if code == b"100":  # an idle heartbeat (never asked for)
                return
            status = headers.split(b"\r\n", 1)[0].decode(errors="replace")
            self._lost = ReaderLost(f"the server ended the projector's reader: {status}")
        else:
            # tuple.__new__: a NamedTuple's own __new__ is a Python function, a cost per event
            self._arrived.append(tuple.__new__(Delivered, (subject.decode(), reply, data)))
            if self._requests:
                head = self._requests[0]
                head.left -= 1
                if head.left <= 0:
                    self._requests.popleft()
        self._ready.set()

    async def _ask(self) -> None:
        """Keep AHEAD batches asked for beyond what has arrived and not been taken."""
        now = time.monotonic()
        while self._requests and self._requests[0].ends_at < now:
            self._requests.popleft()  # its end went unseen (a reconnect): the server has let it go
        asked = sum(r.left for r in self._requests)
        while len(self._arrived) + asked < AHEAD * self._batch:
            self._requests.append(_Request(self._batch, now + PULL_EXPIRES_SECONDS + 1.0))
            body = {"batch": self._batch, "expires": int(PULL_EXPIRES_SECONDS * 1e9)}
            await self._nc.publish(self._next, json.dumps(body).encode(), reply=self._inbox)
            asked += self._batch

    async def take(self, wait: float) -> list[Delivered]:
        """Up to a batch of the events that have arrived, in stream order; [] if none arrives
        within `wait` seconds. Raises ReaderLost when the server has ended the reader."""
        if not self._arrived and self._lost is None:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._ready.wait(), wait)
        if self._lost is not None:
            raise self._lost
        batch = self._arrived[:self._batch]
        del self._arrived[:self._batch]
        if not self._arrived:
            self._ready.clear()
        await self._ask()
        return batch

    async def check(self) -> None:
        """Raise if the consumer is gone: on a node that was lost or cut off, requests can go
        unanswered without an error status."""
        await self._js.consumer_info(self._stream, self._consumer)

    async def close(self) -> None:
        if self._sub is not None:
            raw_delivery.unregister(self._nc, self._sub._id)
            with contextlib.suppress(Exception):  # the connection may be gone
                await self._sub.unsubscribe()
        if self._consumer is not None:
            with contextlib.suppress(Exception):  # else the server drops it when inactive
                await asyncio.wait_for(self._js.delete_consumer(self._stream, self._consumer), 2.0)
