"""The events of living courses: refresh, the author's edits, forks, git hooks (catalogue.py lists
every event)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field


from .envelope import Event, Payload
from .publishers import BY_GATEWAY
from .fields import Description, Stage, Title


# --- living courses: refresh ------------------------------------------------------------------
class CourseRefreshRequestedPayload(Payload):
    refresh_id: str = Field(min_length=1, max_length=64)
    ref: str | None = Field(default=None, max_length=256,
                            description="the branch, tag or commit to refresh to; none: the course's own ref")
    trigger: Literal["user", "webhook"] = "user"
    token_ref: str | None = Field(default=None, description=(
        "KV key of a new short-lived repository token for the refresh's clone, never the token; none: "
        "the course's own clone settings (a private repository's token is gone after its first use)"))


class CourseRefreshRequested(Event):
    """The gateway's refresh manager carries the course forward: stage 1 at the new head, stage 2
    on the same selection, stage 3 adapting the chosen pathway, stage 4 reusing unchanged modules."""
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseRefreshRequested"] = "CourseRefreshRequested"
    payload: CourseRefreshRequestedPayload


class CourseRefreshEndedPayload(Payload):
    refresh_id: str = Field(min_length=1, max_length=64)
    outcome: Literal["new-version", "unchanged", "failed", "needs-choice"] = Field(description=(
        "new-version: stage 4 wrote the next version; unchanged: nothing the course uses changed, no "
        "version; failed: a stage failed, the current version stays; needs-choice: the structure changed "
        "too much to keep the pathway, new pathways are proposed"))
    message: str = Field(default="", max_length=4000)
    commit_sha: str | None = Field(default=None, max_length=64)
    generation_task_id: str | None = Field(default=None, description="the stage 4 run that wrote the new version")


class CourseRefreshEnded(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseRefreshEnded"] = "CourseRefreshEnded"
    payload: CourseRefreshEndedPayload


# --- living courses: the author's edits -------------------------------------------------------
# Each edit names the module by its id (stable across refreshes, domain/refresh.py) and applies on
# top of what stage 4 wrote, in every later version, until it is undone.
class ModuleEditedPayload(Payload):
    module_id: str = Field(min_length=1, max_length=200)
    fields: dict[str, Any] = Field(description=(
        "the module content's fields the author replaced (title, introduction, sections, key_points, "
        "conclusion, assessment, summary, …), each with its whole new value"))


class ModuleEdited(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["ModuleEdited"] = "ModuleEdited"
    payload: ModuleEditedPayload


class ModulesReorderedPayload(Payload):
    module_ids: list[str] = Field(min_length=1, max_length=500, description="every module, in the new order")


class ModulesReordered(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["ModulesReordered"] = "ModulesReordered"
    payload: ModulesReorderedPayload


class ModuleRemovedPayload(Payload):
    module_id: str = Field(min_length=1, max_length=200)


class ModuleRemoved(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["ModuleRemoved"] = "ModuleRemoved"
    payload: ModuleRemovedPayload


class ModulesMergedPayload(Payload):
    into: str = Field(min_length=1, max_length=200, description="the module that stays")
    merged: list[str] = Field(min_length=1, max_length=100, description="the modules whose documents and "
                              "content it takes, in order; they leave the course")
    title: str | None = Field(default=None, min_length=1, max_length=300)


class ModulesMerged(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["ModulesMerged"] = "ModulesMerged"
    payload: ModulesMergedPayload


class EditUndonePayload(Payload):
    edit_event_id: str = Field(min_length=1, max_length=64, description="the edit event this compensates")


class EditUndone(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["EditUndone"] = "EditUndone"
    payload: EditUndonePayload


# --- living courses: fork -----------------------------------------------------------------------
class CourseForkedPayload(Payload):
    source_course_id: str = Field(min_length=1, max_length=64)
    up_to_seq: int = Field(ge=1, description=(
        "the fork's history starts with the source course's events up to this stream sequence (the end "
        "of from_stage), read as the fork's own"))
    from_stage: Stage
    owner_id: str = Field(min_length=1, max_length=256)
    title: str = Title
    description: str = Description


class CourseForked(Event):
    """The first event of a course made from another's history: what it inherits is not paid again."""
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseForked"] = "CourseForked"
    payload: CourseForkedPayload


# --- living courses: git hooks -------------------------------------------------------------------
class GitHookCreatedPayload(Payload):
    hook_id: str = Field(min_length=1, max_length=128, description=(
        "<course_id>.<random>: the hook's address is /api/hooks/git/<hook_id>; its secret is derived from "
        "the gateway's GIT_HOOKS_KEY and the id, so no secret is ever in the log"))


class GitHookCreated(Event):
    """The course's owner made a git webhook: pushes signed with its secret refresh this course only."""
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["GitHookCreated"] = "GitHookCreated"
    payload: GitHookCreatedPayload


class GitHookDeletedPayload(Payload):
    hook_id: str = Field(min_length=1, max_length=128)


class GitHookDeleted(Event):
    """Deliveries to the hook are refused from now on (its secret dies with it)."""
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["GitHookDeleted"] = "GitHookDeleted"
    payload: GitHookDeletedPayload
