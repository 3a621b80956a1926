"""deploy/'s NATS configuration for real: `nats-server -t` accepts it, a server started from the
deployed accounts file lets each service's user publish its own events and nothing else, the
gateway its commands, the real JetStream work of each service goes through, the whole pipeline
runs with every service as its own user, and deploy/nats.conf's three nodes form a cluster that
holds the stream at R3 with sync_interval: always."""
from __future__ import annotations

import asyncio
import os

import httpx
import nats
import pytest
from nats.errors import Error as NatsError
from nats.js.api import DiscardPolicy

from shared.bus.artefacts import ArtefactStore
from shared.bus.connection import connect
from shared.bus.deadletters import STREAM as DEADLETTERS, DeadLetters
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, await_provisioned, provision
from shared.bus.secret_store import SecretStore
from shared.sealing import DEVELOPMENT_PRIVATE_KEY, DEVELOPMENT_PUBLIC_KEY, Opener, Sealer
from shared.events import subject_of_type
from ops.contracts import events_published_by
from shared.events.publishers import NATS_USERS as PUBLISHING_USERS
from shared.events.catalogue import (
    CATALOGUE, CourseCreated, CourseCreatedPayload, RepoCloned, RepoCloneRequested, RepoCloneRequestedPayload,
    StageStarted,
)
from shared.settings import ServiceSettings
from tests.support.gateway import JWT_SECRET, running_gateway
from tests.deploy.deployment import DEPLOY, K8S, NATS_USERS, nats_passwords, password_variable
from tests.deploy.natsrun import config_test, deployed_cluster, secured_server, wait_routed
from tests.support.pipeline import HOSTILE, check_export, through_stage3
from tests.support.flows import ALICE, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import Process
from tests.support.waiting import eventually, patient

from services.gateway.settings import GatewaySettings

# What each user may append, as the catalogue declares it (PUBLISHED_BY): the requirement this file
# holds the real server, started from the deployed nats-accounts.conf, to.
MAY_PUBLISH = {user: {cls.type_name() for cls in events_published_by(user)} for user in NATS_USERS}
STAGE_USERS = ("repo_clone", "doc_analyser", "pathway", "modules")
# The durable consumers on COURSES: each stage service's (named after it) and the gateway's janitor.
DURABLES = {**{user: user for user in STAGE_USERS}, "gateway": "gateway-janitor"}
# The buckets (streams) each stage service reads or writes; the gateway may use every one.
BUCKETS = {"repo_clone": {"OBJ_repo-snapshots", "KV_course-secrets"},
           "doc_analyser": {"OBJ_repo-snapshots", "KV_analysis-cache"},
           "pathway": set(),
           "modules": {"OBJ_repo-snapshots", "OBJ_course-artefacts"}}
ALL_BUCKETS = {"OBJ_repo-snapshots", "OBJ_course-artefacts", "KV_course-secrets", "KV_analysis-cache"}


@pytest.fixture
def secured(tmp_path):
    with secured_server(tmp_path / "nats") as (port, passwords):
        yield port, passwords


def url_for(port: int, passwords: dict[str, str], user: str) -> str:
    return f"nats://{user}:{passwords[password_variable(user)]}@127.0.0.1:{port}"


async def connect_as(port, passwords, user):
    errors: list[str] = []

    async def on_error(exc: Exception) -> None:
        errors.append(str(exc))
    nc = await nats.connect(url_for(port, passwords, user), error_cb=on_error, allow_reconnect=False,
                            connect_timeout=5)
    return nc, errors


SENTINEL = "sentinel.never-allowed"


async def refused(nc, errors: list[str], subject: str, subscribe: bool = False) -> bool:
    """Publish (or subscribe) on core NATS, then publish a subject nobody may publish: the server
    reports refusals in order, so once the sentinel's refusal is in, `subject`'s would be too."""
    errors.clear()
    if subscribe:
        sub = await nc.subscribe(subject)
    else:
        await nc.publish(subject, b"{}")
    await nc.publish(SENTINEL, b"")
    await eventually(lambda: any(f'"{SENTINEL}"' in e for e in errors), timeout=5,
                     message="the refusal of the sentinel publish")
    assert nc.is_connected, "a refused publish must not cost the connection"
    if subscribe:
        await sub.unsubscribe()
    # nats-py lower-cases the server's error text
    what = "subscription to" if subscribe else "publish to"
    return any(f"permissions violation for {what}" in e and f'"{subject.lower()}"' in e for e in errors)


