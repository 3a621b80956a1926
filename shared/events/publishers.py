"""Who may append events: one NATS user per service (deploy/nats-accounts.conf), named after it.

Each event class in the catalogue says who publishes it (`PUBLISHED_BY = by(...)`); the NATS
permissions and the AsyncAPI document are generated from that (ops/contracts.py)."""
from __future__ import annotations

GATEWAY = "gateway"
STAGE_SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")
NATS_USERS = (GATEWAY, *STAGE_SERVICES)


def by(*users: str) -> frozenset[str]:
    """The publishers of an event type; a misspelt user fails here, where it was written."""
    unknown = sorted(set(users) - set(NATS_USERS))
    if unknown or not users:
        raise ValueError(f"publishers must be some of {NATS_USERS}, got {users!r}")
    return frozenset(users)


BY_GATEWAY = by(GATEWAY)
# StageStarted/StageProgressed/StageFailed: every stage service reports its own runs.
BY_EVERY_STAGE = by(*STAGE_SERVICES)
