"""Entrypoint of the gateway process: `python -m services.gateway.main`."""
from __future__ import annotations

import uvicorn

from shared.logging import configure_logging
from shared.observability.tracing import configure_tracing, shutdown_tracing

from .app import create_app
from .settings import GatewaySettings

GRACEFUL_SHUTDOWN_SECONDS = 5
# Named, not left to uvicorn's "auto": a missing package fails the start instead of quietly serving on
# the slower pure-Python stack. bench/bare_app.py serves the gateway benchmark's baseline on the same.
SERVER_STACK = {"loop": "uvloop", "http": "httptools"}


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.log_level, "gateway")
    configure_tracing("gateway")
    try:
        # A live progress stream never ends by itself: without a bound on the graceful shutdown,
        # one open browser tab would keep the gateway from stopping. Clients reconnect elsewhere.
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_level=settings.log_level.lower(), access_log=False,
                    timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS, **SERVER_STACK)
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    main()
