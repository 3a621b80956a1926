"""A fork through the deployed NATS users (deploy/nats-accounts.conf, on a real nats-server): the
gateway user may claim a private snapshot the fork inherits (an empty marker object) and append the
fork's CourseForked; the source's deletion then leaves the snapshot to the fork."""
from __future__ import annotations

from services.repo_clone.scanner import ScannedFile
from services.repo_clone.snapshot import SnapshotStore
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.bus.snapshots import claim, release_course, snapshot_key
from shared.events.catalogue import CourseCreated, CourseForked, RepoCloned, RepoCloneRequested
from tests.deploy.deployment import password_variable
from tests.deploy.natsrun import secured_server


def url_for(port: int, passwords: dict[str, str], user: str) -> str:
    return f"nats://{user}:{passwords[password_variable(user)]}@127.0.0.1:{port}"


async def test_the_gateway_user_claims_the_snapshot_a_fork_inherits(tmp_path):
    with secured_server(tmp_path / "nats") as (port, passwords):
        gateway = await connect(url_for(port, passwords, "gateway"), "gateway")
        clone = await connect(url_for(port, passwords, "repo_clone"), "repo_clone")
        try:
            gateway_js, clone_js = gateway.jetstream(), clone.jetstream()
            await provision(gateway_js, StreamSpec(replicas=1))
            store = EventStore(gateway_js)
            await store.append(CourseCreated(course_id="source", actor="alice", payload={
                "owner_id": "alice", "title": "T"}), 0)
            request = RepoCloneRequested(course_id="source", actor="alice", payload={
                "task_id": "t1", "repo_url": "https://example.com/r.git", "token_ref": "x"})
            await store.publish(request)
            key = snapshot_key("https://example.com/r.git", "e" * 40, [], [], owner="alice")
            files = [ScannedFile(path="README.md", size=1, is_documentation=True, is_overview_candidate=True)]
            reference = await SnapshotStore(clone_js, "repo-snapshots").save(key, "source", b"archive", files, [])
            cloned = await EventStore(clone_js).publish(request.reacting(
                RepoCloned, "cloned", actor="repo_clone", task_id="t1", repo_url="https://example.com/r.git",
                repo_name="r", commit_sha="e" * 40, file_count=1, documentation_count=1, chunk_count=0,
                snapshot_ref=reference))

            await claim(gateway_js, reference, "fork")
            await store.append(CourseForked(course_id="fork", actor="alice", payload={
                "source_course_id": "source", "up_to_seq": cloned.stream_seq, "from_stage": "stage1",
                "owner_id": "alice", "title": "F"}), 0)

            assert await release_course(gateway_js, "COURSES", "source") == 0
            assert await release_course(gateway_js, "COURSES", "fork") == 1
            snapshots = await clone_js.object_store("repo-snapshots")
            assert [e.name for e in await snapshots.list() if not e.deleted] == []
        finally:
            await gateway.close()
            await clone.close()
