"""`decode_stored(subject, data)` reads the stored log faster than `decode_event(data)` and must read
it the same: the same event, or a PoisonEvent with the same reason, for every message — written
by coursegen, of another version, mislabelled, or damaged."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings, strategies as st

from shared.events import CATALOGUE, PoisonEvent, decode_event, decode_stored, subject_for
from tests.support.event_mutations import mutated
from tests.support.event_strategies import model, written_as_version_zero

ANY_EVENT = st.one_of([model(cls) for cls in CATALOGUE])


def outcome(read, *args):
    try:
        event = read(*args)
    except PoisonEvent as exc:
        return "poison", str(exc)
    return type(event), event


def same(subject: str, data: bytes) -> None:
    assert outcome(decode_stored, subject, data) == outcome(decode_event, data)


@given(ANY_EVENT)
@settings(max_examples=200)
def test_every_event_as_written_reads_the_same(event):
    same(subject_for(event), event.to_json())


@given(mutated(ANY_EVENT))
@settings(max_examples=700)
def test_a_message_changed_anywhere_reads_the_same(case):
    """A value anywhere given an odd one, a field taken away (the type too), an extra key added."""
    event, data, made_anew = case
    stored, regular = outcome(decode_stored, subject_for(event), data), outcome(decode_event, data)
    if made_anew and stored[0] is regular[0] is type(event):  # a fresh id or time: both made one
        stored, regular = [(kind, e.model_dump(exclude={made_anew})) for kind, e in (stored, regular)]
    assert stored == regular


@given(ANY_EVENT)
def test_a_body_without_its_type_is_poison_as_decode_event_says(event):
    raw = json.loads(event.to_json())
    del raw["event_type"]
    data = json.dumps(raw).encode()
    assert outcome(decode_stored, subject_for(event), data) == ("poison", "unknown event type None")
    same(subject_for(event), data)


@given(ANY_EVENT, st.sampled_from(CATALOGUE))
def test_a_subject_naming_another_type_reads_as_its_body_says(event, other):
    same(f"course.{event.course_id}.{other.type_name()}", event.to_json())


@given(ANY_EVENT, st.sampled_from(["1", 1.0, True, None, [1], 2, 0, -1]))
def test_a_schema_version_of_another_type_or_value_reads_the_same(event, version):
    raw = json.loads(event.to_json())
    raw["schema_version"] = version
    same(subject_for(event), json.dumps(raw).encode())


@pytest.mark.parametrize("data", [
    b"", b"not json", b"[]", b"{}", b'{"event_type": "Nope"}', b"\xff\xfe",
    b'{"event_type": "CourseCreated", "course_id": "c", "actor": "a", "payload": {}}',
])
def test_damaged_messages_are_poison_with_the_same_reason(data):
    same("course.c.CourseCreated", data)
    same("course.c.Unknown", data)


@given(ANY_EVENT, st.sampled_from(["\\ud800", "\\udfff", "\\uD83D", "\\u0000", "\\u00e9", "\\\\ud800"]))
def test_escapes_in_text_read_the_same(event, escape):
    raw = event.to_json().decode()
    marked = raw.replace('"actor":"', '"actor":"x' + escape, 1).encode()
    same(subject_for(event), marked)


@given(ANY_EVENT)
def test_an_older_version_is_upcast_as_decode_event_does(event):
    with written_as_version_zero(event) as data:
        same(subject_for(event), data)
        assert decode_stored(subject_for(event), data) == event
