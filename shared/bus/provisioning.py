"""Idempotent provisioning of the stream, object store and key-value buckets (DESIGN §1-2)."""
from __future__ import annotations

from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.bus.deadletters import ensure_deadletters
from shared.events import ALL_COURSES


@dataclass(frozen=True)
class StreamSpec:
    name: str = "COURSES"
    replicas: int = 1
    duplicate_window_seconds: float = 120.0
    artefact_bucket: str = "course-artefacts"
    secret_bucket: str = "course-secrets"
    secret_ttl_seconds: float = 900.0

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name, subjects=[ALL_COURSES], retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE, num_replicas=self.replicas, discard=DiscardPolicy.OLD,
            duplicate_window=self.duplicate_window_seconds, deny_delete=True, deny_purge=True,
            allow_direct=True, max_msg_size=1024 * 1024,
        )


async def provision(js: JetStreamContext, spec: StreamSpec) -> None:
    """Create what is missing; bring an existing stream's mutable settings to the spec."""
    wanted = spec.config()
    try:
        await js.stream_info(spec.name)
        await js.update_stream(wanted)
    except NotFoundError:
        await js.add_stream(wanted)
    await ensure_object_store(js, spec.artefact_bucket, spec.replicas)
    await ensure_key_value(js, spec.secret_bucket, spec.replicas, spec.secret_ttl_seconds)
    await ensure_deadletters(js, spec.replicas)


async def ensure_object_store(js: JetStreamContext, bucket: str, replicas: int):
    try:
        return await js.object_store(bucket)
    except NotFoundError:
        return await js.create_object_store(bucket, storage=StorageType.FILE, replicas=replicas)


async def ensure_key_value(js: JetStreamContext, bucket: str, replicas: int, ttl: float):
    try:
        return await js.key_value(bucket)
    except NotFoundError:
        return await js.create_key_value(bucket=bucket, ttl=ttl, replicas=replicas, history=1)
