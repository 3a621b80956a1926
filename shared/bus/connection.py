"""Connecting to NATS: reconnect forever (to any node of a cluster named in NATS_URL), replies on
the service's own inbox prefix, and refuse a server older than the design needs."""
from __future__ import annotations

import logging
from urllib.parse import unquote, urlsplit

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
        raise ValueError(f"NATS_URL has an empty entry: {without_secrets(nats_url)!r}")
    return urls


def without_secrets(nats_url: str) -> str:
    """NATS_URL as it may be shown (a log line, an error, a console): each server's password
    becomes `***` (`nats://user:***@host:4222`), and so does a token (`nats://***@host`)."""
    shown = []
    for server in nats_url.split(","):
        before, userinfo, after = _split_userinfo(server)
        user, colon, _ = userinfo.partition(":")
        shown.append(server if not userinfo else f"{before}{user}:***@{after}" if colon else f"{before}***@{after}")
    return ",".join(shown)


def scrub(text: str, nats_url: str) -> str:
    """`text` (a client library's error, say) without any password or token of `nats_url`, as
    written or percent-decoded."""
    secrets = set()
    for server in nats_url.split(","):
        user, colon, password = _split_userinfo(server)[1].partition(":")
        secret = password if colon else user
        secrets.update({secret, unquote(secret)})
    for secret in sorted(filter(None, secrets), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def _split_userinfo(server: str) -> tuple[str, str, str]:
    """(`scheme://`, `user:password` or `token` or "", `host:port/...`) of one server's URL."""
    scheme, separator, rest = server.partition("://") if "://" in server else ("", "", server)
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    return f"{scheme}{separator}", userinfo if at else "", (host if at else rest[:end]) + rest[end:]


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
        # Not echoed: in `nats://<token>@host` the token stands where a user would.
        raise ValueError("the NATS user (or token) in NATS_URL must be letters, digits, _ or -")
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
        log.warning("NATS error (%s): %s", shown, scrub(str(exc), url), extra={"service": name})

    shown = without_secrets(url)
    log.info("connecting to NATS at %s", shown, extra={"service": name})
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
