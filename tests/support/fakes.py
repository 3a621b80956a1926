"""In-memory stand-ins for the bus adapters a stage handler uses, with the same interface and the
same observable behaviour (an event id is stored once, a missing snapshot is `SnapshotMissing`, a
taken token is gone once discarded), so a handler can be built and run in a test without servers.
They hold data, they do not record calls: tests assert on what was stored."""
from __future__ import annotations

from typing import BinaryIO, Iterable, Iterator, Sequence

from shared.bus.eventstore import Appended, ConcurrencyConflict, History
from shared.bus.snapshots import SnapshotMissing, is_private
from shared.events import Event, decode_event
from shared.pathway_parts import asked_with_parts, assembled

from services.doc_analyser.engine.models import DocumentAnalysis
from services.repo_clone.scanner import ScannedFile
from services.repo_clone.snapshot import StoredScan


class MemoryEventStore:
    """The COURSES stream as a list: every event round-trips through its JSON, as on the bus."""

    def __init__(self) -> None:
        self._log: list[Event] = []
        self._ids: dict[str, int] = {}

    async def publish(self, event: Event) -> Appended:
        if event.event_id in self._ids:  # Nats-Msg-Id: a repeated publish is a duplicate
            return Appended(stream_seq=self._ids[event.event_id], duplicate=True)
        self._log.append(decode_event(event.to_json()))
        self._ids[event.event_id] = len(self._log)
        return Appended(stream_seq=len(self._log), duplicate=False)

    async def append(self, event: Event, expected_last_seq: int) -> Appended:
        # As JetStream: a duplicate is answered as one before the expected sequence is checked.
        if event.event_id not in self._ids and self._last_seq(event.course_id) != expected_last_seq:
            raise ConcurrencyConflict(f"course {event.course_id} moved past {expected_last_seq}")
        return await self.publish(event)

    async def load(self, course_id: str, timeout: float = 5.0,
                   only: Iterable[type[Event]] | None = None) -> History:
        wanted = tuple(only) if only else (Event,)
        asked = asked_with_parts(wanted) or wanted  # as the event store: a plan in parts reads whole
        picked = [(seq, e) for seq, e in enumerate(self._log, start=1)
                  if e.course_id == course_id and isinstance(e, wanted)]
        events = [e for e in assembled([e for e in self._log if e.course_id == course_id and isinstance(e, asked)])
                  if isinstance(e, wanted)]
        return History(events=events, last_seq=picked[-1][0] if picked else 0)

    async def load_each(self, course_id: str, of: type[Event], timeout: float = 5.0) -> Iterator[Event]:
        if asked_with_parts((of,)) != (of,):
            raise ValueError(f"{of.__name__} may come in parts: read it with load()")
        return (e for e in list(self._log) if e.course_id == course_id and isinstance(e, of))

    async def load_after(self, course_id: str, after_seq: int, timeout: float = 5.0) -> History:
        picked = [(seq, e) for seq, e in enumerate(self._log, start=1)
                  if e.course_id == course_id and seq > after_seq]
        return History(events=assembled([e for _, e in picked]), last_seq=picked[-1][0] if picked else after_seq)

    async def last_seq(self, course_id: str) -> int:
        return self._last_seq(course_id)

    def _last_seq(self, course_id: str) -> int:
        return max((seq for seq, e in enumerate(self._log, start=1) if e.course_id == course_id), default=0)

    def caused_by(self, request: Event) -> list[Event]:
        """The events emitted in reaction to `request`, in stream order."""
        return [e for e in self._log if e.causation_id == request.event_id]


class MemoryArtefactStore:
    """ArtefactStore's interface over a dict of `<course_id>/<name>` -> bytes."""

    def __init__(self) -> None:
        self.objects: dict[str, bytes] = {}

    async def put(self, course_id: str, name: str, data: bytes | BinaryIO) -> str:
        key = f"{course_id}/{name}"
        self.objects[key] = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else data.read()
        return key

    async def get(self, key: str) -> bytes:
        return self.objects[key]

    async def names(self, course_id: str) -> list[str]:
        return sorted(k for k in self.objects if k.startswith(f"{course_id}/"))

    async def purge(self, course_id: str) -> int:
        names = await self.names(course_id)
        for name in names:
            del self.objects[name]
        return len(names)


class MemorySnapshotStore:
    """repo_clone's SnapshotStore over dicts, plus `read_archive`, the reader stages 2 and 4 use
    (shared/bus/snapshots.py `snapshot_archive`) over the same data."""

    def __init__(self, bucket: str = "snapshots") -> None:
        self._bucket = bucket
        self.archives: dict[str, bytes] = {}
        self.manifests: dict[str, tuple[list[ScannedFile], list[str]]] = {}
        self.markers: dict[str, set[str]] = {}

    async def reusable(self, key: str, course_id: str) -> StoredScan | None:
        if is_private(key):
            self.markers.setdefault(key, set()).add(course_id)
        return self.manifests.get(key)

    async def save(self, key: str, course_id: str, archive: bytes, files: list[ScannedFile],
                   navigation: list[str], navigation_sources: Sequence[str] = ()) -> str:
        if is_private(key):
            self.markers.setdefault(key, set()).add(course_id)
        self.archives[key] = archive
        self.manifests[key] = StoredScan(list(files), list(navigation), list(navigation_sources))
        return self.reference(key)

    async def release(self, reference: str, course_id: str) -> None:
        key = reference.removeprefix(f"{self._bucket}/")
        if not is_private(key):
            return
        self.markers.get(key, set()).discard(course_id)
        if not self.markers.get(key):
            self.archives.pop(key, None)
            self.manifests.pop(key, None)

    def reference(self, key: str) -> str:
        return f"{self._bucket}/{key}"

    async def read_archive(self, reference: str) -> bytes:
        key = reference.removeprefix(f"{self._bucket}/")
        if key not in self.archives:
            raise SnapshotMissing(f"the repository snapshot {reference} is no longer stored; run stage 1 again")
        return self.archives[key]


class MemorySecretStore:
    """SecretStore's interface over a dict (nothing sealed: there is no other reader to keep out)."""

    def __init__(self) -> None:
        self.secrets: dict[str, str] = {}

    async def keep(self, course_id: str, secret: str) -> str:
        key = f"{course_id}.{len(self.secrets)}"
        self.secrets[key] = secret
        return key

    async def take(self, key: str) -> str | None:
        return self.secrets.get(key)

    async def discard(self, key: str) -> None:
        self.secrets.pop(key, None)

    async def purge_course(self, course_id: str) -> None:
        for key in [k for k in self.secrets if k.startswith(f"{course_id}.")]:
            del self.secrets[key]


class MemoryAnalysisCache:
    """doc_analyser's AnalysisCache over a dict of JSON, read back as the KV's entries are."""

    def __init__(self) -> None:
        self.entries: dict[str, bytes] = {}

    async def get(self, key: str) -> DocumentAnalysis | None:
        data = self.entries.get(key)
        return DocumentAnalysis.model_validate_json(data) if data is not None else None

    async def put(self, key: str, analysis: DocumentAnalysis) -> None:
        self.entries[key] = analysis.model_dump_json().encode()
