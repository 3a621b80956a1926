"""What a cohort's release schedule releases on a day, and a learner's progress and a cohort's most
missed questions as the mentor's table computes them (services/gateway/domain/cohorts.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from services.gateway.domain.cohorts import Activity, Schedule, inactive_since, is_complete, most_missed, progress_of

START = date(2026, 12, 1)
T0 = datetime(2026, 12, 1, 9, tzinfo=timezone.utc)


def test_one_module_every_n_days_from_the_start_day():
    every_two = Schedule(2, START)
    assert [every_two.released(5, START + timedelta(days=d)) for d in (-1, 0, 1, 2, 3, 4, 8, 100)] == [
        0, 1, 1, 2, 2, 3, 5, 5]
    assert every_two.next_release(5, START - timedelta(days=3)) == START
    assert every_two.next_release(5, START + timedelta(days=1)) == START + timedelta(days=2)
    assert every_two.next_release(5, START + timedelta(days=8)) is None
    assert [every_two.released_on(n) for n in (1, 2, 3)] == [START, START + timedelta(days=2),
                                                             START + timedelta(days=4)]


def test_no_schedule_releases_everything_at_once():
    assert Schedule().released(7, START) == 7
    assert Schedule().next_release(7, START) is None and Schedule().released_on(3) is None


@given(st.integers(1, 30), st.integers(0, 50), st.integers(-40, 400))
def test_a_day_later_never_releases_fewer_and_the_next_release_day_releases_one_more(every, total, day):
    schedule, today = Schedule(every, START), START + timedelta(days=day)
    now = schedule.released(total, today)
    assert 0 <= now <= total and schedule.released(total, today + timedelta(days=1)) >= now
    following = schedule.next_release(total, today)
    if following is None:
        assert now == total
    else:
        assert following > today and schedule.released(total, following) == now + 1
        assert schedule.released(total, following - timedelta(days=1)) == now


def act(learner, module, kind, seq, question=None, choice=None, correct=None, minutes=0) -> Activity:
    return Activity(learner, module, kind, seq, T0 + timedelta(minutes=minutes), question, choice, correct)


def test_the_score_counts_the_first_answer_to_each_question_and_completion_needs_reading_and_all():
    found = progress_of([
        act("a", "m1", "answer", 3, 0, 1, False), act("a", "m1", "answer", 5, 0, 0, True),  # practice
        act("a", "m1", "answer", 4, 1, 2, True, minutes=7), act("a", "m2", "read", 1)])
    m1 = found["m1"]
    assert (m1.answered, m1.correct, m1.read) == (2, 1, False)
    assert not is_complete(m1, 2)
    assert m1.last_activity == T0 + timedelta(minutes=7)
    assert is_complete(found["m2"], 0) and not is_complete(found["m2"], 1)


def test_most_missed_ranks_by_the_share_wrong_at_first_answer_with_the_wrong_option_most_chosen():
    missed = most_missed([
        act("a", "m1", "answer", 1, 0, 2, False), act("b", "m1", "answer", 2, 0, 2, False),
        act("c", "m1", "answer", 3, 0, 1, False), act("a", "m1", "answer", 9, 0, 0, True),  # a's second
        act("a", "m1", "answer", 4, 1, 3, False), act("b", "m1", "answer", 5, 1, 0, True),
        act("a", "m2", "answer", 6, 0, 0, True)])
    assert [(m.module_id, m.question, m.wrong, m.answered, m.most_chosen) for m in missed] == [
        ("m1", 0, 3, 3, 2), ("m1", 1, 1, 2, 3)]


def test_idle_means_no_activity_for_the_days_given_or_none_ever():
    assert inactive_since(None, T0, 7)
    assert inactive_since(T0, T0 + timedelta(days=7), 7) and not inactive_since(T0, T0 + timedelta(days=6), 7)
