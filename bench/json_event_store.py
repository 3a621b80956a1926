"""A course's event log held as JSON lines and decoded on every read, as the bus's event store
reads its messages: what a handler measured over it holds is what it decodes, not a list it shares
with the store (tests/support/fakes.py's in-memory store hands out the objects it keeps). One
course only: the memory tools run one."""
from __future__ import annotations

from typing import Iterable, Iterator

from shared.bus.eventstore import Appended, History
from shared.events import Event
from shared.events.codec import decode_event
from shared.pathway_parts import assembled, asked_with_parts


class JsonEventStore:
    """The course's log as JSON lines, decoded on every load as the bus's store decodes them."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines

    async def publish(self, event: Event) -> Appended:
        self.lines.append(event.to_json().decode())
        return Appended(stream_seq=len(self.lines), duplicate=False)

    async def append(self, event: Event, expected_last_seq: int) -> Appended:
        return await self.publish(event)

    async def load(self, course_id: str, timeout: float = 5.0,
                   only: Iterable[type[Event]] | None = None) -> History:
        wanted = tuple(only) if only else (Event,)
        asked = asked_with_parts(wanted) or wanted
        events = [e for e in assembled([e for e in map(decode_event, self.lines) if isinstance(e, asked)])
                  if isinstance(e, wanted)]
        return History(events=events, last_seq=len(self.lines))

    async def load_each(self, course_id: str, of: type[Event], timeout: float = 5.0) -> Iterator[Event]:
        typed = f'"event_type":"{of.__name__}"'  # as a subject names the type: only those are decoded
        return (event for line in self.lines if typed in line and isinstance(event := decode_event(line), of))

    async def last_seq(self, course_id: str) -> int:
        return len(self.lines)

    def caused_by(self, request: Event) -> list[Event]:
        """The events emitted in reaction to `request`, in stream order."""
        return [e for e in map(decode_event, self.lines) if e.causation_id == request.event_id]
