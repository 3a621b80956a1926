"""A course's git hooks, the pure parts: ids that name their course, secrets derived per hook, the
history's hooks, a delivery's refresh id, and each hook's token bucket on a clock the test moves."""
from __future__ import annotations

import pytest

from services.gateway.edge.rate_limit import TokenBuckets, retry_after
from services.gateway.domain import git_hooks
from services.gateway.domain.course import CourseNotFound, fold
from services.gateway.domain.runs import StageConflict
from shared.events.catalogue import CourseCreated


def created(course_id: str = "course-1", owner: str = "alice"):
    return CourseCreated(course_id=course_id, actor=owner, payload={"owner_id": owner, "title": "T"})


def test_a_hook_id_names_its_course_and_nothing_else_passes():
    hook_id = git_hooks.new_hook_id("course-1")
    assert git_hooks.course_of(hook_id) == "course-1"
    for made_up in ("course-1", "course-1.", "course-1.short", "../x.aaaaaaaaaaaaaaaaaaaa",
                    "course-1." + "a" * 44, "course-1.aaaaaaaaaaaaaaaaaaa/", "cöurse.aaaaaaaaaaaaaaaaaaaa"):
        with pytest.raises(git_hooks.HookNotFound):
            git_hooks.course_of(made_up)


def test_each_hook_has_its_own_secret_and_the_key_changes_them_all():
    key = git_hooks.hooks_key("k" * 40)
    one, two = git_hooks.new_hook_id("c"), git_hooks.new_hook_id("c")
    assert git_hooks.hook_secret(key, one) != git_hooks.hook_secret(key, two)
    assert git_hooks.hook_secret(key, one) == git_hooks.hook_secret(git_hooks.hooks_key("k" * 40), one)
    assert git_hooks.hook_secret(git_hooks.hooks_key("j" * 40), one) != git_hooks.hook_secret(key, one)


def test_hooks_are_made_by_the_owner_listed_deleted_and_capped():
    events = [created()]
    with pytest.raises(CourseNotFound):
        git_hooks.create_hook(fold("course-1", events), events, "bob", False)
    for _ in range(git_hooks.MAX_HOOKS_PER_COURSE):
        events.append(git_hooks.create_hook(fold("course-1", events), events, "alice", False))
    with pytest.raises(StageConflict, match="delete one"):
        git_hooks.create_hook(fold("course-1", events), events, "alice", False)
    first = events[1].payload.hook_id
    events.append(git_hooks.delete_hook(fold("course-1", events), events, "alice", False, first))
    assert first not in git_hooks.hooks_of(events) and len(git_hooks.hooks_of(events)) == 9
    with pytest.raises(git_hooks.HookNotFound):
        git_hooks.delete_hook(fold("course-1", events), events, "alice", False, first)
    with pytest.raises(git_hooks.HookNotFound):
        git_hooks.require_hook(fold("course-1", events), events, first)


def test_a_delivery_sent_again_names_the_same_refresh():
    assert git_hooks.delivery_refresh_id("h", "d1") == git_hooks.delivery_refresh_id("h", "d1")
    assert git_hooks.delivery_refresh_id("h", "d1") != git_hooks.delivery_refresh_id("h", "d2")
    assert git_hooks.delivery_refresh_id("h", "d1") != git_hooks.delivery_refresh_id("g", "d1")


def test_a_hooks_bucket_refills_with_time_and_each_hook_has_its_own():
    now = [100.0]
    limits = TokenBuckets(per_minute=2, burst=2, clock=lambda: now[0])
    assert [limits.take("a"), limits.take("a")] == [0, 0]
    wait = limits.take("a")
    assert wait == pytest.approx(30.0) and retry_after(wait) == "30"
    assert limits.take("b") == 0
    now[0] += 30
    assert limits.take("a") == 0 and limits.take("a") > 0
    now[0] += 3600  # full again, never more than the burst
    assert [limits.take("a") for _ in range(3)][-1] > 0
    assert retry_after(0.2) == "1"
