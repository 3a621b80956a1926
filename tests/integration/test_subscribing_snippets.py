"""docs/subscribing.md runs as written: its Python blocks and its Node.js (```mjs) block, taken
from the page, run as programs against a real nats-server with the COURSES stream provisioned and
real events appended, the subscriber as the NATS user of the page's `conf` block. Over a whole
course (every event type), each subscriber validates every event against the schema files,
refuses (terminates) an invalid one, fetches the export from the Object Store (the same bytes),
acks everything, and skips a redelivery that arrives after a newer event of its course (as after
a crash); the user may not publish on `course.>`. The Node runs are skipped, saying why, without
node or the packages of tests/node (`make node`)."""
from __future__ import annotations

import asyncio
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nats
import pytest
from nats.errors import Error as NatsError

from shared.bus.artefacts import ArtefactStore
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events import EVENT_TYPES
from ops.local.nats_server import find_nats_server
from ops.local.ports import free_port, wait_for_port
from tests.support.full_course import COHORT, DELETED_COURSE, FORKED_COURSE, course_events
from tests.support.node_checks import NODE_DIR, missing_node
from tests.support.waiting import eventually, patient

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "subscribing.md"
SCHEMAS = ROOT / "shared" / "events" / "schemas"  # what the page's COURSEGEN_SCHEMAS names
DURABLE = "my-system"  # the consumer the page's programs create, and the user its conf block declares
PASSWORD = "integrator-password"
SNIPPET_TIMEOUT = 90.0  # a program stops after 5 s with nothing new; this only bounds a broken one
LANGUAGES = ("python", "mjs")


