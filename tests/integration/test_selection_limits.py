"""A folder selection is bounded (issue 15): the most folders one request may name is accepted on
a real tree, one more is a 422 naming the limit, and nothing is appended for it (real gateway,
nats-server, PostgreSQL)."""
from __future__ import annotations

from services.gateway.domain.stage1 import MAX_SELECTED_FOLDERS
from shared.bus.eventstore import EventStore
from shared.events.catalogue import RepoCloned, RepoCloneRequested, RepoFilesDiscovered
from tests.support.flows import ALICE, new_course

REPO = "https://93.184.216.34/owner/repo.git"  # a public IP literal: accepted without DNS
FOLDERS = [f"area/f{i:04}" for i in range(MAX_SELECTED_FOLDERS)]
CHUNK = 1000  # files per RepoFilesDiscovered, well under the event size limit


async def seed_tree(c, course_id: str) -> None:
    """Stage 1 succeeded on a tree of MAX_SELECTED_FOLDERS folders, each holding one source file;
    only the last one also holds a document."""
    store, task = EventStore(c.js), "seedtask"
    files = [{"path": f"{folder}/main.py", "size": 1, "is_documentation": False} for folder in FOLDERS]
    files.append({"path": f"{FOLDERS[-1]}/guide.md", "size": 1, "is_documentation": True})
    chunks = [files[at:at + CHUNK] for at in range(0, len(files), CHUNK)]
    await store.publish(RepoCloneRequested(course_id=course_id, actor="alice",
                                           payload={"task_id": task, "repo_url": REPO}))
    for index, chunk in enumerate(chunks):
        await store.publish(RepoFilesDiscovered(course_id=course_id, actor="repo_clone", payload={
            "task_id": task, "chunk_index": index, "chunk_count": len(chunks), "files": chunk}))
    seq = (await store.publish(RepoCloned(course_id=course_id, actor="repo_clone", payload={
        "task_id": task, "repo_url": REPO, "repo_name": "repo", "commit_sha": "0" * 40,
        "file_count": len(files), "documentation_count": 1, "chunk_count": len(chunks),
        "snapshot_ref": "snap"}))).stream_seq
    assert await c.projector.wait_for(seq, 30)


async def test_the_most_folders_allowed_are_accepted_and_one_more_is_422_naming_the_limit(gateway):
    course_id = await new_course(gateway)
    await seed_tree(gateway.app.state.container, course_id)
    url = f"/api/courses/{course_id}/stage1-selections"

    too_many = await gateway.post(url, headers=ALICE, json={"selected_folders": FOLDERS + ["area"]})
    assert too_many.status_code == 422, too_many.text
    assert f"at most {MAX_SELECTED_FOLDERS}" in str(too_many.json()["detail"])
    assert "selected_folders" in str(too_many.json()["detail"])
    assert (await gateway.get(f"/api/courses/{course_id}/repository-files", headers=ALICE)).json()["selection"] is None

    accepted = await gateway.post(url, headers=ALICE, json={"selected_folders": FOLDERS})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["selection"]["selected_folders"] == FOLDERS


async def test_folders_that_hold_no_document_among_many_are_422_saying_so(gateway):
    course_id = await new_course(gateway)
    await seed_tree(gateway.app.state.container, course_id)
    response = await gateway.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                                  json={"selected_folders": FOLDERS[:-1]})
    assert response.status_code == 422
    assert "hold no documentation files" in response.json()["detail"]
