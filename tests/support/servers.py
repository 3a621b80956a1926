"""Private servers for the test run: a real nats-server and a real PostgreSQL on free ports / private
sockets in temporary folders. With USE_TESTCONTAINERS=1 and a Docker engine, containers instead."""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Iterator

from ops.local.nats_server import NatsServer
from ops.local.postgres import EmbeddedPostgres


def use_testcontainers() -> bool:
    return os.environ.get("USE_TESTCONTAINERS") == "1"


@contextlib.contextmanager
def postgres_url(tmp: Path) -> Iterator[str]:
    if use_testcontainers():
        from testcontainers.postgres import PostgresContainer

        with PostgresContainer("postgres:16-alpine", driver=None) as container:
            yield container.get_connection_url()
        return
    server = EmbeddedPostgres(tmp / "pg").start()
    try:
        yield server.url()
    finally:
        server.stop()


@contextlib.contextmanager
def nats_url(tmp: Path) -> Iterator[str]:
    if use_testcontainers():
        from testcontainers.nats import NatsContainer

        with NatsContainer("nats:2.11-alpine") as container:
            yield container.nats_uri()
        return
    server = NatsServer(tmp / "nats").start()
    try:
        yield server.url
    finally:
        server.stop()
