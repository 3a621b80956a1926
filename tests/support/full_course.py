"""The events of one whole course, from its creation to its export, in the order coursegen appends
them: every event type of the catalogue at least once (a cancelled clone and a failed analysis
are retried, a second course is deleted, and a cohort is taught the course), built from the catalogue's valid examples
(shared/events/examples.py) with fresh event ids, the course's id, and one task id per stage run
(`payload.task_id` = `correlation_id`; `null` on events of no run), as docs/subscribing.md says."""
from __future__ import annotations

import uuid

from shared.events import Event, EVENT_TYPES
from shared.events.examples import example_event

# (event type, run): events of the same run share a task id; None = an event of no run.
COURSE = [
    ("CourseCreated", None), ("CourseUpdated", None),
    ("RepoCloneRequested", "clone1"), ("StageStarted", "clone1"), ("StageCancelled", "clone1"),
    ("RepoCloneRequested", "clone2"), ("StageStarted", "clone2"), ("StageProgressed", "clone2"),
    ("RepoFilesDiscovered", "clone2"), ("RepoCloned", "clone2"),
    ("FoldersSelected", None),
    ("DocsAnalysisRequested", "docs1"), ("StageStarted", "docs1"), ("StageFailed", "docs1"),
    ("DocsAnalysisRequested", "docs2"), ("StageStarted", "docs2"), ("DocAnalysed", "docs2"),
    ("DocsAnalysed", "docs2"),
    ("PathwaysRequested", "paths"), ("StageStarted", "paths"), ("PathwayModulesListed", "paths"),
    ("PathwaysGenerated", "paths"),
    ("PathwaySelected", None),
    ("CourseGenerationRequested", "modules"), ("StageStarted", "modules"), ("ModuleGenerated", "modules"),
    ("CourseGenerated", "modules"),
    ("GitHookCreated", None), ("CourseRefreshRequested", None), ("CourseRefreshEnded", None),
    ("ModuleEdited", None), ("ModulesReordered", None), ("ModuleRemoved", None), ("ModulesMerged", None),
    ("EditUndone", None), ("GitHookDeleted", None), ("TutorAnswered", None), ("TutorHistoryCleared", None),
    ("ModuleRead", None), ("QuestionAnswered", None), ("ModuleCompleted", None), ("LearnerProgressErased", None),
]
# A cohort the course is taught to: a history of its own (its id in the envelope's course_id).
COHORT = [("CohortCreated", None), ("MemberAdded", None), ("CourseAssigned", None), ("ReleaseScheduled", None),
          ("MemberRemoved", None), ("MemberErased", None)]
# A fork's first event: what it inherits is read from the source, not copied (shared/bus/eventstore.py).
FORKED_COURSE = [("CourseForked", None)]
DELETED_COURSE = [("CourseCreated", None), ("CourseDeleted", None)]


def course_events(course_id: str, export_ref: str, export_bytes: int, plan=COURSE) -> list[Event]:
    """`plan`'s events for `course_id`; the CourseGenerated one announces `export_ref`."""
    task_ids = {run: str(uuid.uuid4()) for _, run in plan if run}
    events = []
    for event_type, run in plan:
        example = example_event(EVENT_TYPES[event_type])
        payload = {"task_id": task_ids[run]} if run and "task_id" in type(example.payload).model_fields else {}
        if event_type == "CourseGenerated":
            payload |= {"export_ref": export_ref, "export_bytes": export_bytes}
        events.append(example.model_copy(update={
            "event_id": str(uuid.uuid4()), "course_id": course_id,
            "correlation_id": task_ids[run] if run else None,
            "payload": example.payload.model_copy(update=payload)}))
    return events
