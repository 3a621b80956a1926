"""A course's event log held as JSON lines and decoded on every read, as the bus's event store
reads its messages: what a handler measured over it holds is what it decodes, not a list it shares
with the store (tests/support/fakes.py's in-memory store hands out the objects it keeps). One
course only: the memory tools run one."""
from __future__ import annotations

from typing import Iterable, Iterator, overload

from shared.bus.eventstore import Appended, History
from shared.events import Event
from shared.events.codec import decode_event
from shared.pathway_parts import assembled, asked_with_parts
from shared.spill import SpillFile, Spilled


class JsonEventStore:
    """The course's log as JSON lines, decoded on every load as the bus's store decodes them."""

    def __init__(self, lines: "list[str] | LinesOnDisk") -> None:
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
        typed = _typed(asked)
        lines = self.lines if not only or Event in asked else [line for line in self.lines
                                                                if any(map(line.__contains__, typed))]
        events = [e for e in assembled([e for e in map(decode_event, lines) if isinstance(e, asked)])
                  if isinstance(e, wanted)]
        return History(events=events, last_seq=len(self.lines))

    async def load_each(self, course_id: str, of: type[Event], timeout: float = 5.0) -> Iterator[Event]:
        (typed,) = _typed((of,))
        return (event for line in self.lines if typed in line and isinstance(event := decode_event(line), of))

    async def last_seq(self, course_id: str) -> int:
        return len(self.lines)

    def caused_by(self, request: Event) -> list[Event]:
        """The events emitted in reaction to `request`, in stream order."""
        return [e for e in map(decode_event, self.lines) if e.causation_id == request.event_id]


def _typed(types: tuple[type[Event], ...]) -> list[str]:
    """What a line of each type holds: as the bus's store reads a course's subjects by type (a
    subject names its type), a read of some types decodes only their lines."""
    return [f'"event_type":"{cls.__name__}"' for cls in types]


class LinesOnDisk:
    """A list of lines kept in an unnamed temporary file, each read back when asked for: a log the
    bus would hold is not counted as the measured handler's memory (a stage 2 run of 20,000
    documents appends 40,000 events). Appending, reading, slicing; nothing else."""

    def __init__(self, lines: Iterable[str] = ()) -> None:
        self._file = SpillFile()
        self._places: list[Spilled] = []
        for line in lines:
            self.append(line)

    def append(self, line: str) -> None:
        self._places.append(self._file.put_bytes(line.encode()))

    def __len__(self) -> int:
        return len(self._places)

    def __iter__(self) -> Iterator[str]:
        return (self._file.read_bytes(place).decode() for place in self._places)

    @overload
    def __getitem__(self, at: int) -> str: ...

    @overload
    def __getitem__(self, at: slice) -> list[str]: ...

    def __getitem__(self, at: int | slice) -> str | list[str]:
        if isinstance(at, slice):
            return [self._file.read_bytes(place).decode() for place in self._places[at]]
        return self._file.read_bytes(self._places[at]).decode()
