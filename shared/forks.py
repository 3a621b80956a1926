"""What a forked course inherits from its source: the rule every reader of a history applies (the
event store when it loads a fork, the gateway's projection when it meets a CourseForked). Pure and
deterministic, so a fork reads the same history every time and replay rebuilds the same rows.

A fork's first event, CourseForked, names its source, the stage it is forked from and the source's
stream sequence it was forked at. Nothing is copied: its history is the source's events up to that
sequence, minus what belongs to later stages and minus the source's own life as a course (created,
renamed, refreshed), each read as the fork's own, followed by the fork's events.

Read as the fork's own means re-labelled: the course id is the fork's, and every id the read tables
hold unique across courses (an event's id, a pathway's, a module's) is derived from the fork's, so
the fork's rows never collide with its source's. Task ids stay: they are unique within a course."""
from __future__ import annotations

import uuid
from typing import Iterable

from shared import linear_regex
from shared.events import Event, derived_event_id
from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseForked, CourseGenerated, CourseGenerationRequested, CourseRefreshEnded,
    CourseRefreshRequested, CourseUpdated, DocAnalysed, DocsAnalysed, DocsAnalysisRequested, EditUndone,
    FoldersSelected, GitHookCreated, GitHookDeleted, ModuleEdited, ModuleGenerated, ModuleRemoved, ModulesMerged, ModulesReordered,
    PathwayModulesListed, PathwaySelected, PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested, RepoFilesDiscovered,
    StageCancelled, StageFailed, StageProgressed, StageStarted, TutorAnswered, TutorHistoryCleared,
)
from shared.events.cohort_events import (
    CohortCreated, CourseAssigned, LearnerProgressErased, MemberAdded, MemberErased, MemberRemoved, ModuleCompleted,
    ModuleRead, QuestionAnswered, ReleaseScheduled,
)

# A fork of a fork of …: each level is one more history to read for every load of the deepest one.
MAX_FORK_DEPTH = 8
STAGES = ("stage1", "stage2", "stage3", "stage4")
_IDS = uuid.UUID("0b7e2d0c-6a3f-4f59-8f0e-5d2c1a9e7b44")

# The stage each event belongs to: a fork from stage N inherits the events of stages 1..N. A stage's
# choice belongs to it (the folders chosen on stage 1's tree, the pathway chosen among stage 3's),
# and the author's edits to stage 4 (they change its modules).
STAGE_OF: dict[type[Event], str] = {
    RepoCloneRequested: "stage1", RepoFilesDiscovered: "stage1", RepoCloned: "stage1", FoldersSelected: "stage1",
    DocsAnalysisRequested: "stage2", DocAnalysed: "stage2", DocsAnalysed: "stage2",
    PathwaysRequested: "stage3", PathwaysGenerated: "stage3", PathwaySelected: "stage3",
    PathwayModulesListed: "stage3",
    CourseGenerationRequested: "stage4", ModuleGenerated: "stage4", CourseGenerated: "stage4",
    ModuleEdited: "stage4", ModulesReordered: "stage4", ModuleRemoved: "stage4", ModulesMerged: "stage4",
    EditUndone: "stage4",
}
# Events of a run name their stage in their payload.
RUN_EVENTS = (StageStarted, StageProgressed, StageFailed, StageCancelled)
# The source's life as a course is its own: the fork has its own title and owner (CourseForked stands
# in for CourseCreated), its own revisions, its own refreshes (whose stage runs it does inherit) and
# its own git hooks (a hook's id and secret name the source), and the questions its learners asked
# are theirs (the source's learners' answers and progress are never a fork's); a cohort is no course.
NEVER_INHERITED = (CourseCreated, CourseUpdated, CourseDeleted, CourseForked, CourseRefreshRequested,
                   CourseRefreshEnded, GitHookCreated, GitHookDeleted, TutorAnswered, TutorHistoryCleared,
                   ModuleRead, QuestionAnswered, ModuleCompleted, LearnerProgressErased,
                   CohortCreated, MemberAdded, MemberRemoved, CourseAssigned, ReleaseScheduled, MemberErased)


def stage_of(event: Event) -> str | None:
    """The stage `event` belongs to; None for an event no fork inherits."""
    if isinstance(event, RUN_EVENTS):
        return event.payload.stage
    return STAGE_OF.get(type(event))


