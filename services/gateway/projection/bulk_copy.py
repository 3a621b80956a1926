"""COPY of folded rows into a rebuild's fresh schema (bulk_replay.py), in pieces: by this process
over several pooled connections, or by each folding worker over a connection of its own
(bulk_workers.py), so the rows are encoded where they were folded and never sent back."""
from __future__ import annotations

import asyncpg

from .rows import COLUMNS
from .schema import checked

CHUNK = 50_000  # rows per COPY


def pieces(tables: dict[str, list[tuple]], chunk: int = CHUNK) -> list[tuple[str, list[tuple]]]:
    """(table, rows) pieces of at most `chunk` rows, the biggest first (so that no connection is
    left with a long one at the end)."""
    found = [(table, rows[at:at + chunk]) for table, rows in tables.items() for at in range(0, len(rows), chunk)]
    return sorted(found, key=lambda piece: -len(piece[1]))


async def copy_piece(conn: asyncpg.Connection, schema: str, table: str, rows: list[tuple]) -> None:
    """One piece in a transaction of its own, without a synchronous commit (the rows are derived
    from the log: a crash means the rebuild runs again)."""
    async with conn.transaction():
        await conn.execute("SET LOCAL synchronous_commit TO off")
        await conn.copy_records_to_table(table, records=rows, columns=COLUMNS[table], schema_name=checked(schema))


async def copy_all(database_url: str, schema: str, tables: dict[str, list[tuple]], chunk: int = CHUNK) -> int:
    """Every row over one new connection to `database_url`; how many rows."""
    conn = await asyncpg.connect(database_url)
    try:
        done = 0
        for table, rows in pieces(tables, chunk):
            await copy_piece(conn, schema, table, rows)
            done += len(rows)
        return done
    finally:
        await conn.close()
