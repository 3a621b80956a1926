"""Connecting to NATS: reconnect forever (to any node of a cluster named in NATS_URL), replies on
the service's own inbox prefix, and refuse a server older than the design needs."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from nats.aio.client import Client

from shared import linear_regex

MINIMUM_SERVER_VERSION = (2, 11, 0)
# A node that goes silent (a partition, a paused machine) keeps its TCP connections open: only
# unanswered pings reveal it. NATS's default (two missed pings 2 minutes apart) leaves a client on
# such a node for minutes; this moves it to another node of the cluster within about 10 seconds.
PING_INTERVAL_SECONDS = 4
MAX_OUTSTANDING_PINGS = 2
log = logging.getLogger(__name__)


class ServerTooOld(RuntimeError):
    pass


def server_urls(nats_url: str) -> list[str]:
    """NATS_URL names one server or several, comma-separated (the nodes of a cluster: the client
    connects to any and moves to another when its node goes away)."""
    urls = [u.strip() for u in nats_url.split(",")]
    if not all(urls):
        raise ValueError(f"NATS_URL has an empty entry: {nats_url!r}")
    return urls


def inbox_prefix(nats_url: str) -> str:
    """Where replies to this client come: `_INBOX_<user>` for the NATS user in the URL, so that
    deploy/nats-accounts.conf lets each user listen to its own replies only (a KV read of a token,
    say); NATS's default `_INBOX` without a user (a local server without accounts)."""
    users = {urlsplit(u if "://" in u else f"nats://{u}").username for u in server_urls(nats_url)}
    if len(users) != 1:
        raise ValueError("every server in NATS_URL must name the same user")
    user = users.pop()
    if not user:
        return "_INBOX"
    if not linear_regex.fullmatch(r"[A-Za-z0-9_-]+", user):
        raise ValueError(f"a NATS user in NATS_URL must be letters, digits, _ or -: {user!r}")
    return f"_INBOX_{user}"


def check_server_version(version: str) -> None:
    """Raise ServerTooOld unless `version` (e.g. "2.11.3") is at least MINIMUM_SERVER_VERSION."""
    core = version.lstrip("v").split("-")[0]
    try:
        parts = tuple(int(p) for p in core.split("."))
    except ValueError as exc:
        raise ServerTooOld(f"cannot read the NATS server version {version!r}") from exc
    if parts < MINIMUM_SERVER_VERSION:
        wanted = ".".join(map(str, MINIMUM_SERVER_VERSION[:2]))
        raise ServerTooOld(
            f"NATS server {version} is too old: coursegen needs nats-server >= {wanted} "
            "(optimistic concurrency over course.<id>.> needs "
            "Nats-Expected-Last-Subject-Sequence-Subject). Run `make nats-server` or set NATS_URL "
            "to a newer server."
        )


async def connect(url: str, name: str) -> Client:
    async def on_disconnect() -> None:
        if not nc.is_closed and not nc.is_draining:  # a deliberate close is not news
            log.warning("NATS disconnected; reconnecting", extra={"service": name})

    async def on_reconnect() -> None:
        log.info("NATS reconnected", extra={"service": name})

    async def on_error(exc: Exception) -> None:
        log.warning("NATS error: %s", exc, extra={"service": name})

    nc = Client()
    await nc.connect(
        servers=server_urls(url), name=name, inbox_prefix=inbox_prefix(url),
        max_reconnect_attempts=-1, reconnect_time_wait=0.5,
        ping_interval=PING_INTERVAL_SECONDS, max_outstanding_pings=MAX_OUTSTANDING_PINGS,
        connect_timeout=5, disconnected_cb=on_disconnect, reconnected_cb=on_reconnect,
        error_cb=on_error,
    )
    try:
        check_server_version(nc._server_info.get("version", "0"))
    except ServerTooOld:
        await nc.close()
        raise
    return nc
