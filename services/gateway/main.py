"""Entrypoint of the gateway process: `python -m services.gateway.main`."""
from __future__ import annotations

import gc
import logging
import sys

import uvicorn
from uvicorn.main import STARTUP_FAILURE

from shared.leftover_tasks import cancel_leftover_tasks
from shared.freed_memory import return_freed_blocks
from shared.json_logging import configure_logging
from shared.observability.tracing import configure_tracing, shutdown_tracing
from shared.stop_deadline import StopDeadline, hear_stop_signals

from .app import create_app
from .settings import GatewaySettings

log = logging.getLogger(__name__)
GRACEFUL_SHUTDOWN_SECONDS = 5
# Named, not left to uvicorn's "auto": a missing package fails the start instead of quietly serving on
# the slower pure-Python stack. bench/bare_app.py serves the gateway benchmark's baseline on the same.
SERVER_STACK = {"loop": "uvloop", "http": "httptools"}


class _BoundedStopServer(uvicorn.Server):
    """uvicorn's server, whose process exits within its stop deadline once a stop begins."""

    def __init__(self, config: uvicorn.Config, deadline: StopDeadline) -> None:
        super().__init__(config)
        self._deadline = deadline

    def handle_exit(self, sig, frame) -> None:  # a stop asked for (a signal)
        self._deadline.arm()
        super().handle_exit(sig, frame)

    async def startup(self, sockets=None) -> None:
        await super().startup(sockets)
        settle_collector()

    async def serve(self, sockets=None) -> None:
        try:
            await super().serve(sockets)
        finally:  # however serving ended, asyncio.run still waits for the tasks left over
            self._deadline.arm()
            if stuck := await cancel_leftover_tasks():
                log.warning("gateway: tasks still running after the stop: %s", ", ".join(stuck))


def settle_collector() -> None:
    """Once the gateway is up: the objects made to start it (modules, classes, the app, its routes,
    its container), most of what the process holds and never garbage, leave the garbage collector's
    walks (gc.freeze). A full collection walked them all, and under load one comes every second or
    so (each collection of the young generations promotes the requests in flight, and enough
    promotions start a full one): its pause was the gateway's slowest answers. The thresholds stay
    CPython's: collecting the young generations less often left the projector's cyclic garbage
    (hundreds of MB on a large course's analyses) waiting with them."""
    gc.freeze()


def main() -> None:
    hear_stop_signals()
    return_freed_blocks()
    settings = GatewaySettings()
    configure_logging(settings.log_level, "gateway")
    configure_tracing("gateway")
    # A live progress stream never ends by itself: without a bound on the graceful shutdown,
    # one open browser tab would keep the gateway from stopping. Clients reconnect elsewhere.
    config = uvicorn.Config(create_app(settings), host=settings.host, port=settings.port,
                            log_level=settings.log_level.lower(), access_log=False,
                            timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS, **SERVER_STACK)
    server = _BoundedStopServer(config, StopDeadline("gateway", settings.stop_deadline_seconds))
    try:
        server.run()
    except KeyboardInterrupt:  # Ctrl-C is a clean stop, as under uvicorn.run
        pass
    finally:
        shutdown_tracing()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


if __name__ == "__main__":
    main()