def blocks(language: str) -> list[str]:
    """The page's fenced blocks of `language`, in order, indentation of list items removed."""
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```$", PAGE.read_text(), flags=re.S | re.M)
    return ["\n".join(line[len(indent):] for line in body.splitlines()) + "\n" for indent, body in found]


def subscriber(language: str) -> str:
    """The page's durable-consumer program in `language`."""
    [program] = [block for block in blocks(language) if DURABLE in block and "COURSEGEN_SCHEMAS" in block]
    return program


def node_missing() -> str | None:
    reason = missing_node()
    if reason is None and not (NODE_DIR / "node_modules" / "nats" / "package.json").is_file():
        reason = f"nats not installed in {NODE_DIR}: run `make node` (npm ci --prefix tests/node)"
    return reason


@pytest.fixture(params=LANGUAGES)
def language(request):
    if request.param == "mjs" and (reason := node_missing()):
        pytest.skip(reason)
    return request.param


@pytest.fixture
def secured_nats(tmp_path):
    """A private nats-server with an `admin` user that may do anything (the test's, standing for
    coursegen's services) and the page's user in the same account. Yields (admin URL, user URL)."""
    [user] = blocks("conf")
    port = free_port()
    config = tmp_path / "nats.conf"
    config.write_text(f"listen: 127.0.0.1:{port}\njetstream {{ store_dir: \"{tmp_path / 'js'}\" }}\n"
                      "accounts { COURSEGEN { jetstream: enabled\n"
                      f"  users: [ {{ user: admin, password: admin }},\n{user}  ]\n}} }}\n")
    process = subprocess.Popen([find_nats_server(), "-c", str(config)], stdout=open(tmp_path / "nats.log", "ab"),
                               stderr=subprocess.STDOUT, env={**os.environ, "MY_SYSTEM_PASSWORD": PASSWORD})
    try:
        wait_for_port(port, 20)
        yield f"nats://admin:admin@127.0.0.1:{port}", f"nats://{DURABLE}:{PASSWORD}@127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(10)


async def run_program(language: str, source: str, nats_url: str, tmp_path: Path,
                      name: str) -> asyncio.subprocess.Process:
    path = tmp_path / f"{name}.{'py' if language == 'python' else 'mjs'}"
    path.write_text(source)
    if language == "python":
        command = [sys.executable, str(path)]
    else:
        # Node resolves `import 'nats'` from the nearest node_modules up from the file: tests/node's.
        link = tmp_path / "node_modules"
        if not link.exists():
            link.symlink_to(NODE_DIR / "node_modules", target_is_directory=True)
        command = ["node", str(path)]
    return await asyncio.create_subprocess_exec(
        *command, env={**os.environ, "NATS_URL": nats_url, "COURSEGEN_SCHEMAS": str(SCHEMAS)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), patient(SNIPPET_TIMEOUT))
    return process.returncode, out.decode(), err.decode()


async def test_every_block_runs_as_written(language, secured_nats, tmp_path):
    admin_url, user_url = secured_nats
    nc = await nats.connect(admin_url)
    try:
        await provision(nc.jetstream(), StreamSpec())
        programs = blocks(language)
        assert subscriber(language) in programs and not blocks("(?:js|javascript|cjs|ts|typescript)")
        for n, program in enumerate(programs):
            code, out, err = await finished(await run_program(language, program, user_url, tmp_path, f"block{n}"))
            assert code == 0, f"{language} block {n} of {PAGE.name} failed:\n{program}\n{err}"
    finally:
        await nc.close()


async def test_the_subscriber_validates_a_whole_course_in_order_and_fetches_its_export(
        language, secured_nats, tmp_path):
    admin_url, user_url = secured_nats
    nc = await nats.connect(admin_url)
    try:
        js = nc.jetstream()
        await provision(js, StreamSpec())
        # Its first start creates the durable consumer (new events only), finds nothing and stops.
        code, out, err = await finished(await run_program(language, subscriber(language), user_url, tmp_path, "first"))
        assert (code, out) == (0, ""), err

        store, artefacts = EventStore(js), ArtefactStore(js)
        export = os.urandom(3000) + b"PK\x05\x06"  # binary, over one chunk of nothing in particular
        ref = await artefacts.put("course-a", "modules-run/course.zip", export)
        course = course_events("course-a", ref, len(export))
        deleted = (course_events("course-b", "", 0, DELETED_COURSE) + course_events("cohort-k", "", 0, COHORT)
                   + course_events("course-c", "", 0, FORKED_COURSE))
        assert {e.event_type for e in course + deleted} == set(EVENT_TYPES) == {
            p.name.split(".")[0] for p in SCHEMAS.glob("*.schema.json")}
        appended = [(await store.publish(event)).stream_seq for event in course + deleted]
        # What no coursegen service writes: an event its schema refuses (a time not in UTC, an
        # unknown field), and a version no schema describes.
        bad = json.loads(course[-1].to_json()) | {"occurred_at": "2026-11-22T19:25:14", "colour": "red"}
        invalid = (await js.publish("course.course-c.CourseGenerated", json.dumps(bad).encode())).seq
        future = json.loads(deleted[0].to_json()) | {"schema_version": 99}
        unknown = (await js.publish("course.course-c.CourseCreated", json.dumps(future).encode())).seq

        # Another replica takes the oldest event and crashes holding it: the program gets the
        # newer ones first; the held one comes back (the nak stands for its ack_wait running out)
        # only after the program has applied the newer events of its course.
        crashed = await js.pull_subscribe_bind(DURABLE, "COURSES")
        [held] = await crashed.fetch(1, timeout=5)
        assert held.metadata.sequence.stream == appended[0]
        program = await run_program(language, subscriber(language), user_url, tmp_path, "second")

        async def delivered_up_to_newest():
            return (await js.consumer_info("COURSES", DURABLE)).delivered.stream_seq == unknown
        await eventually(delivered_up_to_newest, timeout=60, message="the program fetched the newer events")
        await held.nak()
        code, out, err = await finished(program)
        assert code == 0, err

        digest = hashlib.sha256(export).hexdigest()
        applied = [f"applied {seq} {e.event_type} {e.course_id}"
                   + (f": {len(export)} bytes, sha256 {digest}" if e.event_type == "CourseGenerated" else "")
                   for seq, e in zip(appended, course + deleted)]
        lines = out.splitlines()
        assert [line for line in lines if not line.startswith("skipped")] == applied[1:]
        # The held event comes back after the newer ones of the batches fetched meanwhile (a batch
        # may wait for it: it is sorted by sequence first), and is skipped: older than the newest
        # event of its course applied before it.
        [at] = [n for n, line in enumerate(lines) if line.startswith("skipped")]
        newest_before = max(seq for seq, line in zip(appended[1:len(course)], applied[1:]) if line in lines[:at])
        assert lines[at] == f"skipped {appended[0]} CourseCreated course-a: older than {newest_before}"
        refused = [line for line in err.splitlines() if line.startswith("refused")]
        assert len(refused) == 2, err
        assert refused[0].startswith(f"refused {invalid} course.course-c.CourseGenerated: ")
        assert "occurred_at" in refused[0] and "colour" in refused[0]
        assert refused[1] == (f"refused {unknown} course.course-c.CourseCreated: "
                              "no schema for CourseCreated v99: upgrade, then replay it")
        info = await js.consumer_info("COURSES", DURABLE)
        assert (info.num_pending, info.num_ack_pending, info.ack_floor.stream_seq) == (0, 0, unknown)
    finally:
        await nc.close()

    # The page's user reads; it may not append an event.
    reader = await nats.connect(user_url)
    try:
        with pytest.raises(NatsError):
            await reader.jetstream().publish("course.course-a.CourseDeleted", b"{}", timeout=1)
    finally:
        await reader.close()
