"""COPY of folded rows into a rebuild's fresh schema (bulk_replay.py), in pieces over several
connections at once: by this process over pooled connections, or by each folding worker over
connections of its own (bulk_workers.py), so the rows are encoded where they were folded and never
sent back. Tables go one after another, the one with the most rows first, and each is announced
(`loaded`) as soon as its last piece is in, so that its keys and indexes are built while the
next tables are copied."""
from __future__ import annotations

import contextlib
from collections import Counter
from typing import AsyncContextManager, Callable, Iterable

import asyncpg

from shared.leftover_tasks import all_or_none

from .rows import COLUMNS
from .schema import checked

CHUNK = 50_000  # rows per COPY
# Connections each loader COPYs over at once: while one backend waits for its WAL to be written,
# another goes on (one PostgreSQL backend each).
CONNECTIONS = 2

Loaded = Callable[[str], None]


def by_rows(counts: dict[str, int]) -> list[str]:
    """The tables in the order to load them: the most rows first (its keys take longest to build,
    so they start first)."""
    return sorted(counts, key=lambda table: -counts[table])


def pieces(tables: dict[str, list[tuple]], chunk: int = CHUNK,
           order: Iterable[str] | None = None) -> list[tuple[str, list[tuple]]]:
    """(table, rows) pieces of at most `chunk` rows, table by table in `order` (by default the most
    rows first)."""
    order = list(order) if order is not None else by_rows({table: len(rows) for table, rows in tables.items()})
    order += [table for table in tables if table not in order]
    return [(table, tables[table][at:at + chunk]) for table in order if table in tables
            for at in range(0, len(tables[table]), chunk)]


async def copy_piece(conn: asyncpg.Connection, schema: str, table: str, rows: list[tuple]) -> None:
    """One piece in a transaction of its own, without a synchronous commit (the rows are derived
    from the log: a crash means the rebuild runs again)."""
    async with conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit TO off")
        await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table], schema_name=checked(schema))


async def copy_tables(connection: Callable[[], AsyncContextManager[asyncpg.Connection]], connections: int,
                      schema: str, tables: dict[str, list[tuple]], chunk: int = CHUNK,
                      order: Iterable[str] | None = None, loaded: Loaded | None = None) -> int:
    """Every row COPYed over up to `connections` connections at once (each `connection()`), table
    by table in `order`; `loaded(table)` once all of a table's rows are in (at once for a table
    with none). How many rows."""
    queue = pieces(tables, chunk, order)
    left = Counter(table for table, _ in queue)
    for table in tables:
        if not left[table] and loaded is not None:
            loaded(table)
    queue.reverse()  # popped from the end: in order

    async def run() -> None:
        async with connection() as conn:
            while queue:
                table, rows = queue.pop()
                await copy_piece(conn, schema, table, rows)
                left[table] -= 1
                if not left[table] and loaded is not None:
                    loaded(table)

    await all_or_none(*(run() for _ in range(max(1, min(connections, len(queue))))))
    return sum(len(rows) for rows in tables.values())


async def copy_all(database_url: str, schema: str, tables: dict[str, list[tuple]], chunk: int = CHUNK,
                   order: Iterable[str] | None = None, loaded: Loaded | None = None,
                   connections: int = CONNECTIONS) -> int:
    """Every row over `connections` new connections to `database_url`; how many rows."""

    @contextlib.asynccontextmanager
    async def connection():
        conn = await asyncpg.connect(database_url)
        try:
            yield conn
        finally:
            await conn.close()

    return await copy_tables(connection, connections, schema, tables, chunk, order, loaded)
