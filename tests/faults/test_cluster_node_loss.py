"""A 3-node NATS cluster (the stream at R3, as deployed) loses nodes while courses run through all
four stages, with the gateway and the four stage services as real processes connected to all three
nodes: the stream's leader is killed (-9), then another node, each restarted; or the node the
gateway is connected to goes silent, as behind a network partition (SIGSTOP past the election
timeout), and comes back. Every course completes, every publish the cluster acknowledged is in the
log exactly once (a ledger of acknowledged publishes; no event id twice), and the read tables equal
a replay of the log.

Exactly once holds within the stream's duplicate window: a node silent for longer stores, when it
wakes, the copies a client had sent it before moving to another node, and the window no longer
drops them (the folds skip such a repeat: test_duplicates.py). Under load one fault here can last
longer than the deployed 120 s, so the stream's window is longer than any fault this test makes,
and each silence is checked against it."""
from __future__ import annotations

import asyncio
import logging
import uuid

import pytest

from services.gateway.projection.replay import replay
from services.gateway.settings import GatewaySettings
from shared.bus.connection import connect
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events.catalogue import CourseCreated, CourseUpdated
from tests.support.gateway import JWT_SECRET, running_gateway
from tests.support.flows import ALICE, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.ledger import Ledger, stored_log
from tests.support.nats_cluster import LocalCluster, Node, healthy_leader, stream_placement
from tests.support.processes import STAGE_SERVICES, stage_services
from tests.support.read_tables import digest, read_tables
from tests.support.waiting import eventually

STREAM = "COURSES"
STAGE_TIMEOUT = 120  # a stage may wait out an election and a redelivery
DUPLICATE_WINDOW_SECONDS = 900.0


