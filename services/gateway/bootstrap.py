"""The composition root of the gateway: connections, stores, projector, commands."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import asyncpg
from nats.aio.client import Client
from nats.js import JetStreamContext

from shared.bus.artefacts import ArtefactStore
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import provision

from .auth import TokenVerifier
from .commands import CourseCommands
from .janitor import run_janitor
from .projection.projector import Projector, ensure_schema
from .readmodel import CourseReader
from .settings import GatewaySettings

log = logging.getLogger(__name__)


@dataclass
class Container:
    settings: GatewaySettings
    nc: Client
    js: JetStreamContext
    pool: asyncpg.Pool
    store: EventStore
    projector: Projector
    reader: CourseReader
    commands: CourseCommands
    verifier: TokenVerifier
    artefacts: ArtefactStore
    tasks: list[asyncio.Task] = field(default_factory=list)


async def start(settings: GatewaySettings) -> Container:
    nc = await connect(settings.nats_url, "gateway")
    try:
        js = nc.jetstream()
        await provision(js, settings.stream_spec())
        pool = await asyncpg.create_pool(settings.database_url, min_size=1, max_size=10,
                                         command_timeout=30)
    except BaseException:
        await nc.close()
        raise
    await ensure_schema(pool, settings.read_schema)
    store = EventStore(js, settings.stream_name)
    projector = Projector(js, pool, settings.read_schema, settings.stream_name)
    artefacts = ArtefactStore(js, settings.artefact_bucket)
    container = Container(
        settings=settings, nc=nc, js=js, pool=pool, store=store, projector=projector,
        reader=CourseReader(pool, settings.read_schema),
        commands=CourseCommands(store, projector, settings.projection_wait_seconds),
        verifier=TokenVerifier(settings), artefacts=artefacts,
    )
    container.tasks = [
        asyncio.create_task(projector.run(), name="projector"),
        asyncio.create_task(run_janitor(js, settings.stream_name, artefacts), name="janitor"),
    ]
    return container


async def stop(container: Container) -> None:
    for task in container.tasks:
        task.cancel()
    for task in container.tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await container.pool.close()
    await container.nc.drain()
