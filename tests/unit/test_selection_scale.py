"""Selecting folders on a large tree is linear in folders + documents: the check runs on the
gateway's event loop, and 5,000 folders × 20,000 documents used to block it for ~37 s (issue 15)."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from services.gateway.domain.course import create_course, fold
from services.gateway.domain.runs import InvalidSelection
from services.gateway.domain.stage1 import MAX_SELECTED_FOLDERS, select_folders
from shared.events.catalogue import DiscoveredFile, RepoCloned, RepoCloneRequested
from shared.selection import FolderSet, documents_in

COURSE = "c1"
FOLDERS = [f"empty/f{i:04}" for i in range(5000)]  # folders that hold no documentation
DOCUMENTS = {f"docs/d{i // 100}/page{i}.md" for i in range(20000)}


def scanned_state():
    request = RepoCloneRequested(course_id=COURSE, actor="alice",
                                 payload={"task_id": "t1", "repo_url": "https://example.com/r.git"})
    cloned = request.reacting(RepoCloned, "cloned", "repo_clone", task_id="t1", repo_url="u", repo_name="r",
                              commit_sha="abc", file_count=1, documentation_count=1, chunk_count=0,
                              snapshot_ref="repo-snapshots/k/abc")
    return fold(COURSE, [create_course(COURSE, "alice", "Title", ""), request, cloned])


def known_folders() -> set[str]:
    return {".", "empty", "docs", *FOLDERS, *(d.rsplit("/", 1)[0] for d in DOCUMENTS)}


def test_5000_folders_holding_none_of_20000_documents_is_refused_naming_the_reason():
    with pytest.raises(InvalidSelection, match="hold no documentation files"):
        select_folders(scanned_state(), "alice", False, FOLDERS, None, known_folders(), DOCUMENTS)


def test_5000_folders_where_only_the_last_holds_documents_is_accepted():
    folders = FOLDERS[:-1] + ["docs/d199"]
    event = select_folders(scanned_state(), "alice", False, folders, None, known_folders(), DOCUMENTS)
    assert event.payload.selected_folders == sorted(folders)


def test_more_folders_than_the_limit_is_refused_naming_the_limit():
    folders = [f"docs/d{i}" for i in range(MAX_SELECTED_FOLDERS + 1)]
    with pytest.raises(InvalidSelection, match=f"at most {MAX_SELECTED_FOLDERS}"):
        select_folders(scanned_state(), "alice", False, folders, None, known_folders(), DOCUMENTS)


def test_documents_in_20000_documents_across_5000_selected_folders():
    files = [DiscoveredFile(path=p, size=1, is_documentation=True) for p in DOCUMENTS]
    selected = FOLDERS + [f"docs/d{i}" for i in range(0, 200, 2)]  # every other folder of docs
    chosen = documents_in(files, selected, None)
    assert len(chosen) == 10000
    assert all(int(p.split("/")[1][1:]) % 2 == 0 for p in chosen)


@pytest.mark.parametrize("folders, path, inside", [
    (["docs"], "docs/a.md", True), (["docs"], "docs2/a.md", False), (["docs"], "docs", False),
    (["docs/"], "docs/deep/a.md", True), (["."], "README.md", True), (["a", "a/b/x"], "a/c.md", True),
    (["a/b/x", "b"], "a/c.md", False), (["a-b", "a"], "a/x.md", True), (["a", "a-b"], "a-b/x.md", True),
    (["a.b", "a/b"], "a/b/c.md", True), (["a/b", "a/b/c", "a/bc"], "a/bc/d.md", True), ([], "a.md", False),
])
def test_folder_set_holds_exactly_the_paths_under_a_selected_folder(folders, path, inside):
    assert FolderSet(folders).holds(path) is inside


SEGMENTS = st.sampled_from(["a", "b", "a-b", "a.b", "ab", "b0"])
PATHS = st.lists(SEGMENTS, min_size=1, max_size=4).map("/".join)


@given(st.lists(PATHS | st.just("."), max_size=6), PATHS)
def test_folder_set_agrees_with_the_definition_of_inside(folders, path):
    """Inside a folder: the root, or the path starts with the folder and a slash."""
    expected = any(folder == "." or path.startswith(folder + "/") for folder in folders)
    assert FolderSet(folders).holds(path) is expected
