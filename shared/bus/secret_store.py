"""Short-lived secrets (private-repository tokens) in a JetStream KV bucket with a TTL: the log
is kept forever, so an event only ever names the entry. What the bucket holds is sealed
(shared/sealing.py): the gateway seals with the public key, only repo_clone can open."""
from __future__ import annotations

import uuid

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError

from shared.events import course_subjects
from shared.sealing import Opener, Sealer


class SecretStore:
    def __init__(self, js: JetStreamContext, bucket: str = "course-secrets", *,
                 sealer: Sealer | None = None, opener: Opener | None = None) -> None:
        self._js, self._bucket, self._sealer, self._opener = js, bucket, sealer, opener

    async def keep(self, course_id: str, secret: str) -> str:
        """Seal `secret` and store it; the key to name it by in an event."""
        if self._sealer is None:
            raise RuntimeError("this SecretStore has no public key to seal with")
        course_subjects(course_id)  # validates the id, which becomes part of the key
        key = f"{course_id}.{uuid.uuid4().hex}"
        await (await self._js.key_value(self._bucket)).put(key, self._sealer.seal(secret, bound_to=key))
        return key

    async def take(self, key: str) -> str | None:
        """The secret, or None once it has expired or was removed; SecretUnreadable when the
        entry is there but this service's keys do not open it."""
        if self._opener is None:
            raise RuntimeError("this SecretStore has no private key to open with")
        try:
            entry = await (await self._js.key_value(self._bucket)).get(key)
        except KeyNotFoundError:
            return None
        return self._opener.open(entry.value, bound_to=key) if entry.value else None

    async def discard(self, key: str) -> None:
        """Remove one entry now (its history too), rather than at the bucket's TTL."""
        await (await self._js.key_value(self._bucket)).purge(key)

    async def purge_course(self, course_id: str) -> None:
        """Remove every entry of one course; only that course's keys are read (a filtered watch),
        not every token of every course in the bucket."""
        course_subjects(course_id)  # validates the id, which becomes part of the filter
        kv = await self._js.key_value(self._bucket)
        watcher = await kv.watch(f"{course_id}.>", ignore_deletes=True, meta_only=True)
        keys = []
        try:
            async for entry in watcher:
                if entry is None:  # the end of what is stored now
                    break
                keys.append(entry.key)
        finally:
            await watcher.stop()
        for key in keys:
            await kv.purge(key)