# --- the configuration files --------------------------------------------------------------------
@pytest.mark.parametrize("config", [DEPLOY / "nats.conf", K8S / "nats" / "nats.conf"], ids=["compose", "k8s"])
def test_nats_server_accepts_the_configuration(config):
    env = {**os.environ, **nats_passwords(), "NATS_NAME": "nats-1"}
    checked = config_test(config, env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    text = config.read_text()
    jetstream = text[text.index("jetstream {"):text.index("}", text.index("jetstream {"))]
    assert "sync_interval: always" in jetstream


def test_nats_server_refuses_to_start_without_a_password():
    env = {**os.environ, **nats_passwords(), "NATS_NAME": "nats-1"}
    del env[password_variable("modules")]
    checked = config_test(DEPLOY / "nats.conf", env)
    assert checked.returncode != 0 and password_variable("modules") in checked.stdout + checked.stderr


# --- one secured server -------------------------------------------------------------------------
def test_every_event_has_exactly_the_publishers_meant():
    assert set(NATS_USERS) == set(PUBLISHING_USERS), "the deployed users are the catalogue's publishers"
    names = {c.type_name() for c in CATALOGUE}
    assert set().union(*MAY_PUBLISH.values()) == names, "every event type has a publisher"
    for cls in CATALOGUE:
        if getattr(cls, "COMMAND", False):
            assert [u for u, allowed in MAY_PUBLISH.items() if cls.type_name() in allowed] == ["gateway"]


async def test_no_anonymous_or_wrong_password_connections(secured):
    port, passwords = secured
    for url in (f"nats://127.0.0.1:{port}", f"nats://gateway:wrong@127.0.0.1:{port}"):
        with pytest.raises(NatsError, match="Authorization Violation"):
            await nats.connect(url, allow_reconnect=False, max_reconnect_attempts=0, connect_timeout=5)


@pytest.mark.parametrize("user", NATS_USERS)
async def test_each_user_publishes_its_own_events_and_nothing_else(secured, user):
    port, passwords = secured
    nc, errors = await connect_as(port, passwords, user)
    try:
        for cls in CATALOGUE:
            subject = subject_of_type(cls).replace("*", "c-perm")
            allowed = cls.type_name() in MAY_PUBLISH[user]
            assert await refused(nc, errors, subject) is not allowed, f"{user} publishing {subject}"
        for owner in STAGE_USERS:
            denied = await refused(nc, errors, f"deadletter.{owner}")
            assert denied is (owner != user), f"{user} dead-lettering as {owner}"
        for other in ("$KV.course-secrets.x", "$O.course-artefacts.C.x", "$O.repo-snapshots.C.x",
                      "$KV.analysis-cache.x", "anything.else"):
            writes = {"gateway": ("$KV.course-secrets", "$O.course-artefacts"), "repo_clone": ("$O.repo-snapshots",),
                      "doc_analyser": ("$KV.analysis-cache",), "modules": ("$O.course-artefacts",)}.get(user, ())
            assert await refused(nc, errors, other) is not other.startswith(writes), f"{user} writing {other}"
        errors.clear()
        await nc.subscribe("course.>")
        await nc.publish(SENTINEL, b"")
        await eventually(lambda: any(f'"{SENTINEL}"' in e for e in errors), timeout=5, message="the sentinel")
        subscribe_refused = any("permissions violation for subscription" in e for e in errors)
        assert subscribe_refused is (user != "gateway"), f"{user} subscribing to course.>"
    finally:
        await nc.close()


def forbidden_jetstream_calls(user: str) -> list[str]:
    """The JetStream API subjects `user` must be refused: anything that changes or empties a stream
    (only the gateway, the provisioning identity, creates and updates), another service's durable
    consumer, and the buckets it does not use."""
    calls = ["$JS.API.STREAM.DELETE.COURSES", "$JS.API.STREAM.PURGE.COURSES", "$JS.API.STREAM.MSG.DELETE.COURSES",
             "$JS.API.STREAM.DELETE.DEADLETTERS", "$JS.API.STREAM.DELETE.KV_course-secrets"]
    for durable in DURABLES.values():
        if durable != DURABLES[user]:
            calls += [f"$JS.API.CONSUMER.DELETE.COURSES.{durable}", f"$JS.API.CONSUMER.MSG.NEXT.COURSES.{durable}",
                      f"$JS.API.CONSUMER.CREATE.COURSES.{durable}.course.*.CourseCreated",
                      f"$JS.API.CONSUMER.DURABLE.CREATE.COURSES.{durable}"]
    if user == "gateway":
        return calls
    calls += ["$JS.API.STREAM.UPDATE.COURSES", "$JS.API.STREAM.CREATE.ANY", "$JS.API.STREAM.UPDATE.DEADLETTERS",
              "$JS.API.STREAM.PURGE.DEADLETTERS", "$JS.API.STREAM.MSG.DELETE.DEADLETTERS", "$JS.API.STREAM.LIST",
              f"$JS.API.CONSUMER.DELETE.COURSES.{user}", f"$JS.API.CONSUMER.PAUSE.COURSES.{user}",
              f"$JS.ACK.COURSES.{'pathway' if user != 'pathway' else 'modules'}.1.2.3.4.5"]
    for bucket in ALL_BUCKETS:  # not even its own bucket: a stream may capture any subject
        calls += [f"$JS.API.STREAM.CREATE.{bucket}", f"$JS.API.STREAM.UPDATE.{bucket}"]
    for bucket in ALL_BUCKETS - BUCKETS[user]:
        calls += [f"$JS.API.STREAM.INFO.{bucket}", f"$JS.API.STREAM.MSG.GET.{bucket}",
                  f"$JS.API.DIRECT.GET.{bucket}.x", f"$JS.API.CONSUMER.CREATE.{bucket}"]
    return calls


def allowed_jetstream_calls(user: str) -> list[str]:
    """A sample of what `user` needs (the tests below run the real work), so the refusals above
    are refusals of these calls, not of everything."""
    calls = ["$JS.API.STREAM.NAMES", "$JS.API.STREAM.INFO.COURSES", f"$JS.API.CONSUMER.INFO.COURSES.{DURABLES[user]}",
             f"$JS.API.CONSUMER.MSG.NEXT.COURSES.{DURABLES[user]}", "$JS.API.CONSUMER.CREATE.COURSES.reader.course.c1.>",
             "$JS.API.CONSUMER.DELETE.COURSES.reader"]
    if user == "gateway":
        return calls + ["$JS.API.STREAM.UPDATE.COURSES", "$JS.API.STREAM.CREATE.ANY"]
    return calls + [f"$JS.API.STREAM.MSG.GET.{bucket}" for bucket in BUCKETS[user]]


@pytest.mark.parametrize("user", NATS_USERS)
async def test_each_user_is_refused_the_jetstream_calls_outside_its_work(secured, user):
    port, passwords = secured
    nc, errors = await connect_as(port, passwords, user)
    try:
        for subject in forbidden_jetstream_calls(user):
            assert await refused(nc, errors, subject), f"{user} may call {subject}"
        for subject in allowed_jetstream_calls(user):
            assert not await refused(nc, errors, subject), f"{user} may not call {subject}"
        # Replies come to each user's own inbox; nobody listens to another's (or to all of them).
        for other in NATS_USERS:
            assert await refused(nc, errors, f"_INBOX_{other}.>", subscribe=True) is (other != user)
        assert await refused(nc, errors, "_INBOX.>", subscribe=True)
    finally:
        await nc.close()


async def test_a_stage_user_can_neither_shrink_the_log_nor_read_a_token(secured, caplog):
    """The attack itself, through the real client: doc_analyser (it parses untrusted text) tries to
    update COURSES to keep one message, to read course-secrets, and to provision; the log, its
    settings and the token are untouched, and its start-up waits for the gateway instead."""
    port, passwords = secured
    spec = StreamSpec(replicas=1)
    gateway = await connect(url_for(port, passwords, "gateway"), "gateway")
    analyser = await connect(url_for(port, passwords, "doc_analyser"), "doc_analyser")
    try:
        gateway_js, analyser_js = gateway.jetstream(), analyser.jetstream(timeout=1)
        waiting = asyncio.create_task(await_provisioned(analyser_js, spec, retry_seconds=0.1))
        await eventually(lambda: "waiting for the gateway" in caplog.text, timeout=10,
                         message="doc_analyser refused provisioning, waiting for the gateway")
        assert not waiting.done()
        await provision(gateway_js, spec)
        await asyncio.wait_for(waiting, patient(15))  # it sees the gateway's streams and starts
        for n in range(3):
            created = CourseCreated(course_id=f"c-attack{n}", actor="alice",
                                    payload=CourseCreatedPayload(owner_id="alice", title="T"))
            await EventStore(gateway_js).publish(created)
        await (await gateway_js.key_value(spec.secret_bucket)).put("c-attack0.k", b"sealed token")
        shrunk = spec.config()
        shrunk.max_msgs, shrunk.discard = 1, DiscardPolicy.OLD
        with pytest.raises(asyncio.TimeoutError):  # refused: no answer comes
            await analyser_js.update_stream(shrunk)
        with pytest.raises(asyncio.TimeoutError):
            await analyser_js.key_value(spec.secret_bucket)
        with pytest.raises(asyncio.TimeoutError):
            await analyser_js.get_msg(f"KV_{spec.secret_bucket}", subject=f"$KV.{spec.secret_bucket}.c-attack0.k",
                                      direct=True)
        with pytest.raises(asyncio.TimeoutError):
            await analyser_js.delete_stream(spec.name)
        info = await gateway_js.stream_info(spec.name)
        assert info.state.messages == 3 and info.config.max_msgs in (None, -1)
        assert (await (await gateway_js.key_value(spec.secret_bucket)).get("c-attack0.k")).value == b"sealed token"
    finally:
        await analyser.close()
        await gateway.close()


async def test_the_real_jetstream_work_of_each_user_goes_through(secured):
    """What the services do with NATS, through their own users: the gateway provisions the
    streams and buckets at start and a stage service sees them there, the gateway appends commands
    with optimistic concurrency and keeps a token,
    repo_clone consumes its request on its durable consumer, appends its events, writes its
    snapshot bucket, reads the token and dead-letters; the gateway deletes artefacts."""
    port, passwords = secured
    spec = StreamSpec(replicas=1)
    clone = await connect(url_for(port, passwords, "repo_clone"), "repo_clone")
    gateway = await connect(url_for(port, passwords, "gateway"), "gateway")
    try:
        clone_js, gateway_js = clone.jetstream(), gateway.jetstream()
        await provision(gateway_js, spec)  # what the gateway does at start
        await provision(gateway_js, spec)  # again: idempotent, an update
        await await_provisioned(clone_js, spec)  # what a stage service does at start: nothing to do
        consumer = await clone_js.pull_subscribe(subject_of_type(RepoCloneRequested), durable="repo_clone",
                                                 stream=spec.name)
        course = "c-real-work"
        created = CourseCreated(course_id=course, actor="alice", payload=CourseCreatedPayload(owner_id="alice", title="T"))
        appended = await EventStore(gateway_js).append(created, 0)
        token = await SecretStore(gateway_js, sealer=Sealer(DEVELOPMENT_PUBLIC_KEY)).keep(course, "ghp_secret")
        request = RepoCloneRequested(course_id=course, actor="alice", payload=RepoCloneRequestedPayload(
            task_id="t1", repo_url="https://example.com/r.git", token_ref=token))
        await EventStore(gateway_js).append(request, appended.stream_seq)

        [message] = await consumer.fetch(1, timeout=5)
        assert message.subject == f"course.{course}.RepoCloneRequested"
        await message.in_progress()
        assert await SecretStore(clone_js, opener=Opener([DEVELOPMENT_PRIVATE_KEY])).take(token) == "ghp_secret"
        store = EventStore(clone_js)
        await store.publish(request.reacting(StageStarted, "started", actor="repo_clone", stage="stage1", task_id="t1"))
        snapshots = await clone_js.object_store("repo-snapshots")
        await snapshots.put("abc/documents.tar.gz", b"archive")
        await store.publish(request.reacting(RepoCloned, "cloned", actor="repo_clone", task_id="t1",
                                             repo_url="https://example.com/r.git", repo_name="r", commit_sha="abc",
                                             file_count=1, documentation_count=1, chunk_count=0,
                                             snapshot_ref="repo-snapshots/abc"))
        await message.ack()
        await DeadLetters(clone_js).record("repo_clone", message.subject, 2, message.data, "poison")
        history = await EventStore(gateway_js).load(course)
        assert [e.event_type for e in history.events] == ["CourseCreated", "RepoCloneRequested", "StageStarted",
                                                          "RepoCloned"]
        assert [letter.service for letter in await DeadLetters(gateway_js).list()] == ["repo_clone"]
        assert (await snapshots.get("abc/documents.tar.gz")).data == b"archive"

        artefacts = ArtefactStore(gateway_js, spec.artefact_bucket)
        modules_nc = await connect(url_for(port, passwords, "modules"), "modules")
        try:
            await ArtefactStore(modules_nc.jetstream(), spec.artefact_bucket).put(course, "export.zip", b"zip")
        finally:
            await modules_nc.close()
        assert await artefacts.names(course) == [f"{course}/export.zip"]
        assert await artefacts.purge(course) == 1 and await artefacts.names(course) == []
        await SecretStore(gateway_js).purge_course(course)
        assert (await gateway_js.stream_info(DEADLETTERS)).state.messages == 1
    finally:
        await clone.close()
        await gateway.close()


# --- the whole system through the deployed permissions -----------------------------------------
async def test_the_pipeline_runs_with_every_service_as_its_own_user(secured, database_url, tmp_path, caplog):
    port, passwords = secured
    repo = tmp_path / "skyline"
    make_repo(repo, {**COURSE_REPO, "docs/guides/hostile.md": HOSTILE})
    services = [Process(["-m", f"services.{name}.main"],
                        {"NATS_URL": url_for(port, passwords, name), "ALLOW_LOCAL_REPOS": "true"})
                for name in STAGE_USERS]
    settings = GatewaySettings(environment="test", nats_url=url_for(port, passwords, "gateway"),
                               database_url=database_url, jwt_secret=JWT_SECRET, allow_local_repos=True)
    try:
        async with running_gateway(settings) as api:
            course_id, listing = await through_stage3(api, str(repo))
            chosen = listing["pathways"][0]
            selected = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                      json={"selected_pathway_id": chosen["id"]})
            assert selected.status_code == 200, selected.text
            await start(api, course_id, "generate-course", {})
            assert (await wait_for_stage(api, course_id, "stage4", timeout=90))["status"] == "SUCCESS"
            download = await api.get(f"/api/courses/{course_id}/export", headers=ALICE)
            assert download.status_code == 200
            check_export(download.content, len(chosen["modules"]))
            deleted = await api.delete(f"/api/projects/{course_id}", headers=ALICE)
            assert deleted.status_code in (200, 202), deleted.text
    finally:
        for service in services:
            service.interrupt()
    for service in services:
        while not service.lines.empty():
            service.output.append(service.lines.get())
        violations = [l for l in service.output if "permissions violation" in l.lower()]
        assert not violations, violations
    assert not [r for r in caplog.records if "permissions violation" in r.getMessage().lower()]


