"""The read tables as data, to compare a live projection with a replay of the log; and that replay
through a running gateway's own connections."""
from __future__ import annotations

import hashlib

import asyncpg

from services.gateway.projection.replay import ReplayReport, replay
from services.gateway.projection.schema import READ_TABLES


async def read_tables(pool: asyncpg.Pool, schema: str) -> dict[str, list[tuple]]:
    """Every read table, every column, in a total order."""
    tables = {}
    for table in READ_TABLES:
        width = await pool.fetchval(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2",
            schema, table)
        assert width, f"{schema}.{table} is missing"
        order = ", ".join(str(i) for i in range(1, width + 1))
        rows = await pool.fetch(f"SELECT * FROM {schema}.{table} ORDER BY {order}")
        tables[table] = [tuple(row) for row in rows]
    return tables


def digest(tables: dict[str, list[tuple]]) -> dict[str, str]:
    return {name: hashlib.sha256(repr(rows).encode()).hexdigest() for name, rows in tables.items()}


async def replay_live(gateway) -> ReplayReport:
    """Rebuilds the read tables of the gateway under test (a `running_gateway` client) from its log."""
    c = gateway.app.state.container
    return await replay(c.js, c.pool, c.settings.read_schema, c.settings.stream_name)
