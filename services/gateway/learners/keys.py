"""The key store of crypto-shredding (personal_data.py): for each person the gateway has named in an
event, their random reference and their key. It is the one table no replay rebuilds — it is not
derived from the log, the log is unreadable without it — so it lives in a schema of its own beside
the read tables (`keys_<READ_SCHEMA>`), which a replay's swap never touches. Erasing a person deletes
their row: from then on nothing links a reference to them, and nothing opens what was sealed for
them. Back it up apart from the log, with a retention as short as erasure must be complete
(docs/learners.md)."""
from __future__ import annotations

import secrets
from dataclasses import dataclass

import asyncpg

from ..projection.schema import checked
from .personal_data import new_key


@dataclass(frozen=True)
class PersonKey:
    user_id: str
    ref: str
    key: bytes


def keys_schema(read_schema: str) -> str:
    # Not `<READ_SCHEMA>_…`: that is how replay names the schemas it builds and retires.
    return checked(f"keys_{read_schema}")


def _ddl(s: str) -> str:
    return f"""
CREATE SCHEMA IF NOT EXISTS {s};
CREATE TABLE IF NOT EXISTS {s}.person_keys (
    user_id TEXT PRIMARY KEY,
    ref TEXT NOT NULL UNIQUE,
    key BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
"""


class PersonKeys:
    def __init__(self, pool: asyncpg.Pool, read_schema: str) -> None:
        self._pool, self._s = pool, keys_schema(read_schema)

    async def ensure(self) -> None:
        async with self._pool.acquire() as conn, conn.transaction():
            await conn.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"ddl:{self._s}")
            await conn.execute(_ddl(self._s))

    async def of(self, user_id: str) -> PersonKey:
        """The person's reference and key, made the first time they are named."""
        row = await self._pool.fetchrow(
            f"INSERT INTO {self._s}.person_keys (user_id, ref, key) VALUES ($1, $2, $3) "
            f"ON CONFLICT (user_id) DO UPDATE SET user_id = EXCLUDED.user_id RETURNING ref, key",
            user_id, secrets.token_hex(16), new_key())
        return PersonKey(user_id, row["ref"], bytes(row["key"]))

    async def ref_of(self, user_id: str) -> str | None:
        """The person's reference, if they were ever named and not erased (None: no membership)."""
        return await self._pool.fetchval(f"SELECT ref FROM {self._s}.person_keys WHERE user_id = $1", user_id)

    async def keys_of(self, refs: list[str]) -> dict[str, bytes]:
        """The keys of those of `refs` who were not erased."""
        rows = await self._pool.fetch(f"SELECT ref, key FROM {self._s}.person_keys WHERE ref = ANY($1::text[])",
                                      refs)
        return {r["ref"]: bytes(r["key"]) for r in rows}

    async def erase(self, user_id: str) -> str | None:
        """Destroy the person's key and the link to their reference; the reference they had."""
        return await self._pool.fetchval(f"DELETE FROM {self._s}.person_keys WHERE user_id = $1 RETURNING ref",
                                         user_id)
