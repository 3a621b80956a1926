"""A refresh the manager cannot carry further ends FAILED with its reason
(services/gateway/domain/refresh.py `abandon`), so it never stays open refusing the course's stage
commands. Pure: the course's history as the log holds it."""
from __future__ import annotations

from services.gateway.domain.course import fold
from services.gateway.domain.refresh import abandon, fold_refresh, next_step, request_refresh
from shared.events.catalogue import CourseRefreshEnded, RepoCloneRequested
from tests.support.forking import whole_course

WRITTEN = whole_course()[:-1]  # a first version written, an earlier refresh ended, nothing running


def opened() -> list:
    request = request_refresh(fold("source", WRITTEN), fold_refresh(WRITTEN), "alice", False, None)
    return [*WRITTEN, request]


def test_an_open_refresh_is_ended_failed_with_the_reason_and_the_current_version_kept():
    history = opened()
    assert isinstance(next_step(fold("source", history), fold_refresh(history)), RepoCloneRequested)

    ended = abandon(fold("source", history), fold_refresh(history), "an event of the course could not be read")

    assert isinstance(ended, CourseRefreshEnded)
    p = ended.payload
    assert p.refresh_id == history[-1].payload.refresh_id and p.outcome == "failed"
    assert p.message == "an event of the course could not be read; the current version stays"
    assert ended.causation_id == history[-1].event_id and ended.actor == "alice"
    after = [*history, ended]
    assert fold_refresh(after).open is None
    assert next_step(fold("source", after), fold_refresh(after)) is None
    assert not fold("source", after).refreshing


def test_nothing_is_ended_when_no_refresh_is_open():
    assert abandon(fold("source", WRITTEN), fold_refresh(WRITTEN), "why") is None
    assert abandon(fold("gone", []), fold_refresh([]), "why") is None
