"""The composition root of the gateway: connections, stores, projector, commands."""
from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

import asyncpg
from nats.aio.client import Client
from nats.errors import Error as NatsError
from nats.js import JetStreamContext

from shared.bus.artefacts import ArtefactStore
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import provision
from shared.bus.secret_store import SecretStore
from shared.events.envelope import utcnow
from shared.llm.provider import LLMProvider
from shared.llm.settings import LLMSettings
from shared.observability.throttle import Throttle

from .ask.service import Tutor
from .caches.answer_cache import AnswerCache
from .api.live_slots import LiveStreamSlots
from .asyncpg_arrays import ask_concrete_types_first
from .edge.auth import TokenVerifier
from .commands import CourseCommands
from .workers.janitor import run_janitor
from .caches.kept_histories import KeptHistories
from .workers.refresher import run_refresher, subscribe as refresher_subscription
from .workers.watchdog import run_watchdog
from .projection.projector import Projector
from .projection.replay import prepare_read_tables
from .reading.read_pool import create_read_pool
from .edge.rate_limit import TokenBuckets
from .reading.readmodel import CourseReader
from .reading.cohort_reader import CohortReader
from .learners.module_contents import ModuleContents, TaughtModules
from .learners.keys import PersonKeys
from .settings import GatewaySettings
from .reading.shared_read import SharedRead
from .reading.result_reader import ResultReader
from .reading.stage_reader import StageReader

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
    stages: StageReader
    results: ResultReader
    secrets: SecretStore
    live_streams: LiveStreamSlots  # open SSE streams, capped per user and in all
    lag_reads: Throttle  # /metrics reads the projection's lag from NATS at most once per interval
    answers: AnswerCache  # read-only answers kept while the read tables are unchanged
    histories: KeptHistories  # course histories kept for the commands and reads that fold them
    hook_deliveries: TokenBuckets  # deliveries each course's git hook may still make (per replica)
    tutor: Tutor  # Ask the course (ask/service.py)
    ask_limits: TokenBuckets  # questions each user may still ask (per replica)
    cohorts: CohortReader  # cohorts, their members and courses, learners' progress (issue 46)
    people: PersonKeys  # each cohort member's reference and key (learners/keys.py)
    module_contents: ModuleContents  # what learners read and are marked against, kept (learners/module_contents.py)
    taught_modules: TaughtModules
    # The time releases are judged by: a test sets another to see a schedule unfold.
    clock: Callable[[], datetime] = utcnow
    tasks: list[asyncio.Task] = field(default_factory=list)
    stopping: asyncio.Event = field(default_factory=asyncio.Event)


async def start(settings: GatewaySettings) -> Container:
    ask_concrete_types_first()  # asyncpg's array checks: see asyncpg_arrays.py
    nc = await connect(settings.nats_url, "gateway")
    try:
        js = nc.jetstream()
        await provision(js, settings.stream_spec())
        pool = await create_read_pool(settings.database_url)
    except BaseException:
        await nc.close()
        raise
    await prepare_read_tables(js, pool, settings.read_schema, settings.stream_name, settings.database_url)
    store = EventStore(js, settings.stream_name)
    projector = Projector(js, pool, settings.read_schema, settings.stream_name)
    reader = CourseReader(pool, settings.read_schema)
    artefacts = ArtefactStore(js, settings.artefact_bucket)
    secrets = SecretStore(js, settings.secret_bucket, sealer=settings.sealer())
    histories = KeptHistories(store, settings.kept_history_bytes)
    people = PersonKeys(pool, settings.read_schema)
    await people.ensure()
    container = Container(
        settings=settings, nc=nc, js=js, pool=pool, store=store, projector=projector,
        reader=reader,
        commands=CourseCommands(store, projector, settings.projection_wait_seconds, histories.load, histories.holds),
        verifier=TokenVerifier(settings), artefacts=artefacts,
        stages=StageReader(pool, settings.read_schema),
        results=ResultReader(pool, settings.read_schema), secrets=secrets,
        live_streams=LiveStreamSlots(settings.sse_max_per_user, settings.sse_max_total),
        hook_deliveries=TokenBuckets(settings.git_hook_deliveries_per_minute,
                                     settings.git_hook_deliveries_per_minute),
        lag_reads=Throttle(settings.metrics_refresh_seconds),
        # Concurrent requests share one read of the tables' version, each a read begun after it asked.
        answers=AnswerCache(SharedRead(reader.version)),
        histories=histories,
        tutor=Tutor(pool, settings.read_schema, js, ask_provider(settings)),
        ask_limits=TokenBuckets(settings.ask_per_minute, settings.ask_burst),
        cohorts=CohortReader(pool, settings.read_schema), people=people,
        module_contents=ModuleContents(artefacts), taught_modules=TaughtModules(),
    )
    refreshes = await refresher_subscription(js, settings.stream_name)
    container.tasks = [
        asyncio.create_task(projector.run(container.stopping), name="projector"),
        asyncio.create_task(run_janitor(js, settings.stream_name, artefacts, secrets, container.stopping),
                            name="janitor"),
        asyncio.create_task(run_refresher(js, settings.stream_name, container.store, container.commands,
                                          container.stopping, refreshes),
                            name="refresher"),
        asyncio.create_task(run_watchdog(pool, settings.read_schema, container.commands,
                                         settings.stage_timeout_seconds, settings.watchdog_interval_seconds,
                                         container.stopping), name="watchdog"),
    ]
    return container


def ask_provider(settings: GatewaySettings) -> LLMProvider | None:
    """The model that writes answers to learners' questions: none unless ASK_WITH_MODEL is set (the
    gateway then holds the provider's key, which otherwise only the stage services do), nor when the
    provider is the offline engine: answers are then quoted from the sources."""
    if not settings.ask_with_model:
        return None
    llm = LLMSettings()
    if llm.provider.build is None:
        return None
    return llm.provider.build(llm)


async def stop(container: Container, grace_seconds: float = 5.0) -> None:
    container.stopping.set()
    container.tutor.stop()
    for task in container.tasks:
        task.cancel()
    _, stuck = await asyncio.wait(container.tasks, timeout=grace_seconds)
    for task in stuck:
        log.error("background task %s did not stop within %ss", task.get_name(), grace_seconds)
    try:
        await container.nc.close()
    except (NatsError, OSError, RuntimeError) as error:
        # nats-py flushes what it holds to a server that is gone onto a closed socket; nothing is
        # lost (every append waits for JetStream's ack), and the database pool must close still.
        log.warning("the NATS connection did not close cleanly (its server is unreachable): %r", error)
    await asyncio.wait_for(container.pool.close(), grace_seconds)