async def complete_course(api, repo: str) -> str:
    """One course from a repository to a generated course, as a client drives it."""
    created = await choose(api, "/api/projects/", {"title": "Skyline course"})
    # 202: in the log, the read tables behind by more than the wait (a projector moving nodes);
    # a client then waits for the course to show before acting on it, as the API says.
    assert created.status_code in (201, 202), created.text
    course_id = created.json()["course_id"]
    if created.status_code == 202:
        await eventually(lambda: visible(api, course_id), timeout=STAGE_TIMEOUT, message="the new course showing")
    await begin(api, course_id, "analyze-repository", {"repo_url": repo})
    assert (await wait_for_stage(api, course_id, "stage1", STAGE_TIMEOUT))["status"] == "SUCCESS"
    selected = await choose(api, f"/api/courses/{course_id}/stage1-selections",
                            {"selected_folders": ["docs"], "overview_document": "README.md"})
    assert selected.status_code == 200, selected.text
    await begin(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
    assert (await wait_for_stage(api, course_id, "stage2", STAGE_TIMEOUT))["status"] == "SUCCESS"
    await begin(api, course_id, "generate-pathways", {})
    assert (await wait_for_stage(api, course_id, "stage3", STAGE_TIMEOUT))["status"] == "SUCCESS"
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    chosen = await choose(api, f"/api/courses/{course_id}/stage3-selections",
                          {"selected_pathway_id": pathways[0]["id"]})
    assert chosen.status_code == 200, chosen.text
    await begin(api, course_id, "generate-course", {})
    assert (await wait_for_stage(api, course_id, "stage4", STAGE_TIMEOUT))["status"] == "SUCCESS"
    return course_id


async def choose(api, path: str, body: dict):
    """A selection, sent again while the API answers 503 ("the event log is unavailable; retry
    shortly"), as a client following the API does: the gateway waits out an election for
    PUBLISH_PATIENCE_SECONDS, and a second node lost soon after the first can take longer. Safe to
    repeat: a selection stored although its answer was lost is made again with the same choice, and
    a course created although its answer was lost is left unused."""
    return (await answered_post(api, path, body))[0]


async def begin(api, course_id: str, action: str, body: dict) -> None:
    """A stage started, sent again while the API answers 503 (as `choose`); after a 503, "already
    running" means the start that went unanswered was stored, and the stage runs."""
    response, unanswered = await answered_post(api, f"/api/courses/{course_id}/{action}", body)
    if unanswered and response.status_code == 409 and "already running" in response.text:
        return
    assert response.status_code == 202, response.text


async def answered_post(api, path: str, body: dict):
    """(the first answer other than 503, whether a 503 came before it)."""
    unanswered = False

    async def answer():
        nonlocal unanswered
        response = await api.post(path, headers=ALICE, json=body)
        unanswered |= response.status_code == 503
        return None if response.status_code == 503 else response
    response = await eventually(answer, timeout=STAGE_TIMEOUT, message=f"POST {path} answered other than 503")
    return response, unanswered


async def visible(api, course_id: str) -> bool:
    return (await api.get(f"/api/projects/{course_id}", headers=ALICE)).status_code == 200


async def courses_until(stop: asyncio.Event, api, repo: str) -> list[str]:
    """Courses one after another until told to stop; the one under way is finished."""
    done = []
    while not stop.is_set():
        done.append(await complete_course(api, repo))
    return done


async def progressed(ledger: Ledger, by: int, message: str) -> None:
    """The cluster keeps acknowledging writes: `by` more publishes from now."""
    mark = len(ledger.acknowledged)
    await eventually(lambda: len(ledger.acknowledged) >= mark + by, timeout=60, message=message)


async def caught_up(cluster: LocalCluster) -> str:
    """Every replica online and current again; the stream's leader."""
    return await eventually(lambda: healthy_leader(cluster.url, STREAM, 3), timeout=60,
                            message="all three replicas current")


async def kill_the_leader_then_another_node(cluster: LocalCluster, ledger: Ledger, api) -> None:
    first = cluster.node(await caught_up(cluster))
    cluster.kill(first)
    await progressed(ledger, 40, f"writes with {first.name}, the leader, killed")
    cluster.start(first)
    leader = await caught_up(cluster)
    # Another node: the new leader if the election moved it, else a follower.
    second = cluster.node(leader) if leader != first.name else next(n for n in cluster.nodes if n is not first)
    cluster.kill(second)
    await progressed(ledger, 40, f"writes with {second.name} killed")
    cluster.start(second)
    await caught_up(cluster)


async def cut_off(cluster: LocalCluster, ledger: Ledger, api, cut: Node) -> None:
    """`cut` goes silent (its TCP connections stay open, as behind a partition) past the election
    timeout: the others serve without it, a whole course goes through, then it comes back."""
    cluster.pause(cut)
    silent_since = asyncio.get_running_loop().time()
    others = ",".join(n.url for n in cluster.nodes if n is not cut)

    async def served_elsewhere() -> bool:
        leader, replicas = await stream_placement(others, STREAM)
        return leader not in (None, cut.name) and replicas.get(cut.name) is False
    await eventually(served_elsewhere, timeout=60, message=f"the stream served without {cut.name}, which is silent")
    await progressed(ledger, 40, f"writes with {cut.name} cut off")
    await complete_course(api, api.repo)
    cluster.resume(cut)
    silence = asyncio.get_running_loop().time() - silent_since
    assert silence < DUPLICATE_WINDOW_SECONDS, f"{cut.name} was silent for {silence:.0f} s, past the duplicate window"
    await caught_up(cluster)


async def cut_off_the_gateways_node(cluster: LocalCluster, ledger: Ledger, api) -> None:
    """The gateway has to notice by itself that its node went silent and move to another."""
    await caught_up(cluster)
    port = api.app.state.container.nc.connected_url.port
    await cut_off(cluster, ledger, api, next(n for n in cluster.nodes if n.client_port == port))
    assert api.app.state.container.nc.connected_url.port != port, "the gateway stayed on the silent node"


async def cut_off_the_streams_leader(cluster: LocalCluster, ledger: Ledger, api) -> None:
    """The stream's leader goes silent without stepping down: the other two elect a new one."""
    await cut_off(cluster, ledger, api, cluster.node(await caught_up(cluster)))


@pytest.mark.parametrize("faults", [kill_the_leader_then_another_node, cut_off_the_gateways_node,
                                    cut_off_the_streams_leader],
                         ids=["kill-leader-then-another", "partition-gateways-node", "partition-stream-leader"])
async def test_courses_complete_and_no_event_is_lost_or_doubled_when_a_node_goes(database_url, tmp_path, faults):
    repo = str(tmp_path / "skyline")
    make_repo(tmp_path / "skyline", COURSE_REPO)
    cluster = LocalCluster(tmp_path / "cluster").start_all()
    try:
        await caught_up_once_provisioned(cluster)
        settings = GatewaySettings(environment="test", nats_url=cluster.url, database_url=database_url,
                                   jwt_secret=JWT_SECRET, allow_local_repos=True, stream_replicas=3,
                                   duplicate_window_seconds=DUPLICATE_WINDOW_SECONDS, projection_wait_seconds=5.0)
        # A redelivery after a lost ack comes in seconds, not the default minute.
        env = {"STREAM_REPLICAS": "3", "CONSUMER_ACK_WAIT_SECONDS": "10",
               "DUPLICATE_WINDOW_SECONDS": str(DUPLICATE_WINDOW_SECONDS)}
        async with running_gateway(settings) as api:
            api.repo = repo
            with stage_services(cluster.url, env=env) as services:
                ledger, stop = Ledger(cluster.url), asyncio.Event()
                publishing = asyncio.create_task(ledger.run())
                runners = [asyncio.create_task(courses_until(stop, api, repo)) for _ in range(2)]
                try:
                    await eventually(lambda: consumers_exist(api), timeout=60, message="the stage services started")
                    await progressed(ledger, 20, "the ledger publishing")
                    await faults(cluster, ledger, api)
                except BaseException:
                    show_output(services)
                    raise
                finally:
                    stop.set()
                    completed = await asyncio.gather(*runners, return_exceptions=True)
                    ledger.stop.set()
                    await publishing
                for result in completed:
                    if isinstance(result, BaseException):
                        show_output(services)
                        raise result
                assert sum(len(r) for r in completed) >= 2

            log = await stored_log(cluster.url)
            missing = set(ledger.acknowledged) - set(log.message_ids)
            assert not missing, f"{len(missing)} acknowledged publishes are not in the log"
            assert not log.repeated(), f"events stored twice: {log.repeated()}"

            c = api.app.state.container
            last = (await c.js.stream_info(STREAM)).state.last_seq
            assert await c.projector.wait_for(last, 60), "the projection never reached the end of the log"
            live = await read_tables(c.pool, c.settings.read_schema)
            async with c.pool.acquire() as conn:
                await conn.execute(f"DROP SCHEMA {c.settings.read_schema} CASCADE")
            await replay(c.js, c.pool, c.settings.read_schema, STREAM)
            replayed = await read_tables(c.pool, c.settings.read_schema)
            differing = {name for name in live if digest({name: live[name]}) != digest({name: replayed.get(name)})}
            # Named table by table, with their rows, so a divergence says where it is.
            assert not differing, {name: {"live": live[name], "replay": replayed.get(name)} for name in differing}
    finally:
        cluster.stop_all()


async def test_a_history_read_neither_waits_for_a_silent_node_nor_misses_an_acknowledged_write(tmp_path, caplog):
    """A course's history is read whole and current while a follower is silent: no attempt lands
    on the silent node (none is tried again), and each read has the write acknowledged just
    before it (the next append's expected sequence holds)."""
    cluster = LocalCluster(tmp_path / "cluster").start_all()
    try:
        await caught_up_once_provisioned(cluster)
        leader = await caught_up(cluster)
        nc = await connect(cluster.url, "history-reader")
        try:
            store, course_id = EventStore(nc.jetstream()), uuid.uuid4().hex
            silent = next(n for n in cluster.nodes if n.name != leader and n.client_port != nc.connected_url.port)
            cluster.pause(silent)
            caplog.set_level(logging.WARNING, "shared.bus.eventstore")
            await store.append(CourseCreated(course_id=course_id, actor="t", payload={"owner_id": "o", "title": "t"}), 0)
            for revision in range(2, 22):
                history = await store.load(course_id)
                assert len(history.events) == revision - 1, f"revision {revision}: a stale history"
                await store.append(CourseUpdated(course_id=course_id, actor="t", payload={"revision": revision}),
                                   history.last_seq)
            retried = [r.getMessage() for r in caplog.records if "trying again" in r.getMessage()]
            assert not retried, f"reads waited for {silent.name}, which is silent: {retried}"
        finally:
            await nc.close()
    finally:
        cluster.stop_all()


def show_output(services) -> None:
    """What each stage service said, for the report of a failed run."""
    for name, service in zip(STAGE_SERVICES, services):
        while not service.lines.empty():
            service.output.append(service.lines.get())
        print(f"--- {name}", *service.output[-60:], sep="\n")


async def consumers_exist(api) -> bool:
    js = api.app.state.container.js
    try:
        for service in STAGE_SERVICES:
            await js.consumer_info(STREAM, service)
    except Exception:
        return False
    return True


async def caught_up_once_provisioned(cluster: LocalCluster) -> None:
    """The cluster has a meta leader and the streams exist at R3 before anyone starts."""
    nc = await connect(cluster.url, "provisioner")
    try:
        async def provisioned() -> bool:
            try:
                await provision(nc.jetstream(), StreamSpec(replicas=3, duplicate_window_seconds=DUPLICATE_WINDOW_SECONDS))
                return True
            except Exception:  # no meta leader yet
                return False
        await eventually(provisioned, timeout=60, message="provisioning at R3")
    finally:
        await nc.close()
    await caught_up(cluster)