def inherits(event: Event, from_stage: str) -> bool:
    stage = stage_of(event)
    return stage is not None and STAGES.index(stage) <= STAGES.index(from_stage)


def inherited(source: Iterable[tuple[int, Event]], forked: CourseForked) -> list[tuple[int, Event]]:
    """The (stream sequence, event) pairs of the source's history `forked`'s course inherits, in the
    source's order, re-labelled as the fork's. `source` is the source's whole history as its event
    store reads it (a source that is itself a fork: with what it inherits, which keeps its sequences)."""
    p, fork = forked.payload, Relabelling(forked)
    return [(seq, relabel(event, fork)) for seq, event in source
            if seq <= p.up_to_seq and inherits(event, p.from_stage)]


def relabel(event: Event, fork: Relabelling) -> Event:
    """`event` as the fork's own: its course, and the ids unique across courses, the fork's."""
    update: dict = {"course_id": fork.course_id, "event_id": fork.event_id(event.event_id)}
    if event.causation_id is not None:
        update["causation_id"] = fork.event_id(event.causation_id)
    payload = _relabelled_payload(event, fork)
    if payload is not None:
        update["payload"] = payload
    return event.model_copy(update=update)


class Relabelling:
    """The fork's names for its source's ids: derived from the fork, the same every time."""

    def __init__(self, forked: CourseForked) -> None:
        self.course_id, self._event = forked.course_id, forked.event_id

    def event_id(self, source_id: str) -> str:
        return derived_event_id(self._event, f"inherited:{source_id}")

    def pathway_id(self, source_id: str) -> str:
        return uuid.uuid5(_IDS, f"{self.course_id}:pathway:{source_id}").hex[:20]

    def module_id(self, source_id: str) -> str:
        """A module keeps its pathway's prefix (stage 3 names modules `<pathway id>-<n>`), so the
        fork's modules still read as its pathways'."""
        prefixed = _PATHWAY_PREFIX.match(source_id)
        if prefixed:
            return f"{self.pathway_id(prefixed.group(1))}-{prefixed.group(2)}"
        return uuid.uuid5(_IDS, f"{self.course_id}:module:{source_id}").hex[:20]

    def module_ids(self, source_ids: Iterable[str]) -> list[str]:
        return [self.module_id(m) for m in source_ids]


_PATHWAY_PREFIX = linear_regex.compile(r"^([0-9a-f]{20})-(.+)$")


def _relabelled_payload(event: Event, fork: Relabelling):
    """The payload with the fork's pathway, module and event ids; None when it names none."""
    p = event.payload
    if isinstance(event, PathwaysGenerated):
        return p.model_copy(update={"pathways": [
            w.model_copy(update={"pathway_id": fork.pathway_id(w.pathway_id), "modules": [
                m.model_copy(update={"module_id": fork.module_id(m.module_id)}) for m in w.modules]})
            for w in p.pathways]})
    if isinstance(event, PathwayModulesListed):  # a part of a PathwaysGenerated: re-labelled as its pathways
        return p.model_copy(update={"pathway_id": fork.pathway_id(p.pathway_id), "modules": [
            m.model_copy(update={"module_id": fork.module_id(m.module_id)}) for m in p.modules]})
    if isinstance(event, PathwaySelected):
        return p.model_copy(update={"pathway_id": fork.pathway_id(p.pathway_id)})
    if isinstance(event, PathwaysRequested) and p.adapt_pathway_id is not None:
        return p.model_copy(update={"adapt_pathway_id": fork.pathway_id(p.adapt_pathway_id)})
    if isinstance(event, CourseGenerationRequested):
        return p.model_copy(update={"pathway_id": fork.pathway_id(p.pathway_id),
                                    "regenerate": fork.module_ids(p.regenerate)})
    if isinstance(event, (ModuleGenerated, ModuleEdited, ModuleRemoved)):
        return p.model_copy(update={"module_id": fork.module_id(p.module_id)})
    if isinstance(event, ModulesReordered):
        return p.model_copy(update={"module_ids": fork.module_ids(p.module_ids)})
    if isinstance(event, ModulesMerged):
        return p.model_copy(update={"into": fork.module_id(p.into), "merged": fork.module_ids(p.merged)})
    if isinstance(event, EditUndone):
        return p.model_copy(update={"edit_event_id": fork.event_id(p.edit_event_id)})
    return None
