"""Messages as a JetStream consumer hands them to the projector, for tests that apply a log without
a server: subject, data, and the reply subject that carries the stream sequence
($JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>), where the
projector reads it."""
from __future__ import annotations

from types import SimpleNamespace


def delivered(seq: int, subject: str, data: bytes) -> SimpleNamespace:
    return SimpleNamespace(subject=subject, data=data, reply=f"$JS.ACK.COURSES.test.1.{seq}.{seq}.0.0")
