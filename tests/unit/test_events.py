"""The event envelope and catalogue: the published contract."""
from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import ValidationError

from shared.events import (
    ALL_COURSES, ALL_EVENTS, CATALOGUE, EVENT_TYPES, PoisonEvent, course_subjects, decode_event,
    derived_event_id, subject_for, subject_of_type,
)
from shared.events.catalogue import (
    CohortCreated, CourseCreated, CourseDeleted, CourseUpdated, DocAnalysed, DocsAnalysisRequested, StageStarted, TutorAnswered,
)
from shared.events.codec import UPCASTERS, register_upcaster
from shared.events.envelope import Event
from shared.events.examples import example_event
from shared.events.schemas import export_schemas
from shared.events.subjects import course_from_subject, type_from_subject


def created(course_id: str = "course-1", **overrides) -> CourseCreated:
    fields = {"course_id": course_id, "actor": "alice",
              "payload": {"owner_id": "alice", "title": "Intro", "description": "about"}}
    return CourseCreated(**{**fields, **overrides})


def raw_created(**overrides) -> dict:
    return {**json.loads(created().to_json()), **overrides}


# --- the envelope ------------------------------------------------------------------------------
def test_events_and_payloads_are_frozen():
    event = created()
    with pytest.raises(ValidationError):
        event.course_id = "other"
    with pytest.raises(ValidationError):
        event.payload.title = "changed"


def test_unknown_envelope_and_payload_fields_are_refused():
    with pytest.raises(ValidationError, match="extra"):
        created(surprise=1)
    with pytest.raises(ValidationError, match="extra"):
        created(payload={"owner_id": "alice", "title": "t", "colour": "red"})


@pytest.mark.parametrize("course_id", ["a.b", "a*", "a>", "*", ">", "a b", " ab", "ab\n", "",
                                       "x" * 65, "é", "a/b"])
def test_course_id_that_could_break_a_subject_is_refused(course_id):
    with pytest.raises(ValidationError, match="course_id"):
        created(course_id=course_id)


@pytest.mark.parametrize("course_id", ["a", "abc-DEF_123", "x" * 64, "0123456789abcdef"])
def test_subject_safe_course_ids_are_accepted(course_id):
    assert created(course_id=course_id).course_id == course_id


def test_occurred_at_must_carry_a_timezone_and_is_normalised_to_utc():
    with pytest.raises(ValidationError, match="timezone"):
        created(occurred_at=datetime(2024, 1, 1, 12, 0))
    paris = timezone(timedelta(hours=2))
    event = created(occurred_at=datetime(2024, 1, 1, 14, 0, tzinfo=paris))
    assert event.occurred_at == datetime(2024, 1, 1, 12, 0, tzinfo=timezone.utc)
    assert event.occurred_at.utcoffset() == timedelta(0)


def test_each_event_gets_its_own_id_by_default():
    assert created().event_id != created().event_id


def test_catalogue_type_names_are_unique_and_all_decodable():
    names = [cls.type_name() for cls in CATALOGUE]
    assert len(names) == len(set(names))
    assert set(EVENT_TYPES) == set(names)
    assert {"CourseCreated", "RepoCloned", "DocsAnalysed"} <= set(names)


# --- decoding ----------------------------------------------------------------------------------
def test_decode_round_trips_an_event_to_its_own_class():
    event = created()
    decoded = decode_event(event.to_json())
    assert type(decoded) is CourseCreated
    assert decoded == event


def test_decode_round_trips_an_event_with_nested_payload():
    event = DocAnalysed(course_id="c1", actor="doc_analyser", payload={
        "task_id": "t", "path": "docs/a.md", "title": "A", "doc_type": "guide",
        "complexity_level": "beginner", "key_concepts": ["x", "y"], "word_count": 10,
        "content_hash": "sha256:00"})
    assert decode_event(event.to_json()) == event


