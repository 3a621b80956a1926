"""MessagesOnDisk (shared/bus/subject_log.py): what `EventStore.load_each` reads a course's events
into. The bodies wait in a temporary file, so a reader of 20,000 analyses does not hold them all;
each comes back whole, in order."""
from __future__ import annotations

import tracemalloc

from shared.bus.subject_log import MessagesOnDisk, Stored

BODY_BYTES = 20_000
MESSAGES = 500


def _message(seq: int) -> Stored:
    return Stored(seq, f"courses.c.DocAnalysed.{seq}", bytes([seq % 251]) * BODY_BYTES)


def test_the_bodies_read_wait_on_disk_not_in_memory():
    tracemalloc.start()
    try:
        messages = MessagesOnDisk()
        for seq in range(1, MESSAGES + 1):
            messages.append(_message(seq))
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 10 MB of bodies read; what stays is a sequence, a subject and a place per message.
    assert held < MESSAGES * BODY_BYTES / 20
    assert len(messages) == MESSAGES


def test_each_message_comes_back_whole_and_in_order():
    messages = MessagesOnDisk()
    messages.extend(_message(seq) for seq in range(1, 6))
    assert messages[-1] == _message(5)
    assert messages[0] == _message(1)
    messages.reverse()
    taken = []
    while messages:
        taken.append(messages.pop())
    assert taken == [_message(seq) for seq in range(1, 6)]


def test_a_read_started_again_starts_empty():
    messages = MessagesOnDisk()
    messages.extend(_message(seq) for seq in range(1, 4))
    messages.clear()
    messages.append(_message(7))
    assert len(messages) == 1 and messages[0] == _message(7)
