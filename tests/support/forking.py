"""Forks in tests: a whole course's history as its event store reads it (pure, for the rule in
shared/forks.py), and forking a course through the REST API."""
from __future__ import annotations

from shared.events import Event
from shared.events.catalogue import (
    CourseCreated, CourseForked, CourseGenerated, CourseGenerationRequested, CourseRefreshEnded,
    CourseRefreshRequested, CourseUpdated, DocAnalysed, DocsAnalysed, DocsAnalysisRequested, EditUndone,
    FoldersSelected, ModuleEdited, ModuleGenerated, PathwaySelected, PathwaysGenerated, PathwaysRequested,
    RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageProgressed, StageStarted,
)
from tests.support.flows import ALICE

PATHWAY = "0123456789abcdef0123"  # as stage 3 names them: 20 hex digits, its modules `<pathway>-<n>`
MODULES = (f"{PATHWAY}-01", f"{PATHWAY}-02")


def _run(course: str, stage: str, task: str, actor: str) -> list[Event]:
    return [StageStarted(course_id=course, actor=actor, payload={"stage": stage, "task_id": task}),
            StageProgressed(course_id=course, actor=actor, payload={
                "stage": stage, "task_id": task, "progress_percentage": 50, "current_step": "half"})]


def whole_course(course: str = "source") -> list[Event]:
    """A course created, renamed, taken through the four stages, edited, refreshed, and then its
    stage 2 run again (task t2b, after everything else)."""
    a = "alice"
    return [
        CourseCreated(course_id=course, actor=a, payload={"owner_id": a, "title": "Skyline"}),
        CourseUpdated(course_id=course, actor=a, payload={"title": "Skyline 2", "revision": 2}),
        RepoCloneRequested(course_id=course, actor=a, payload={"task_id": "t1", "repo_url": "/repo"}),
        *_run(course, "stage1", "t1", "repo_clone"),
        RepoFilesDiscovered(course_id=course, actor="repo_clone", payload={
            "task_id": "t1", "chunk_index": 0, "chunk_count": 1,
            "files": [{"path": "docs/a.md", "size": 10, "is_documentation": True}]}),
        RepoCloned(course_id=course, actor="repo_clone", payload={
            "task_id": "t1", "repo_url": "/repo", "repo_name": "repo", "commit_sha": "abc", "file_count": 1,
            "documentation_count": 1, "chunk_count": 1, "snapshot_ref": "repo-snapshots/public/x/abc"}),
        FoldersSelected(course_id=course, actor=a, payload={"selected_folders": ["docs"]}),
        DocsAnalysisRequested(course_id=course, actor=a, payload={"task_id": "t2", "complexity_level": "beginner"}),
        *_run(course, "stage2", "t2", "doc_analyser"),
        DocAnalysed(course_id=course, actor="doc_analyser", payload={
            "task_id": "t2", "path": "docs/a.md", "title": "A", "doc_type": "guide",
            "complexity_level": "beginner", "word_count": 10, "content_hash": "h"}),
        DocsAnalysed(course_id=course, actor="doc_analyser", payload={"task_id": "t2", "document_count": 1}),
        PathwaysRequested(course_id=course, actor=a, payload={"task_id": "t3", "analysis_task_id": "t2"}),
        *_run(course, "stage3", "t3", "pathway"),
        PathwaysGenerated(course_id=course, actor="pathway", payload={"task_id": "t3", "pathways": [{
            "pathway_id": PATHWAY, "title": "The way", "modules": [
                {"module_id": m, "title": m, "estimated_minutes": 5, "documents": ["docs/a.md"]} for m in MODULES]}]}),
        PathwaySelected(course_id=course, actor=a, payload={"pathway_id": PATHWAY}),
        CourseGenerationRequested(course_id=course, actor=a, payload={
            "task_id": "t4", "pathway_id": PATHWAY, "regenerate": [MODULES[1]]}),
        *_run(course, "stage4", "t4", "modules"),
        *[ModuleGenerated(course_id=course, actor="modules", payload={
            "task_id": "t4", "module_id": m, "position": n, "title": m, "content_ref": f"c/{m}",
            "content_hash": "h"}) for n, m in enumerate(MODULES)],
        CourseGenerated(course_id=course, actor="modules", payload={
            "task_id": "t4", "module_count": 2, "export_ref": "c/course.zip"}),
        edit := ModuleEdited(course_id=course, actor=a, payload={"module_id": MODULES[0], "fields": {"title": "A"}}),
        EditUndone(course_id=course, actor=a, causation_id=edit.event_id, payload={"edit_event_id": edit.event_id}),
        CourseRefreshRequested(course_id=course, actor=a, payload={"refresh_id": "r1"}),
        CourseRefreshEnded(course_id=course, actor="gateway", payload={"refresh_id": "r1", "outcome": "unchanged"}),
        DocsAnalysisRequested(course_id=course, actor=a, payload={"task_id": "t2b", "complexity_level": "advanced"}),
    ]


def sequenced(events: list[Event], first: int = 1) -> list[tuple[int, Event]]:
    """The events with the stream sequences a log would give them."""
    return list(enumerate(events, start=first))


def forked_at(source: list[tuple[int, Event]], fork: str, from_stage: str, up_to_seq: int,
              owner: str = "bob") -> CourseForked:
    return CourseForked(course_id=fork, actor=owner, payload={
        "source_course_id": source[0][1].course_id, "up_to_seq": up_to_seq, "from_stage": from_stage,
        "owner_id": owner, "title": "Fork"})


async def fork(api, course_id: str, from_stage: str, headers=ALICE, **body):
    """POST …/fork; the response as it is."""
    return await api.post(f"/api/courses/{course_id}/fork", json={"from_stage": from_stage, **body},
                          headers=headers)
