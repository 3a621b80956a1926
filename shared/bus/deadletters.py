"""Dead letters: messages a consumer terminated because they can never be handled (poison), kept
in their own stream with the reason, so operators can see them and retry or drop them."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass

from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import APIError, NotFoundError

STREAM = "DEADLETTERS"
NO_MESSAGE = 10057
SUBJECTS = "deadletter.>"


@dataclass(frozen=True)
class DeadLetter:
    seq: int
    service: str
    subject: str
    original_seq: int | None
    reason: str
    data: bytes

    def summary(self) -> dict:
        return {"seq": self.seq, "service": self.service, "subject": self.subject,
                "original_seq": self.original_seq, "reason": self.reason,
                "data": self.data[:2000].decode("utf-8", errors="replace")}


async def ensure_deadletters(js: JetStreamContext, replicas: int = 1) -> None:
    config = StreamConfig(name=STREAM, subjects=[SUBJECTS], retention=RetentionPolicy.LIMITS,
                          storage=StorageType.FILE, num_replicas=replicas, max_msg_size=2 * 1024 * 1024,
                          allow_direct=True)
    try:
        await js.stream_info(STREAM)
    except NotFoundError:
        await js.add_stream(config)


class DeadLetters:
    def __init__(self, js: JetStreamContext) -> None:
        self._js = js

    async def record(self, service: str, subject: str, original_seq: int | None, data: bytes, reason: str) -> None:
        # One dead letter per service and original message, however often it is terminated.
        headers = {"Nats-Msg-Id": f"{service}:{original_seq or uuid.uuid4().hex}", "Coursegen-Service": service,
                   "Coursegen-Subject": subject, "Coursegen-Reason": json.dumps(reason[:2000]),
                   "Coursegen-Original-Seq": str(original_seq or "")}
        await self._js.publish(f"deadletter.{service}", data, stream=STREAM, headers=headers)

    async def list(self, limit: int = 100) -> list[DeadLetter]:
        info = await self._js.stream_info(STREAM)
        letters, seq = [], info.state.first_seq
        while seq and seq <= info.state.last_seq and len(letters) < limit:
            letter = await self.get(seq)
            if letter is not None:
                letters.append(letter)
            seq += 1
        return letters

    async def get(self, seq: int) -> DeadLetter | None:
        try:
            msg = await self._js.get_msg(STREAM, seq, direct=True)
        except NotFoundError:
            return None
        h = msg.headers or {}
        original = h.get("Coursegen-Original-Seq") or None
        return DeadLetter(seq, h.get("Coursegen-Service", "?"), h.get("Coursegen-Subject", "?"),
                          int(original) if original else None, json.loads(h.get("Coursegen-Reason", '""')),
                          msg.data or b"")

    async def drop(self, seq: int) -> bool:
        try:
            return await self._js.delete_msg(STREAM, seq)
        except NotFoundError:
            return False
        except APIError as exc:
            if exc.err_code == NO_MESSAGE:
                return False
            raise

    async def retry(self, seq: int) -> int | None:
        """Put the message back on its subject as a new message (its consumer gets it again),
        then drop the dead letter. Returns the new stream sequence, or None if there is none."""
        letter = await self.get(seq)
        if letter is None:
            return None
        ack = await self._js.publish(letter.subject, letter.data, headers={"Nats-Msg-Id": f"retry:{seq}:{uuid.uuid4().hex}"})
        await self.drop(seq)
        return ack.seq
