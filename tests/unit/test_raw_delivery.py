"""Replay's raw delivery (services/gateway/projection/raw_delivery.py): a registered subscription's
messages reach its handler as the wire gave them; every other subscription of the same nats-py
client is delivered as before; server statuses are told from messages."""
from __future__ import annotations

from nats.aio.client import Client

from services.gateway.projection import raw_delivery


async def test_a_registered_subscription_gets_its_messages_raw_and_the_others_go_the_usual_way():
    nc = Client()
    got = []
    raw_delivery.register(nc, 7, lambda *raw: got.append(raw))
    await nc._process_msg(7, b"course.a.CourseCreated", b"$JS.ACK.x", b"{}", b"NATS/1.0\r\nA: b\r\n\r\n")
    await nc._process_msg(8, b"course.b.CourseCreated", b"", b"{}", b"")  # no such subscription: dropped
    assert got == [(b"course.a.CourseCreated", b"$JS.ACK.x", b"{}", b"NATS/1.0\r\nA: b\r\n\r\n")]
    assert nc.stats["in_msgs"] == 1, "the other message went through nats-py's own path"

    raw_delivery.unregister(nc, 7)
    await nc._process_msg(7, b"course.a.CourseCreated", b"", b"{}", b"")
    assert len(got) == 1 and nc.stats["in_msgs"] == 2


def test_a_status_is_told_from_a_message_with_headers():
    assert raw_delivery.is_status(b"NATS/1.0 404 No Messages\r\n\r\n")
    assert raw_delivery.is_status(b"NATS/1.0 100 Idle Heartbeat\r\n\r\n")
    assert not raw_delivery.is_status(b"NATS/1.0\r\nNats-Msg-Id: x\r\n\r\n")
    assert not raw_delivery.is_status(b"")
