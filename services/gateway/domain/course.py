"""The course aggregate: its state folded from its events, and the decisions on commands. No I/O."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseForked, CourseRefreshEnded, CourseRefreshRequested, CourseUpdated,
    FoldersSelected, Pathway, PathwaysGenerated, PathwaySelected, RepoCloned, StageCancelled, StageFailed,
    StageStarted,
)
from shared.stage.runs import REQUESTS, RESULTS, StageRun, evolve_runs


class CourseNotFound(LookupError):
    """Unknown, deleted or someone else's course: the same answer for all three, so nothing leaks."""


class RevisionMismatch(RuntimeError):
    def __init__(self, expected: int, actual: int) -> None:
        super().__init__(
            f"the course changed: If-Match names revision {expected} but it is at revision {actual}; "
            "read it again and resend your change"
        )
        self.actual = actual


@dataclass(frozen=True)
class CourseState:
    course_id: str
    owner_id: str | None = None
    title: str = ""
    description: str = ""
    revision: int = 0
    deleted: bool = False
    runs: Mapping[str, StageRun] = field(default_factory=dict)
    scanned_task: str | None = None      # the stage 1 run whose RepoCloned came last
    selection: FoldersSelected | None = None  # made on `scanned_task`'s tree; void after a new scan
    pathways_task: str | None = None     # the stage 3 run whose PathwaysGenerated came last
    pathways: Mapping[str, Pathway] = field(default_factory=dict)
    selected_pathway: str | None = None  # chosen among `pathways`; void after new pathways
    refreshing: str | None = None        # the open refresh's id: its manager alone starts stages

    @property
    def exists(self) -> bool:
        return self.owner_id is not None and not self.deleted

    def current_selection(self) -> FoldersSelected | None:
        """The folders selected on the tree of stage 1's current, successful run."""
        run = self.runs.get("stage1")
        if run is None or run.status != "SUCCESS" or run.task_id != self.scanned_task:
            return None
        return self.selection

    def current_pathways(self) -> Mapping[str, Pathway]:
        """The pathways of stage 3's current, successful run."""
        run = self.runs.get("stage3")
        if run is None or run.status != "SUCCESS" or run.task_id != self.pathways_task:
            return {}
        return self.pathways

    def visible_to(self, user_id: str, is_admin: bool) -> bool:
        return self.exists and (is_admin or self.owner_id == user_id)


def require_visible(state: CourseState, user_id: str, is_admin: bool) -> None:
    """Every command on a course starts here: a course the user may not see is not found."""
    if not state.visible_to(user_id, is_admin):
        raise CourseNotFound(state.course_id)


# The events a command decides on: the course's life, its selections and plans, its refresh, and
# each run's request, start and end. A run's progress steps are left out (a rule never decides on
# them, and a run over 20,000 documents writes 20,000), and so are its analyses and modules: a
# command reads these few types, not a history of hundreds of megabytes. A test folds every other
# type of the catalogue to check that none changes a decision.
DECIDING: tuple[type[Event], ...] = (
    CourseCreated, CourseForked, CourseUpdated, CourseDeleted, RepoCloned, FoldersSelected, PathwaysGenerated,
    PathwaySelected, CourseRefreshRequested, CourseRefreshEnded, *REQUESTS, *RESULTS, StageStarted, StageFailed,
    StageCancelled,
)


def fold(course_id: str, events: Iterable[Event]) -> CourseState:
    state = CourseState(course_id)
    for event in events:
        state = evolve(state, event)
    return state


def evolve(state: CourseState, event: Event) -> CourseState:
    state = replace(state, runs=evolve_runs(dict(state.runs), event))
    if isinstance(event, (CourseCreated, CourseForked)):  # a fork begins as a course of its own
        p = event.payload
        return replace(state, owner_id=p.owner_id, title=p.title, description=p.description, revision=1)
    if isinstance(event, CourseUpdated):
        p = event.payload
        return replace(
            state,
            title=p.title if p.title is not None else state.title,
            description=p.description if p.description is not None else state.description,
            revision=p.revision,
        )
    if isinstance(event, CourseDeleted):
        return replace(state, deleted=True)
    if isinstance(event, RepoCloned):
        return replace(state, scanned_task=event.payload.task_id, selection=None)
    if isinstance(event, FoldersSelected):
        return replace(state, selection=event)
    if isinstance(event, PathwaysGenerated):
        return replace(state, pathways_task=event.payload.task_id, selected_pathway=None,
                       pathways={p.pathway_id: p for p in event.payload.pathways})
    if isinstance(event, PathwaySelected):
        return replace(state, selected_pathway=event.payload.pathway_id)
    if isinstance(event, CourseRefreshRequested):
        return replace(state, refreshing=event.payload.refresh_id)
    if isinstance(event, CourseRefreshEnded) and event.payload.refresh_id == state.refreshing:
        return replace(state, refreshing=None)
    return state


def create_course(course_id: str, user_id: str, title: str, description: str,
                  language: str | None = None) -> CourseCreated:
    return CourseCreated(
        course_id=course_id, actor=user_id,  # no correlation_id: creating a course is no stage run
        payload={"owner_id": user_id, "title": title, "description": description, "language": language},
    )


def update_course(
    state: CourseState, user_id: str, is_admin: bool, if_match: int | None,
    title: str | None, description: str | None, language: str | None = None,
) -> CourseUpdated:
    require_visible(state, user_id, is_admin)
    if if_match is not None and if_match != state.revision:
        raise RevisionMismatch(if_match, state.revision)
    return CourseUpdated(
        course_id=state.course_id, actor=user_id,
        payload={"title": title, "description": description, "language": language,
                 "revision": state.revision + 1},
    )


def delete_course(state: CourseState, user_id: str, is_admin: bool) -> CourseDeleted:
    require_visible(state, user_id, is_admin)
    return CourseDeleted(course_id=state.course_id, actor=user_id, payload={})
