"""FastStream wiring of a stage service process: one durable pull consumer per service on its
request subject, shared by its replicas, acknowledged by hand (in-progress acks while the work
runs, poison messages to the dead letters); its own connection under the user's inbox prefix,
with pings, that waits for the provisioned streams and serves the metrics and health pages."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator, Awaitable, Callable

from faststream import FastStream
from faststream.middlewares import AckPolicy
from faststream.nats import JStream, NatsBroker, NatsMessage, PullSub
from faststream.nats.opentelemetry import NatsTelemetryMiddleware
from nats.errors import ConnectionReconnectingError
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig

from shared.bus.connection import (
    MAX_OUTSTANDING_PINGS, PING_INTERVAL_SECONDS, connect, inbox_prefix, server_urls,
)
from shared.bus.deadletters import DeadLetters
from shared.bus.delivery import StageWork, Verdict, deliver
from shared.bus.provisioning import await_provisioned
from shared.events import Event, subject_of_type
from shared.leftover_tasks import cancel_leftover_tasks
from shared.json_logging import configure_logging
from shared.observability.stage import StageObservability
from shared.observability.tracing import configure_tracing, shutdown_tracing
from shared.settings import ServiceSettings
from shared.stop_deadline import StopDeadline, arm_at_stop_signals, hear_stop_signals

log = logging.getLogger(__name__)
# Builds the service's handler once the backbone is up (its adapters need the JetStream context).
HandlerFactory = Callable[[JetStreamContext], Awaitable[StageWork]]
# On a stop, how long the work in hand may run on before its message is handed back unacknowledged
# (a peer or the next start gets it); the process's stop deadline is longer.
STOP_GRACE_SECONDS = 15.0


def build_stage_app(service: str, request: type[Event], make_handler: HandlerFactory,
                    settings: ServiceSettings, deadline: StopDeadline) -> FastStream:
    # The telemetry middleware continues the trace of each message's `traceparent` header.
    broker = NatsBroker(server_urls(settings.nats_url), name=service, max_reconnect_attempts=-1,
                        inbox_prefix=inbox_prefix(settings.nats_url), ping_interval=PING_INTERVAL_SECONDS,
                        max_outstanding_pings=MAX_OUTSTANDING_PINGS, graceful_timeout=STOP_GRACE_SECONDS,
                        middlewares=[NatsTelemetryMiddleware()])
    observer = StageObservability(service, request, settings.metrics_host, settings.metrics_port,
                                  settings.metrics_refresh_seconds)
    stream = JStream(name=settings.stream_name, declare=False)
    ack_wait = settings.consumer_ack_wait_seconds
    consumer = ConsumerConfig(ack_wait=ack_wait, max_deliver=settings.consumer_max_deliver,
                              max_ack_pending=64)
    wiring: dict = {}

    # The pull subscription's inbox too is under the user's prefix (FastStream sets its own).
    @broker.subscriber(subject_of_type(request), stream=stream, durable=service,
                       pull_sub=PullSub(batch_size=1, timeout=5.0), config=consumer,
                       ack_policy=AckPolicy.MANUAL, inbox_prefix=f"{inbox_prefix(settings.nats_url)}.".encode())
    async def on_request(msg: NatsMessage) -> None:
        attempt = msg.raw_message.metadata.num_delivered
        keep_alive = asyncio.create_task(_report_progress(msg, ack_wait / 3))
        with observer.delivery() as observed:
            try:
                decision = await deliver(msg.body, attempt, wiring["work"], request,
                                         last_attempt=attempt >= settings.consumer_max_deliver)
            finally:
                keep_alive.cancel()
            observed.verdict = decision.verdict.value
        if decision.verdict is Verdict.ACK:
            await msg.ack()
        elif decision.verdict is Verdict.RETRY:
            await msg.nack(delay=decision.delay)
        else:
            log.error("%s terminates poison message %s: %s", service, msg.raw_message.subject,
                      decision.reason)
            raw = msg.raw_message
            await DeadLetters(wiring["js"]).record(service, raw.subject, raw.metadata.sequence.stream,
                                                   raw.data, decision.reason)
            await msg.reject()

    @asynccontextmanager
    async def deadline_from_each_stop_signal() -> AsyncIterator[None]:
        # Entered just after FastStream replaced the signal handlers with its loop's: the deadline
        # starts at the signal even while the loop is held (a handler's synchronous start).
        arm_at_stop_signals(deadline.arm)
        yield

    app = FastStream(broker, lifespan=deadline_from_each_stop_signal)
    app.on_shutdown(deadline.arm)  # a stop asked for (a signal)

    @app.on_startup
    async def connect_backbone() -> None:
        # Our own connection: refuses an old server, sees the streams provisioned, serves the adapters.
        wiring["nc"] = await connect(settings.nats_url, service)
        js = wiring["js"] = wiring["nc"].jetstream()
        await await_provisioned(js, settings.stream_spec())
        wiring["work"] = await make_handler(js)
        await observer.start(wiring["nc"], js, settings.stream_name)

    @app.after_startup
    async def report_ready() -> None:
        # After the broker's start: its subscriber has created or looked up the durable consumer.
        observer.subscribed()

    @app.after_shutdown
    async def disconnect_backbone() -> None:
        await observer.stop()
        if "nc" in wiring:
            await wiring["nc"].close()

    return app


async def _report_progress(msg: NatsMessage, every: float) -> None:
    """In-progress acks while the work runs, so a slow but alive worker keeps its message."""
    while True:
        await asyncio.sleep(every)
        await msg.in_progress()


def run_stage_service(service: str, request: type[Event], make_handler: HandlerFactory,
                      settings: ServiceSettings) -> None:
    """The whole `main()` of a stage service process."""
    hear_stop_signals()
    configure_logging(settings.log_level, service)
    configure_tracing(service)
    deadline = StopDeadline(service, settings.stop_deadline_seconds)
    app = build_stage_app(service, request, make_handler, settings, deadline)
    arm_at_stop_signals(deadline.arm)  # a stop asked for before FastStream handles the signals

    async def run_until_stopped() -> None:
        try:
            await app.run()
        except ConnectionReconnectingError:
            # Raised by the broker's drain during a stop, the server gone: an ordinary stop, and
            # nothing is lost (the request in hand was not acknowledged; it is delivered again).
            log.warning("%s stopped while its NATS server was unreachable; a request in hand goes "
                        "back to the stream unacknowledged", service)
        finally:  # however the run ended, asyncio.run still waits for the tasks left over
            deadline.arm()
            if stuck := await cancel_leftover_tasks():
                log.warning("%s: tasks still running after the stop: %s", service, ", ".join(stuck))

    try:
        asyncio.run(run_until_stopped())
    finally:
        shutdown_tracing()

