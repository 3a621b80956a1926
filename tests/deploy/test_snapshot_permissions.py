"""The snapshot life cycle through the deployed NATS users (deploy/nats-accounts.conf, on a real
nats-server): repo_clone stores a private snapshot and its course marker, and the gateway's
janitor, as the gateway user, deletes it when its course is deleted."""
from __future__ import annotations

from services.repo_clone.scanner import ScannedFile
from services.repo_clone.snapshot import SnapshotStore
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.bus.snapshots import release_course, snapshot_key
from shared.events.catalogue import CourseCreated, CourseCreatedPayload, RepoCloned, RepoCloneRequested
from tests.deploy.deployment import password_variable
from tests.deploy.natsrun import secured_server

COURSE = "c-snapshot-perm"


def url_for(port: int, passwords: dict[str, str], user: str) -> str:
    return f"nats://{user}:{passwords[password_variable(user)]}@127.0.0.1:{port}"


async def test_the_gateway_user_deletes_a_deleted_courses_private_snapshot(tmp_path):
    with secured_server(tmp_path / "nats") as (port, passwords):
        gateway = await connect(url_for(port, passwords, "gateway"), "gateway")
        clone = await connect(url_for(port, passwords, "repo_clone"), "repo_clone")
        try:
            gateway_js, clone_js = gateway.jetstream(), clone.jetstream()
            await provision(gateway_js, StreamSpec(replicas=1))
            created = CourseCreated(course_id=COURSE, actor="alice",
                                    payload=CourseCreatedPayload(owner_id="alice", title="T"))
            appended = await EventStore(gateway_js).append(created, 0)
            request = RepoCloneRequested(course_id=COURSE, actor="alice", payload={
                "task_id": "t1", "repo_url": "https://example.com/r.git", "token_ref": "x"})
            await EventStore(gateway_js).append(request, appended.stream_seq)

            key = snapshot_key("https://example.com/r.git", "d" * 40, [], [], owner="alice")
            files = [ScannedFile(path="README.md", size=1, is_documentation=True, is_overview_candidate=True)]
            reference = await SnapshotStore(clone_js, "repo-snapshots").save(key, COURSE, b"archive", files, [])
            await EventStore(clone_js).publish(request.reacting(
                RepoCloned, "cloned", actor="repo_clone", task_id="t1", repo_url="https://example.com/r.git",
                repo_name="r", commit_sha="d" * 40, file_count=1, documentation_count=1, chunk_count=0,
                snapshot_ref=reference))

            assert await release_course(gateway_js, "COURSES", COURSE) == 1
            store = await clone_js.object_store("repo-snapshots")
            assert [e.name for e in await store.list() if not e.deleted] == []
        finally:
            await gateway.close()
            await clone.close()
