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


def _filled(*seqs: int) -> MessagesOnDisk:
    messages = MessagesOnDisk()
    for seq in seqs:
        messages.append(_message(seq))
    return messages


def _taken(messages: MessagesOnDisk) -> list[Stored]:
    messages.reverse()
    taken = []
    while messages:
        taken.append(messages.pop())
    return taken


def test_each_message_comes_back_whole_and_in_order():
    assert _taken(_filled(1, 2, 3, 4, 5)) == [_message(seq) for seq in range(1, 6)]


def test_a_read_started_again_starts_empty():
    messages = _filled(1, 2, 3)
    messages.clear()
    messages.append(_message(7))
    assert len(messages) == 1 and _taken(messages) == [_message(7)]


def test_a_subject_many_messages_share_is_kept_once():
    # Each message read comes with its own copy of the subject; what is kept is one of them.
    messages = MessagesOnDisk()
    for seq in (1, 2, 3):
        messages.append(Stored(seq, "".join(["courses.c.", "DocAnalysed"]), b"body"))
    first, *others = _taken(messages)
    assert first.subject == "courses.c.DocAnalysed" and all(o.subject is first.subject for o in others)