# --- deploy/nats.conf as a cluster ---------------------------------------------------------------
async def test_the_deployed_cluster_holds_the_stream_at_r3_on_disk(tmp_path):
    with deployed_cluster(tmp_path) as (nodes, passwords):
        await wait_routed(nodes)
        clients = [n.client_port for n in nodes]
        nc = await connect(url_for(clients[0], passwords, "gateway"), "gateway")
        try:
            js = nc.jetstream()
            spec = ServiceSettings(nats_url=url_for(clients[0], passwords, "gateway"), stream_replicas=3).stream_spec()

            async def provisioned():
                try:
                    await provision(js, spec)  # retried while the meta leader is being elected
                    return True
                except Exception:
                    return False
            await eventually(provisioned, timeout=30, message="provisioning at R3")
            info = await js.stream_info(spec.name)
            assert info.config.num_replicas == 3
            assert info.cluster.leader and len(info.cluster.replicas) == 2
            created = CourseCreated(course_id="c-cluster", actor="alice", payload=CourseCreatedPayload(owner_id="alice", title="T"))
            assert (await EventStore(js).append(created, 0)).stream_seq == 1
        finally:
            await nc.close()
        async with httpx.AsyncClient() as http:
            for monitor in (n.monitor_port for n in nodes):
                varz = (await http.get(f"http://127.0.0.1:{monitor}/varz")).json()
                assert varz["server_name"] in {"nats-1", "nats-2", "nats-3"}
                assert varz["jetstream"]["config"].get("sync_always") is True, varz["jetstream"]["config"]
