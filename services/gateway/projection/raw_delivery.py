"""Messages of one subscription handed over raw — subject, reply and body as the wire gave them,
headers unparsed — for the bulk rebuild's log reader (log_reader.py), which reads a million
messages and needs only three fields of each.

nats-py turns every message into a `Msg` (its headers parsed into a dict, queued for the
subscription's task, then a callback coroutine): measured under a profiler, 60 % of the rebuild's
reading time for 100,000 events. A subscription registered here skips all of that; every other
subscription of the connection is delivered as before. It hooks the client's `_process_msg`
(nats-py is pinned in pyproject.toml; tests/integration/test_bulk_replay.py reads through it)."""
from __future__ import annotations

from typing import Callable

from nats.aio.client import Client

# (subject, reply, body, raw headers or b"")
RawHandler = Callable[[bytes, bytes, bytes, bytes], None]
_HANDLERS = "_coursegen_raw_handlers"


def register(nc: Client, sid: int, handler: RawHandler) -> None:
    """Deliver the messages of subscription `sid` to `handler` (a plain function, called on the
    connection's reading task: it must not block)."""
    handlers: dict[int, RawHandler] | None = getattr(nc, _HANDLERS, None)
    if handlers is None:
        handlers = {}
        regular = nc._process_msg

        async def process_msg(sid: int, subject: bytes, reply: bytes, data: bytes, headers: bytes) -> None:
            handler = handlers.get(sid)
            if handler is None:
                await regular(sid, subject, reply, data, headers)
            else:
                handler(subject, reply, data, headers or b"")

        setattr(nc, _HANDLERS, handlers)
        nc._process_msg = process_msg  # the connection's parser calls it for every message
    handlers[sid] = handler


def unregister(nc: Client, sid: int) -> None:
    handlers = getattr(nc, _HANDLERS, None)
    if handlers is not None:
        handlers.pop(sid, None)


def is_status(headers: bytes) -> bool:
    """A server status rather than a message (a heartbeat, the end of a pull request): its header
    block starts with the status code, `NATS/1.0 404 …`, where a message's has `NATS/1.0` alone."""
    return headers[:9] == b"NATS/1.0 "
