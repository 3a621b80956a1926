"""One `coursegen run` (make run) per data folder (issue 21): a second run on the same folder refuses,
naming the first's URL, and the first keeps every event; a run on another folder starts beside it.
A run whose launcher is killed with -9 takes its servers with it, so the next run on the folder
starts and still has every event; a closed terminal (SIGHUP) stops a run and all it started."""
from __future__ import annotations

import contextlib
import shutil
import signal
from pathlib import Path

import httpx
import psutil

from shared.bus.connection import connect
from ops.local.ports import free_port
from tests.support.launched import Launched, coursegen_run, new_data_folder
from tests.support.processes import run_cli
from tests.support.waiting import eventually


async def test_a_second_run_on_the_same_folder_refuses_and_the_first_keeps_every_event():
    with coursegen_run() as first:
        async with _api(first) as api:
            course_id = await _new_course(api, "before the second run")
            events = await _events(api, course_id)
            last_seq = await _last_seq(first)

            second = run_cli(["run"], {"COURSEGEN_DATA_DIR": str(first.data), "PORT": str(free_port())}, timeout=60)
            assert second.returncode != 0
            assert (f"coursegen is already running at {first.url} (data folder {first.data.resolve()}; "
                    "set COURSEGEN_DATA_DIR to run another beside it)") in second.stderr, second.stderr
            assert "is running at" not in second.stdout  # it started nothing

            assert first.process.popen.poll() is None
            assert (await api.get(f"/api/projects/{course_id}")).json()["title"] == "before the second run"
            assert await _events(api, course_id) == events
            assert await _last_seq(first) == last_seq
            await _new_course(api, "after the second run")
            assert await _last_seq(first) > last_seq

            with coursegen_run() as beside:
                assert beside.url != first.url
                async with _api(beside) as other:
                    await _new_course(other, "beside")
                assert (await api.get("/ready")).status_code == 200


async def test_a_killed_run_takes_its_servers_along_and_the_next_run_on_the_folder_keeps_every_event():
    data = new_data_folder()
    try:
        with _sighup_not_ignored():
            with coursegen_run(data=data) as first:
                async with _api(first) as api:
                    course_id = await _new_course(api, "before the kill")
                    events = await _events(api, course_id)
                last_seq = await _last_seq(first)
                tied = _children(first)
                assert {"nats-server", "services.gateway.main"} <= {_name(p) for p in tied}

                first.process.popen.send_signal(signal.SIGKILL)  # the launcher alone, as the OOM killer would
                first.process.popen.wait(10)
                # Each child stops on its own once its launcher is gone, within its stop deadline
                # (25 s) even when its stop is stuck: the bound here is a liveness one, not speed.
                await eventually(lambda: not any(_alive(p) for p in tied), timeout=90,
                                 message=f"every process of the killed run ({', '.join(map(_name, tied))}) exiting")

            with coursegen_run(data=data) as second:
                async with _api(second) as api:
                    assert (await api.get(f"/api/projects/{course_id}")).json()["title"] == "before the kill"
                    assert await _events(api, course_id) == events
                    assert await _last_seq(second) >= last_seq
                    await _new_course(api, "after the restart")
                assert await _last_seq(second) > last_seq
                started = _children(second) + [_postmaster(data)]

                second.process.popen.send_signal(signal.SIGHUP)  # its terminal closed
                assert second.process.popen.wait(30) == 0
                assert not [p for p in started if _alive(p)]  # PostgreSQL too, though the killed run started it
    finally:
        shutil.rmtree(data, ignore_errors=True)


def _api(system: Launched) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=system.url, headers=system.headers, timeout=30)


async def _new_course(api: httpx.AsyncClient, title: str) -> str:
    response = await api.post("/api/projects/", json={"title": title})
    assert response.status_code == 201, response.text
    return response.json()["course_id"]


async def _events(api: httpx.AsyncClient, course_id: str) -> list[dict]:
    response = await api.get(f"/api/courses/{course_id}/events")
    assert response.status_code == 200, response.text
    return response.json()["events"]


async def _last_seq(system: Launched) -> int:
    """The last sequence of the log of record, read from the run's own nats-server."""
    nc = await connect(system.runtime()["nats_url"], "run-lock-test")
    try:
        return (await nc.jetstream().stream_info("COURSES")).state.last_seq
    finally:
        await nc.close()


def _children(system: Launched) -> list[psutil.Process]:
    return psutil.Process(system.process.popen.pid).children()


def _postmaster(data: Path) -> psutil.Process:
    return psutil.Process(int((data / "pg" / "postmaster.pid").read_text().split()[0]))


def _name(process: psutil.Process) -> str:
    command = process.cmdline()
    return command[2] if command[1:2] == ["-m"] else Path(command[0]).name


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@contextlib.contextmanager
def _sighup_not_ignored():
    """Runs started here see SIGHUP as a terminal would send it, even if pytest runs under nohup
    (an ignored signal stays ignored in a child, and the launcher then keeps ignoring it)."""
    previous = signal.signal(signal.SIGHUP, signal.SIG_DFL)
    try:
        yield
    finally:
        signal.signal(signal.SIGHUP, previous)
