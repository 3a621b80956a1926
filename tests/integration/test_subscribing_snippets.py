"""docs/subscribing.md runs as written: its Python blocks, taken from the page, run as programs
against a real nats-server with the COURSES stream provisioned and real events appended, the
subscriber as the NATS user of the page's `conf` block. The subscriber receives only the events
it filters, fetches the export from the Object Store, acks everything, and skips a redelivery
that arrives after a newer event of its course (as after a crash); the user may not publish on
`course.>`. There is no JavaScript block on the page (a Node one would be run here too)."""
from __future__ import annotations

import asyncio
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
from shared.events.catalogue import CourseGenerated, StageFailed, StageProgressed
from shared.local.nats_server import find_nats_server
from shared.local.ports import free_port, wait_for_port
from tests.support.waiting import eventually

PAGE = Path(__file__).resolve().parents[2] / "docs" / "subscribing.md"
DURABLE = "my-system"  # the consumer the page's program creates, and the user its conf block declares
PASSWORD = "integrator-password"
SNIPPET_TIMEOUT = 60.0  # a program stops after 5 s with nothing new; this only bounds a broken one


def blocks(language: str) -> list[str]:
    """The page's fenced blocks of `language`, in order, indentation of list items removed."""
    found = re.findall(rf"^( *)```{language}\n(.*?)^\1```$", PAGE.read_text(), flags=re.S | re.M)
    return ["\n".join(line[len(indent):] for line in body.splitlines()) + "\n" for indent, body in found]


def subscriber() -> str:
    [program] = [block for block in blocks("python") if "pull_subscribe_bind" in block]
    return program


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


async def run_program(source: str, nats_url: str, tmp_path: Path, name: str) -> asyncio.subprocess.Process:
    path = tmp_path / f"{name}.py"
    path.write_text(source)
    return await asyncio.create_subprocess_exec(
        sys.executable, str(path), env={**os.environ, "NATS_URL": nats_url},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def finished(process: asyncio.subprocess.Process) -> tuple[int, str, str]:
    out, err = await asyncio.wait_for(process.communicate(), SNIPPET_TIMEOUT)
    return process.returncode, out.decode(), err.decode()


async def test_every_python_block_runs_as_written(secured_nats, tmp_path):
    admin_url, user_url = secured_nats
    nc = await nats.connect(admin_url)
    try:
        await provision(nc.jetstream(), StreamSpec())
        programs = blocks("python")
        assert subscriber() in programs and not blocks("(?:js|javascript|ts|typescript)")
        for n, program in enumerate(programs):
            code, out, err = await finished(await run_program(program, user_url, tmp_path, f"block{n}"))
            assert code == 0, f"block {n} of {PAGE.name} failed:\n{program}\n{err}"
    finally:
        await nc.close()


async def test_the_subscriber_fetches_exports_and_keeps_each_course_in_stream_order(secured_nats, tmp_path):
    admin_url, user_url = secured_nats
    nc = await nats.connect(admin_url)
    try:
        js = nc.jetstream()
        await provision(js, StreamSpec())
        # Its first start creates the durable consumer (new events only), finds nothing and stops.
        code, out, err = await finished(await run_program(subscriber(), user_url, tmp_path, "first"))
        assert (code, out) == (0, ""), err

        events, artefacts = EventStore(js), ArtefactStore(js)
        old_zip, new_zip = b"PK old export", b"PK newer export, a little longer"
        old_ref = await artefacts.put("course-a", "t1/course.zip", old_zip)
        new_ref = await artefacts.put("course-a", "t2/course.zip", new_zip)
        old = await events.publish(CourseGenerated(course_id="course-a", actor="modules", payload={
            "task_id": "t1", "module_count": 2, "export_ref": old_ref, "export_bytes": len(old_zip)}))
        await events.publish(StageProgressed(course_id="course-b", actor="repo_clone", payload={
            "stage": "stage1", "task_id": "t3", "progress_percentage": 50, "current_step": "cloning"}))
        failed = await events.publish(StageFailed(course_id="course-b", actor="repo_clone", payload={
            "stage": "stage1", "task_id": "t3", "error_message": "the repository is gone"}))
        newer = await events.publish(CourseGenerated(course_id="course-a", actor="modules", payload={
            "task_id": "t2", "module_count": 2, "export_ref": new_ref, "export_bytes": len(new_zip)}))

        # Another replica takes the oldest event and crashes holding it: the program gets the
        # newer ones first; the held one comes back (the nak stands for its ack_wait running out)
        # only after the program has applied the newer export of its course.
        crashed = await js.pull_subscribe_bind(DURABLE, "COURSES")
        [held] = await crashed.fetch(1, timeout=5)
        assert held.metadata.sequence.stream == old.stream_seq
        program = await run_program(subscriber(), user_url, tmp_path, "second")

        async def delivered_up_to_newest():
            return (await js.consumer_info("COURSES", DURABLE)).delivered.stream_seq == newer.stream_seq
        await eventually(delivered_up_to_newest, timeout=30, message="the program fetched the newer events")
        await held.nak()
        code, out, err = await finished(program)
        assert code == 0, err
        assert out.splitlines() == [
            f"applied {failed.stream_seq} StageFailed course-b: the repository is gone",
            f"applied {newer.stream_seq} CourseGenerated course-a: {len(new_zip)} bytes",
            f"skipped {old.stream_seq} CourseGenerated course-a: older than {newer.stream_seq}",
        ]
        info = await js.consumer_info("COURSES", DURABLE)
        assert (info.num_pending, info.num_ack_pending, info.ack_floor.stream_seq) == (0, 0, newer.stream_seq)
    finally:
        await nc.close()

    # The page's user reads; it may not append an event.
    reader = await nats.connect(user_url)
    try:
        with pytest.raises(NatsError):
            await reader.jetstream().publish("course.course-a.CourseDeleted", b"{}", timeout=1)
    finally:
        await reader.close()
