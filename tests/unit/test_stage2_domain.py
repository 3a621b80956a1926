"""Stage 2 decisions and the stage 1 facts they rest on (pure, no I/O)."""
from __future__ import annotations

import pytest

from services.gateway.domain.course import create_course, fold
from services.gateway.domain.runs import StageConflict, cancel_stage
from services.gateway.domain.stage2 import retry_analysis, start_analysis
from shared.events.catalogue import (
    DiscoveredFile, FoldersSelected, RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageFailed,
)
from shared.selection import documents_in, scan_result

COURSE = "c1"
FILES = [DiscoveredFile(path=p, size=10, is_documentation=doc, navigation_index=nav)
         for p, doc, nav in [("README.md", True, None), ("docs/b.md", True, 1), ("docs/a.md", True, 0),
                             ("docs/deep/c.rst", True, None), ("docs2/x.md", True, None),
                             ("src/main.py", False, None)]]


def clone_history(task: str = "t1") -> list:
    created = create_course(COURSE, "alice", "Title", "")
    request = RepoCloneRequested(course_id=COURSE, actor="alice",
                                 payload={"task_id": task, "repo_url": "https://example.com/r.git"})
    files = request.reacting(RepoFilesDiscovered, "files:0", "repo_clone", task_id=task, chunk_index=0,
                             chunk_count=1, files=FILES)
    cloned = request.reacting(RepoCloned, "cloned", "repo_clone", task_id=task, repo_url="u", repo_name="r",
                              commit_sha="abc", file_count=6, documentation_count=5, chunk_count=1,
                              snapshot_ref="repo-snapshots/k/abc")
    return [created, request, files, cloned]


def selected(folders: list[str], overview: str | None = None) -> FoldersSelected:
    return FoldersSelected(course_id=COURSE, actor="alice",
                           payload={"selected_folders": folders, "overview_document": overview})


def test_a_selected_folder_includes_its_subfolders_but_not_lookalike_siblings():
    assert documents_in(FILES, ["docs"], None) == ["docs/a.md", "docs/b.md", "docs/deep/c.rst"]
    assert documents_in(FILES, ["."], None)[:2] == ["docs/a.md", "docs/b.md"]  # navigation order first
    assert documents_in(FILES, ["docs/deep"], "README.md") == ["README.md", "docs/deep/c.rst"]


def test_scan_result_holds_the_selection_made_on_the_current_scan_only():
    history = clone_history() + [selected(["docs"])]
    scan = scan_result(history)
    assert scan.clone_task_id == "t1" and scan.snapshot_ref == "repo-snapshots/k/abc"
    assert scan.selected_documents() == ["docs/a.md", "docs/b.md", "docs/deep/c.rst"]
    assert scan.navigation() == ["docs/a.md", "docs/b.md"]
    rescanned = history + clone_history("t2")[1:]
    assert scan_result(rescanned).selection is None  # a new scan voids the old selection


def test_start_needs_stage1_success_and_a_selection_each_with_its_reason():
    created = [create_course(COURSE, "alice", "Title", "")]
    with pytest.raises(StageConflict, match="stage 1 has not run"):
        start_analysis(fold(COURSE, created), "alice", False, "beginner", "")
    with pytest.raises(StageConflict, match="stage1-selections"):
        start_analysis(fold(COURSE, clone_history()), "alice", False, "beginner", "")
    event = start_analysis(fold(COURSE, clone_history() + [selected(["docs"])]), "alice", False, "advanced", "x")
    assert event.payload.clone_task_id == "t1" and event.payload.complexity_level == "advanced"


def test_a_running_stage2_cannot_start_twice_but_can_be_cancelled_then_retried():
    history = clone_history() + [selected(["docs"])]
    request = start_analysis(fold(COURSE, history), "alice", False, "beginner", "focus")
    history.append(request)
    with pytest.raises(StageConflict, match="already running"):
        start_analysis(fold(COURSE, history), "alice", False, "beginner", "")
    with pytest.raises(StageConflict, match="only a failed or cancelled"):
        retry_analysis(fold(COURSE, history), "alice", False)
    history.append(cancel_stage(fold(COURSE, history), "alice", False, "stage2"))
    retried = retry_analysis(fold(COURSE, history), "alice", False)
    assert retried.payload.retry_of == request.payload.task_id
    assert (retried.payload.complexity_level, retried.payload.additional_info) == ("beginner", "focus")


def test_a_failed_stage2_can_be_retried():
    history = clone_history() + [selected(["docs"])]
    request = start_analysis(fold(COURSE, history), "alice", False, "beginner", "")
    failed = request.reacting(StageFailed, "failed", "doc_analyser", stage="stage2",
                              task_id=request.payload.task_id, error_message="boom")
    retried = retry_analysis(fold(COURSE, history + [request, failed]), "alice", False)
    assert retried.payload.retry_of == request.payload.task_id


def test_a_request_seen_again_does_not_reopen_its_finished_run():
    history = clone_history()
    request = history[1]
    assert fold(COURSE, history).runs["stage1"].status == "SUCCESS"
    assert fold(COURSE, history + [request]).runs["stage1"].status == "SUCCESS"
