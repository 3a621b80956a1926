"""Short-lived secrets (private-repository tokens) in a JetStream KV bucket with a TTL: the log
is kept forever, so an event only ever names the entry."""
from __future__ import annotations

import uuid

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError, NoKeysError

from shared.events import course_subjects


class SecretStore:
    def __init__(self, js: JetStreamContext, bucket: str = "course-secrets") -> None:
        self._js, self._bucket = js, bucket

    async def keep(self, course_id: str, secret: str) -> str:
        course_subjects(course_id)  # validates the id, which becomes part of the key
        key = f"{course_id}.{uuid.uuid4().hex}"
        await (await self._js.key_value(self._bucket)).put(key, secret.encode())
        return key

    async def take(self, key: str) -> str | None:
        """The secret, or None once it has expired or was removed."""
        try:
            entry = await (await self._js.key_value(self._bucket)).get(key)
        except KeyNotFoundError:
            return None
        return entry.value.decode() if entry.value else None

    async def purge_course(self, course_id: str) -> None:
        kv = await self._js.key_value(self._bucket)
        try:
            keys = await kv.keys()
        except NoKeysError:
            return
        for key in keys:
            if key.startswith(f"{course_id}."):
                await kv.purge(key)
