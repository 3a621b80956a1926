"""Idempotent provisioning of the stream, object store and key-value buckets."""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass

from nats.errors import TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from shared.bus.deadletters import STREAM as DEADLETTERS, ensure_deadletters
from shared.events import ALL_EVENTS

log = logging.getLogger(__name__)
# The most one event may take on the COURSES stream, headers included: NATS's default max_payload,
# which a server's own limit must not be below. The event store refuses a larger event itself
# (shared/bus/eventstore.py), so no publish ever reaches the server's limit.
MAX_EVENT_BYTES = 1024 * 1024
# What a stage aims each event under, headers included (issue 49): every consumer of the stream (the
# projector's batches, a stage reading a course's history) holds whole messages, so a scan or a plan
# that grows with the documentation goes out in parts of this size (services/repo_clone/announce.py,
# shared/pathway_parts.py). MAX_EVENT_BYTES stays the limit for what cannot be split (one module).
EVENT_TARGET_BYTES = 256 * 1024


@dataclass(frozen=True)
class StreamSpec:
    name: str = "COURSES"
    replicas: int = 1
    duplicate_window_seconds: float = 120.0
    artefact_bucket: str = "course-artefacts"
    secret_bucket: str = "course-secrets"
    secret_ttl_seconds: float = 900.0
    # The stage services' own buckets (SNAPSHOT_BUCKET of repo_clone, ANALYSIS_CACHE_BUCKET of
    # doc_analyser default to these): made here too, because only the provisioning identity may
    # create a stream (deploy/nats-accounts.conf). The cache keeps its entries forever unless
    # doc_analyser itself creates it with ANALYSIS_CACHE_TTL_SECONDS.
    snapshot_bucket: str = "repo-snapshots"
    analysis_cache_bucket: str = "analysis-cache"

    def config(self) -> StreamConfig:
        return StreamConfig(
            name=self.name, subjects=list(ALL_EVENTS), retention=RetentionPolicy.LIMITS,
            storage=StorageType.FILE, num_replicas=self.replicas, discard=DiscardPolicy.OLD,
            duplicate_window=self.duplicate_window_seconds, deny_delete=True, deny_purge=True,
            allow_direct=True, max_msg_size=MAX_EVENT_BYTES,
        )

    def stream_names(self) -> set[str]:
        """Every stream provisioning makes (a bucket is the stream OBJ_<name> or KV_<name>)."""
        return {self.name, DEADLETTERS, f"OBJ_{self.artefact_bucket}", f"OBJ_{self.snapshot_bucket}",
                f"KV_{self.secret_bucket}", f"KV_{self.analysis_cache_bucket}"}


# How long provisioning keeps asking a server that does not answer in time (a request's own wait is
# the JetStream context's, 5 s by default): creating a file-backed stream on a busy server can take
# longer, and each step is idempotent, so a step that timed out — done or not — is asked again.
PROVISION_PATIENCE_SECONDS = 60.0


async def provision(js: JetStreamContext, spec: StreamSpec, update_existing: bool = True,
                    patience: float = PROVISION_PATIENCE_SECONDS) -> None:
    """Create what is missing; bring an existing stream's mutable settings to the spec."""
    deadline = asyncio.get_running_loop().time() + patience
    while True:
        try:
            return await _provision(js, spec, update_existing)
        except NatsTimeout:
            if asyncio.get_running_loop().time() >= deadline:
                raise
            log.warning("provisioning: the NATS server did not answer in time; asking again")


async def _provision(js: JetStreamContext, spec: StreamSpec, update_existing: bool) -> None:
    wanted = spec.config()
    try:
        await js.stream_info(spec.name)
        if update_existing:
            await js.update_stream(wanted)
    except NotFoundError:
        await js.add_stream(wanted)
    await ensure_object_store(js, spec.artefact_bucket, spec.replicas)
    await ensure_object_store(js, spec.snapshot_bucket, spec.replicas)
    await ensure_key_value(js, spec.secret_bucket, spec.replicas, spec.secret_ttl_seconds)
    await ensure_key_value(js, spec.analysis_cache_bucket, spec.replicas, 0)
    await ensure_deadletters(js, spec.replicas)


async def missing_streams(js: JetStreamContext, spec: StreamSpec) -> set[str]:
    """What provisioning would create, asked by name only (STREAM.NAMES: every user may read it)."""
    names: set[str] = set()
    while True:  # the answer comes in pages
        # nats-py has no call for STREAM.NAMES without a subject filter: its own request helper.
        page = await js._api_request(f"{js._prefix}.STREAM.NAMES", json.dumps({"offset": len(names)}).encode(),
                                     timeout=5)
        names |= set(page.get("streams") or [])
        if not page.get("streams") or len(names) >= page.get("total", 0):
            return spec.stream_names() - names


async def await_provisioned(js: JetStreamContext, spec: StreamSpec, retry_seconds: float = 2.0) -> None:
    """A stage service's start. It never changes a stream that exists (that is the provisioning
    identity's, the gateway's, job); what is missing it creates if its user may (one user for
    everything: development, tests) and otherwise waits for the gateway to create it (deployed,
    where only the gateway's user may create streams)."""
    while True:
        missing: set[str] = set()
        try:
            if not (missing := await missing_streams(js, spec)):
                return
            # No patience of its own: a refusal looks like a late answer, and this loop asks again.
            await provision(js, spec, update_existing=False, patience=0)
            return
        except Exception as exc:  # refused, or the cluster is electing a leader: ask again
            log.warning("streams %s are not provisioned and this service cannot (%s); waiting for the "
                        "gateway to provision them", sorted(missing) or "(not known yet)", exc)
            await asyncio.sleep(retry_seconds)


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
