"""Stage 1 run after run on the same course (issue 16: each run of a series took longer than the
one before): a run's checkout is gone when its handler returns, so the next run never clones while
the previous checkout is still being deleted on the same disk, and every run writes the same
documentation, and no code, to disk, while announcing every file with its size.
Through the real handler over in-memory stores, cloning a real local repository."""
from __future__ import annotations

import uuid
from pathlib import Path

from services.repo_clone.handlers import clone_stage
from services.repo_clone.settings import RepoCloneSettings
from shared.events import Event
from shared.events.catalogue import CourseCreated, RepoCloned, RepoCloneRequested, RepoFilesDiscovered
from shared.stage.emitter import StageEmitter
from tests.support.fakes import MemoryEventStore, MemorySecretStore, MemorySnapshotStore
from tests.support.gitrepos import commit, make_repo

DOCS = {f"docs/page{i}.md": f"# Page {i}\n\nThe page about part {i} of the widget.\n" for i in range(5)}
CODE = {f"src/widget/part{i}.py": f"PART = {i}\n" + "# padding\n" * (i % 7) for i in range(400)}
RUNS = 4


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


async def test_each_run_of_a_series_leaves_no_checkout_behind_and_announces_every_file_with_its_size(tmp_path):
    repo = tmp_path / "widget"
    make_repo(repo, {**DOCS, **CODE, "mkdocs.yml": "site_name: Widget\n"})
    work = tmp_path / "work"
    events = MemoryEventStore()
    stage = clone_stage(StageEmitter(events, "repo_clone", "stage1"), MemorySnapshotStore(), MemorySecretStore(),
                        RepoCloneSettings(allow_local_repos=True, work_dir=str(work)))
    course = f"c{uuid.uuid4().hex[:12]}"
    await events.publish(CourseCreated(course_id=course, actor="alice",
                                       payload={"owner_id": "alice", "title": "Widget", "description": ""}))
    announced = []
    for run in range(RUNS):
        commit(repo, {"src/run.cfg": f"run {run}\n"}, f"run {run}")  # a new commit: no snapshot to reuse
        request: Event = RepoCloneRequested(course_id=course, actor="alice",
                                            payload={"task_id": uuid.uuid4().hex, "repo_url": str(repo)})
        await events.publish(request)
        await stage.handle(request)
        emitted = events.caused_by(request)
        cloned = [e for e in emitted if isinstance(e, RepoCloned)]
        assert len(cloned) == 1 and not cloned[0].payload.snapshot_reused
        assert files_under(work) == []  # deleted before the next request could be taken
        announced.append({f.path: f.size for e in emitted if isinstance(e, RepoFilesDiscovered)
                          for f in e.payload.files})
    assert all(sizes == announced[0] for sizes in announced[1:])  # every run does the same work
    expected = {path: len(text.encode()) for path, text in {**DOCS, **CODE, "src/run.cfg": "run 0\n"}.items()}
    assert {path: size for path, size in announced[0].items() if path != "mkdocs.yml"} == expected
