"""Entrypoint of the gateway process: `python -m services.gateway.main`."""
from __future__ import annotations

import uvicorn

from shared.logging import configure_logging
from shared.observability.tracing import configure_tracing, shutdown_tracing

from .app import create_app
from .settings import GatewaySettings


def main() -> None:
    settings = GatewaySettings()
    configure_logging(settings.log_level, "gateway")
    configure_tracing("gateway")
    try:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    log_level=settings.log_level.lower(), access_log=False)
    finally:
        shutdown_tracing()


if __name__ == "__main__":
    main()
