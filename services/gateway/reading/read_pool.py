"""The gateway's PostgreSQL pool. One setting differs from asyncpg's defaults, on purpose: a
connection given back to the pool is not sent asyncpg's reset query (`pg_advisory_unlock_all();
CLOSE ALL; UNLISTEN *; RESET ALL`), one more round trip for every query, which undoes session
state the gateway never creates: it sets settings only with SET LOCAL inside a transaction, takes
only transaction-level advisory locks, listens to nothing and opens no cursor outside a
transaction (tests/unit/test_session_state.py keeps it so). asyncpg still rolls back a transaction
left open and drops listeners before it runs this step."""
from __future__ import annotations

import asyncpg

POOL_SIZE = 10


async def _nothing_to_undo(conn: asyncpg.Connection) -> None:
    return None


async def create_read_pool(database_url: str, max_size: int = POOL_SIZE, command_timeout: float = 30) -> asyncpg.Pool:
    return await asyncpg.create_pool(database_url, min_size=1, max_size=max_size, command_timeout=command_timeout,
                                     reset=_nothing_to_undo)