@pytest.mark.parametrize("data, reason", [
    (b"not json", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not valid JSON"),
    (b"[1, 2, 3]", "not a JSON object"),
    (b'"CourseCreated"', "not a JSON object"),
])
def test_bytes_that_are_not_an_event_object_are_poison(data, reason):
    with pytest.raises(PoisonEvent, match=reason):
        decode_event(data)


def test_deeply_nested_json_is_poison():
    """Under the 1 MB message limit, yet json.loads gives up with RecursionError."""
    with pytest.raises(PoisonEvent):
        decode_event(b"[" * 100_000)


def test_unknown_event_type_is_poison():
    with pytest.raises(PoisonEvent, match="unknown event type 'CourseRenamed'"):
        decode_event(json.dumps(raw_created(event_type="CourseRenamed")).encode())
    with pytest.raises(PoisonEvent, match="unknown event type"):
        decode_event(json.dumps({"course_id": "c1"}).encode())


def test_invalid_payload_is_poison_naming_the_field():
    raw = raw_created()
    raw["payload"]["title"] = ""
    with pytest.raises(PoisonEvent, match="title"):
        decode_event(json.dumps(raw).encode())


def test_invalid_course_id_in_stored_event_is_poison():
    with pytest.raises(PoisonEvent, match="course_id"):
        decode_event(json.dumps(raw_created(course_id="a.b")).encode())


def test_newer_schema_version_is_poison():
    with pytest.raises(PoisonEvent, match="newer than this service understands"):
        decode_event(json.dumps(raw_created(schema_version=2)).encode())


@pytest.mark.parametrize("version", ["two", None, [1], {"v": 1}])
def test_unreadable_schema_version_is_poison(version):
    """Every undecodable message must be PoisonEvent: consumers catch only that to term/reject it."""
    with pytest.raises(PoisonEvent):
        decode_event(json.dumps(raw_created(schema_version=version)).encode())


def test_older_version_without_upcaster_is_poison():
    with pytest.raises(PoisonEvent, match="no upcaster for CourseCreated v0"):
        decode_event(json.dumps(raw_created(schema_version=0)).encode())


def test_registered_upcaster_for_older_version_is_applied():
    raw = raw_created(schema_version=0)
    raw["payload"] = {"owner_id": "alice", "name": "Old Title"}  # v0 said "name", not "title"

    def v0_to_v1(old: dict) -> dict:
        payload = dict(old["payload"])
        payload["title"] = payload.pop("name")
        return {**old, "payload": payload, "schema_version": 1}

    try:
        register_upcaster("CourseCreated", 0)(v0_to_v1)
        decoded = decode_event(json.dumps(raw).encode())
    finally:
        UPCASTERS.pop(("CourseCreated", 0), None)
    assert type(decoded) is CourseCreated
    assert decoded.payload.title == "Old Title"
    assert decoded.schema_version == 1
    assert ("CourseCreated", 0) not in UPCASTERS


# --- derived ids -------------------------------------------------------------------------------
def test_derived_event_id_is_deterministic_and_key_sensitive():
    cause = str(uuid.uuid4())
    first = derived_event_id(cause, "docs/a.md")
    assert first == derived_event_id(cause, "docs/a.md")
    assert first != derived_event_id(cause, "docs/b.md")
    assert first != derived_event_id(str(uuid.uuid4()), "docs/a.md")
    assert uuid.UUID(first).version == 5


def test_reacting_event_repeats_its_id_on_redelivery():
    request = DocsAnalysisRequested(course_id="c1", actor="alice",
                                    payload={"task_id": "t1", "complexity_level": "beginner"})
    kwargs = {"key": "stage2", "actor": "doc_analyser", "stage": "stage2", "task_id": "t1"}
    first, again = request.reacting(StageStarted, **kwargs), request.reacting(StageStarted, **kwargs)
    assert first.event_id == again.event_id
    assert first.causation_id == request.event_id
    assert first.correlation_id == request.event_id
    assert first.course_id == "c1"


# --- subjects ----------------------------------------------------------------------------------
def test_subject_for_event_is_course_id_then_type():
    assert subject_for(created("abc")) == "course.abc.CourseCreated"
    deleted = CourseDeleted(course_id="abc", actor="alice", payload={})
    assert subject_for(deleted) == "course.abc.CourseDeleted"
    assert type_from_subject(subject_for(deleted)) == "CourseDeleted"
    assert course_from_subject(subject_for(deleted)) == "abc"
    for other in ("course.abc", "course.a b.X", "other.abc.CourseDeleted", "course.abc.X.Y"):
        assert course_from_subject(other) is None, other


def test_course_subjects_filter_and_wildcard_by_type():
    assert course_subjects("abc") == "course.abc.>"
    assert subject_of_type(CourseUpdated) == "course.*.CourseUpdated"
    assert ALL_COURSES == "course.>"


def test_what_learners_do_is_on_subjects_of_its_own_out_of_the_course_s_history():
    asked = example_event(TutorAnswered).model_copy(update={"course_id": "abc"})
    assert subject_for(asked) == "learning.abc.TutorAnswered" and subject_of_type(TutorAnswered) == "learning.*.TutorAnswered"
    assert not subject_for(asked).startswith(course_subjects("abc")[:-1])  # no part of its history, its appends
    assert (type_from_subject(subject_for(asked)), course_from_subject(subject_for(asked))) == ("TutorAnswered", "abc")
    assert ALL_EVENTS == ["course.>", "learning.>", "cohort.>"]
    assert {cls.SUBJECT_ROOT for cls in CATALOGUE} == {"course", "learning", "cohort"}


def test_a_cohort_is_a_history_of_its_own():
    created = example_event(CohortCreated).model_copy(update={"course_id": "k1"})
    assert subject_for(created) == "cohort.k1.CohortCreated"
    assert not subject_for(created).startswith(course_subjects("k1")[:-1])
    assert course_from_subject(subject_for(created)) == "k1"


@pytest.mark.parametrize("course_id", ["a.b", "*", ">", "a b", ""])
def test_course_subjects_refuses_unsafe_ids(course_id):
    with pytest.raises(ValueError, match="not a valid course id"):
        course_subjects(course_id)


def test_subject_of_type_refuses_classes_outside_the_catalogue():
    class Stray(Event):
        pass

    with pytest.raises(ValueError, match="not in the event catalogue"):
        subject_of_type(Stray)


@pytest.mark.parametrize("subject", ["course.abc", "course.a.b.C", "other.abc.CourseCreated"])
def test_type_from_subject_refuses_non_course_subjects(subject):
    with pytest.raises(ValueError):
        type_from_subject(subject)


# --- JSON Schema export ------------------------------------------------------------------------
def test_schema_export_writes_one_valid_json_file_per_catalogue_event(tmp_path):
    written = export_schemas(tmp_path / "schemas")
    assert len(written) == len(CATALOGUE)
    files = sorted((tmp_path / "schemas").iterdir())
    assert sorted(written) == files
    expected = {f"{cls.type_name()}.v{cls.CURRENT_VERSION}.schema.json" for cls in CATALOGUE}
    assert {p.name for p in files} == expected
    for path in files:
        schema = json.loads(path.read_text())
        event_type = path.name.split(".")[0]
        root = EVENT_TYPES[event_type].SUBJECT_ROOT
        assert schema["$comment"] == f"published on the NATS subject {root}.{{course_id}}.{event_type}"
        assert not [key for key in schema if key.startswith("x-")]
        assert "payload" in schema["properties"]
        assert "course_id" in schema["required"]



# The committed schemas against the models, version by version: tests/unit/test_event_contract.py.
