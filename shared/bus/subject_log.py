"""Reading every stored message of one subject filter (one course's history), complete as of the
stream's leader, without any node but the client's own and the leader taking part.

Why not a short-lived consumer: JetStream places such a consumer on any replica of the stream. On a
follower it reads that follower's copy, which applies a write a moment after the leader acknowledged
it (a course just created is "not found", a stage request just appended looks "replaced"); on a node
gone silent (a partition, a paused machine, which the cluster takes minutes to declare offline) it
never answers. Here the bulk comes from one batched direct read, answered by the replica on the
client's own node when there is one, and the stream's leader (which acknowledges every write) adds
whatever that replica had not applied yet and confirms nothing follows."""
from __future__ import annotations

import json
import logging
from typing import NamedTuple, Protocol

from nats.errors import NoRespondersError, TimeoutError as NatsTimeout
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from shared.spill import SpillFile, Spilled

BATCH = 256
NO_MESSAGE = 10037  # JetStream's "no message found"
log = logging.getLogger(__name__)


class Stored(NamedTuple):
    """One stored message. A named tuple: the bulk rebuild makes a million of them (log_reader.py),
    three times cheaper than a frozen dataclass."""
    seq: int
    subject: str
    data: bytes


class Messages(Protocol):
    """Where a read puts the messages it reads, in stream order: a list, or MessagesOnDisk."""

    def append(self, stored: Stored, /) -> None: ...

    def clear(self) -> None: ...

    def __len__(self) -> int: ...


class MessagesOnDisk:
    """Stored messages whose bodies wait in an unnamed temporary file, each read back when taken:
    a reader that folds a course's 20,000 analyses one by one (48 MB of bodies) holds their
    sequences, subjects and places while it reads, not the bodies; each subject once, however
    many messages share it (a read of one subject filter repeats a few). `pop()` takes from the
    end, as a list's (after `reverse()`, the first read first)."""

    def __init__(self) -> None:
        self._file = SpillFile()
        self._kept: list[tuple[int, str, Spilled]] = []
        self._subjects: dict[str, str] = {}

    def append(self, stored: Stored) -> None:
        subject = self._subjects.setdefault(stored.subject, stored.subject)
        self._kept.append((stored.seq, subject, self._file.put_bytes(stored.data)))

    def clear(self) -> None:
        """Empty, as a new one: the bodies already written go with their file (a read cut short)."""
        self._kept.clear()
        self._subjects.clear()
        if self._file.count:
            self._file.close()
            self._file = SpillFile()

    def reverse(self) -> None:
        self._kept.reverse()

    def pop(self) -> Stored:
        seq, subject, where = self._kept.pop()
        data = self._file.read_bytes(where)
        if not self._kept:
            self._file.close()  # the last one taken: nothing more is read from the file
        return Stored(seq, subject, data)

    def __len__(self) -> int:
        return len(self._kept)


async def read_subject(js: JetStreamContext, stream: str, subject: str, timeout: float,
                       start: int = 1, into: Messages | None = None) -> Messages:
    """Every message of `stream` on `subject` (wildcards allowed) from sequence `start` on, in
    stream order: in `into` when given (emptied first), else in a list."""
    stored: Messages = [] if into is None else into
    stored.clear()
    try:
        after = await _from_a_replica(js, stream, subject, timeout, start, stored)
    except (NatsTimeout, NoRespondersError) as exc:  # no replica answered: the leader gives it all
        log.info("direct read of %s: %s; reading from the stream's leader", subject, type(exc).__name__)
        stored.clear()
        after = start
    await _from_the_leader(js, stream, subject, after, stored)
    return stored


async def last_sequence(js: JetStreamContext, stream: str, subject: str) -> int:
    """The sequence of the last message on `subject` (wildcards allowed), 0 when there is none, as
    of the stream's leader (a non-direct get): a base for an expected-last-subject-sequence append."""
    try:
        return (await js.get_msg(stream, subject=subject)).seq
    except NotFoundError as exc:
        if exc.err_code == NO_MESSAGE:
            return 0
        raise


async def _from_a_replica(js: JetStreamContext, stream: str, subject: str, timeout: float,
                          start: int, stored: Messages) -> int:
    """Batched direct gets (NATS >= 2.11): fast, from whichever replica answers, possibly behind.
    Returns the sequence to read on from: after the last message read, or `start`."""
    nc = js._nc  # the core connection: a batch answers with many messages to one inbox
    seq = after = start
    while True:
        inbox = nc.new_inbox()
        sub = await nc.subscribe(inbox)
        try:
            await nc.publish(f"{js._prefix}.DIRECT.GET.{stream}", reply=inbox, payload=json.dumps(
                {"seq": seq, "next_by_subj": subject, "batch": BATCH}).encode())
            while True:
                msg = await sub.next_msg(timeout=timeout)
                headers = msg.headers or {}
                status = headers.get("Status")
                if status == "404":  # nothing (more) on this subject
                    return after
                if status == "204":  # end of this batch
                    if int(headers.get("Nats-Num-Pending", "0")) == 0:
                        return after
                    seq = after
                    break
                if status is not None:  # 408 or another refusal: let the leader answer instead
                    raise NoRespondersError
                stored.append(Stored(int(headers["Nats-Sequence"]), headers["Nats-Subject"], msg.data))
                after = int(headers["Nats-Sequence"]) + 1
        finally:
            await sub.unsubscribe()


async def _from_the_leader(js: JetStreamContext, stream: str, subject: str, seq: int, stored: Messages) -> None:
    """Message by message from `seq` on; only the stream's leader answers a non-direct get."""
    while True:
        try:
            msg = await js.get_msg(stream, seq=seq, subject=subject, next=True)
        except NotFoundError as exc:
            if exc.err_code == NO_MESSAGE:
                return
            raise
        stored.append(Stored(msg.seq, msg.subject, msg.data or b""))
        seq = msg.seq + 1
