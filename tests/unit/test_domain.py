"""The course aggregate: fold its events into state, decide on commands (no I/O)."""
from __future__ import annotations

import pytest

from services.gateway.domain.course import (
    CourseNotFound, CourseState, RevisionMismatch, create_course, delete_course, fold, update_course,
)
from shared.events.catalogue import CourseCreated, CourseDeleted, CourseUpdated

COURSE = "c1"


def created_state(owner: str = "alice") -> CourseState:
    return fold(COURSE, [create_course(COURSE, owner, "Title", "Desc")])


def assert_not_found_for(state, user: str) -> None:
    with pytest.raises(CourseNotFound):
        update_course(state, user, False, None, "t", None)
    with pytest.raises(CourseNotFound):
        delete_course(state, user, False)


def test_empty_history_is_a_course_that_does_not_exist():
    state = fold(COURSE, [])
    assert not state.exists and state.revision == 0
    assert_not_found_for(state, "alice")


def test_create_gives_revision_one_owned_by_the_creator():
    event = create_course(COURSE, "alice", "Title", "Desc")
    assert isinstance(event, CourseCreated) and event.actor == "alice"
    state = fold(COURSE, [event])
    assert (state.owner_id, state.title, state.description, state.revision) == ("alice", "Title", "Desc", 1)
    assert state.exists and state.visible_to("alice", False)


def test_each_update_increments_the_revision_and_keeps_unset_fields():
    state = created_state()
    history = [create_course(COURSE, "alice", "Title", "Desc")]
    for expected, title in [(2, "T2"), (3, None), (4, "T4")]:
        event = update_course(state, "alice", False, None, title, f"d{expected}")
        assert isinstance(event, CourseUpdated) and event.payload.revision == expected
        history.append(event)
        state = fold(COURSE, history)
        assert state.revision == expected
    assert (state.title, state.description) == ("T4", "d4")
    assert fold(COURSE, history[:3]).title == "T2"  # the None title kept the previous one


def test_someone_elses_course_is_not_found():
    state = created_state("alice")
    assert not state.visible_to("bob", False)
    assert_not_found_for(state, "bob")


def test_deleted_course_is_not_found_even_for_its_owner_or_an_admin():
    create = create_course(COURSE, "alice", "Title", "")
    deleted = delete_course(fold(COURSE, [create]), "alice", False)
    assert isinstance(deleted, CourseDeleted)
    state = fold(COURSE, [create, deleted])
    assert state.deleted and not state.exists
    for user, admin in [("alice", False), ("root", True)]:
        with pytest.raises(CourseNotFound):
            update_course(state, user, admin, None, "again", None)
        with pytest.raises(CourseNotFound):
            delete_course(state, user, admin)


def test_admin_may_update_and_delete_any_course():
    state = created_state("alice")
    update = update_course(state, "root", True, None, "fixed", None)
    assert update.payload.revision == 2 and update.actor == "root"
    assert delete_course(state, "root", True).course_id == COURSE


def test_if_match_of_the_current_revision_is_accepted():
    assert update_course(created_state(), "alice", False, 1, "t", None).payload.revision == 2


def test_stale_if_match_is_a_revision_mismatch_naming_both_revisions():
    state = fold(COURSE, [create_course(COURSE, "alice", "T", ""),
                          CourseUpdated(course_id=COURSE, actor="alice", payload={"title": "x", "revision": 2})])
    with pytest.raises(RevisionMismatch) as caught:
        update_course(state, "alice", False, 1, "y", None)
    assert caught.value.actual == 2
    assert "revision 1" in str(caught.value) and "revision 2" in str(caught.value)


def test_not_found_wins_over_revision_mismatch_so_nothing_leaks():
    with pytest.raises(CourseNotFound):
        update_course(created_state("alice"), "bob", False, 99, "t", None)
