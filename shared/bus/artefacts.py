"""Large course data (snapshots, exports) in the JetStream Object Store, named `<course_id>/<name>`."""
from __future__ import annotations

from typing import BinaryIO

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from shared.events import course_subjects


class ArtefactStore:
    def __init__(self, js: JetStreamContext, bucket: str = "course-artefacts") -> None:
        self._js, self._bucket = js, bucket

    async def _store(self):
        return await self._js.object_store(self._bucket)

    @staticmethod
    def _prefix(course_id: str) -> str:
        course_subjects(course_id)  # validates the id
        return f"{course_id}/"

    async def put(self, course_id: str, name: str, data: bytes | BinaryIO) -> str:
        """Stores `data`: bytes, or a file read in chunks (an export written to disk is never held whole)."""
        key = self._prefix(course_id) + name
        await (await self._store()).put(key, data)
        return key

    async def get(self, key: str) -> bytes:
        return (await (await self._store()).get(key)).data

    async def names(self, course_id: str) -> list[str]:
        prefix = self._prefix(course_id)
        try:
            entries = await (await self._store()).list()
        except NotFoundError:  # an empty bucket answers "not found"
            return []
        return sorted(e.name for e in entries if e.name.startswith(prefix) and not e.deleted)

    async def purge(self, course_id: str) -> int:
        """Remove every artefact of a course; safe to repeat."""
        store = await self._store()
        removed = 0
        for name in await self.names(course_id):
            try:
                await store.delete(name)
                removed += 1
            except NotFoundError:
                pass
        return removed
