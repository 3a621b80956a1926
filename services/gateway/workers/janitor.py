"""Removes a deleted course's stored artefacts. Runs on a durable consumer, so a deletion that
happened while the gateway was down is cleaned up when it comes back."""
from __future__ import annotations

import asyncio
import logging

from nats.js import JetStreamContext
from nats.js.api import AckPolicy, ConsumerConfig

from shared.bus.artefacts import ArtefactStore
from shared.bus.secret_store import SecretStore
from shared.bus.snapshots import release_course
from shared.events import PoisonEvent, decode_event, subject_of_type
from shared.events.catalogue import CourseDeleted

from .durable_worker import run_durable

log = logging.getLogger(__name__)
DURABLE = "gateway-janitor"


async def run_janitor(js: JetStreamContext, stream: str, artefacts: ArtefactStore,
                      secrets: SecretStore, stop: asyncio.Event) -> None:
    config = ConsumerConfig(ack_policy=AckPolicy.EXPLICIT, ack_wait=60, max_deliver=10,
                            backoff=[1, 2, 5, 10, 30, 60, 60, 60, 60])
    await run_durable(
        "janitor",
        lambda: js.pull_subscribe(subject_of_type(CourseDeleted), durable=DURABLE, stream=stream, config=config),
        lambda msg: _clean(msg, artefacts, secrets, js, stream), stop)


async def _clean(msg, artefacts: ArtefactStore, secrets: SecretStore, js: JetStreamContext, stream: str) -> None:
    try:
        event = decode_event(msg.data)
    except PoisonEvent as exc:
        log.error("janitor cannot read %s: %s", msg.subject, exc)
        await msg.term()
        return
    try:
        removed = await artefacts.purge(event.course_id)
        await secrets.purge_course(event.course_id)
        # Its private repository snapshots too, once no other course of their owner uses them.
        removed += await release_course(js, stream, event.course_id)
    except Exception as exc:  # transient: the store or the connection; try again later
        log.warning("artefact clean-up of %s failed (%s); will retry", event.course_id, exc)
        await msg.nak(delay=2.0)
        return
    log.info("removed %d artefacts of deleted course %s", removed, event.course_id)
    await msg.ack()
