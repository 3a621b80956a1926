"""Checking that the log loses and duplicates nothing while servers fail: a publisher that records
every event the server acknowledged, and the log as stored, read back message by message."""
from __future__ import annotations

import asyncio
import json
from collections import Counter
from dataclasses import dataclass

from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.lifecycle import pause
from shared.events.catalogue import CourseCreated


class Ledger:
    """Publishes small courses one after another, `every` seconds apart; remembers the event ids
    the server acknowledged (a publish that failed is simply not in the ledger)."""

    def __init__(self, url: str, every: float = 0.02) -> None:
        self.url, self.every = url, every
        self.acknowledged: list[str] = []
        self.stop = asyncio.Event()

    async def run(self) -> None:
        nc = await connect(self.url, "ledger")
        store, n = EventStore(nc.jetstream()), 0
        try:
            while not self.stop.is_set():
                event = CourseCreated(course_id=f"ledger{n}", actor="ledger", payload={"owner_id": "l", "title": "t"})
                n += 1
                try:
                    await store.publish(event)
                except Exception:  # no server, no leader: not acknowledged; go on with the next
                    await pause(self.stop, 0.05)
                    continue
                self.acknowledged.append(event.event_id)
                await pause(self.stop, self.every)
        finally:
            await nc.close()


@dataclass(frozen=True)
class StoredLog:
    message_ids: list[str]  # Nats-Msg-Id of each stored message, in stream order
    event_ids: list[str]    # the event_id in each message's body

    def repeated(self) -> dict[str, int]:
        """Ids stored more than once (by header or by body): a duplicated event."""
        counts = Counter(self.message_ids) + Counter(self.event_ids)
        return {i: n // 2 for i, n in counts.items() if n > 2}


async def stored_log(url: str, stream: str = "COURSES") -> StoredLog:
    nc = await connect(url, "log-reader")
    try:
        js = nc.jetstream()
        info = await js.stream_info(stream)
        message_ids, event_ids = [], []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg(stream, seq, direct=True)
            message_ids.append((msg.headers or {}).get("Nats-Msg-Id"))
            event_ids.append(json.loads(msg.data)["event_id"])
        return StoredLog(message_ids, event_ids)
    finally:
        await nc.close()
