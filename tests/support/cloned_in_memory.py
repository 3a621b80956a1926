"""A course whose repository stage 1 has cloned, over in-memory stores (tests/support/fakes.py):
where a stage 2 test starts, with the real clone stage and a local repository."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events import Event
from shared.events.catalogue import CourseCreated, FoldersSelected, RepoCloned, RepoCloneRequested
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryEventStore, MemorySecretStore, MemorySnapshotStore


@dataclass
class ClonedCourse:
    course_id: str = field(default_factory=lambda: f"c{uuid.uuid4().hex[:12]}")
    events: MemoryEventStore = field(default_factory=MemoryEventStore)
    snapshots: MemorySnapshotStore = field(default_factory=MemorySnapshotStore)
    cloned: RepoCloned | None = None

    async def add(self, cls: type[Event], **payload) -> Event:
        event = cls(course_id=self.course_id, actor="alice", payload=payload)
        await self.events.publish(event)
        return event


async def cloned_course(repo: Path, work: Path, folders: tuple[str, ...] = ("docs",)) -> ClonedCourse:
    """`repo` cloned by stage 1 (its work tree under `work`) and `folders` selected."""
    course = ClonedCourse()
    await course.add(CourseCreated, owner_id="alice", title="A course", description="")
    clone = await course.add(RepoCloneRequested, task_id=uuid.uuid4().hex, repo_url=str(repo))
    await clone_stage(StageEmitter(course.events, "repo_clone", "stage1"), course.snapshots, MemorySecretStore(),
                      RepoCloneSettings(allow_local_repos=True, work_dir=str(work))).handle(clone)
    await course.add(FoldersSelected, selected_folders=list(folders), overview_document=None)
    [course.cloned] = [e for e in course.events.caused_by(clone) if isinstance(e, RepoCloned)]
    return course
