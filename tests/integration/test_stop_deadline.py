"""A service process asked to stop exits within its stop deadline even when its stop is stuck
(shared/stop_deadline.py): a stage service whose NATS server froze (its drain would wait out the
flush timeouts), the gateway holding a live stream open longer than the deadline. Without the
deadline a stuck stop outlived a killed `coursegen run`'s launcher (test_run_lock.py)."""
from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import httpx

from ops.local.nats_server import NatsServer
from ops.local.ports import free_port
from shared.stop_deadline import OVERRUN_EXIT_CODE
from tests.support.gateway import auth
from tests.support.http_processes import answers, gateway_env
from tests.support.processes import Process
from tests.support.waiting import eventually


def _assert_overran(process: Process, name: str, seconds: str) -> None:
    """`process` ended because its stop outlived the deadline, and said so."""
    assert process.popen.wait(60) == OVERRUN_EXIT_CODE, process.output
    said = f"{name} did not stop within {seconds}s of being asked to; exiting now"
    process.wait_for_line(lambda line: line == said, timeout=10)


async def test_a_stage_service_whose_server_froze_exits_at_its_stop_deadline(tmp_path: Path):
    nats = NatsServer(tmp_path / "nats").start()
    service = Process(["-m", "services.pathway.main"], {"NATS_URL": nats.url, "STOP_DEADLINE_SECONDS": "2"})
    try:
        service.wait_for_line(lambda line: "started successfully" in line, timeout=60)
        nats.process.send_signal(signal.SIGSTOP)  # connected, but nothing answers any more
        service.popen.send_signal(signal.SIGTERM)
        _assert_overran(service, "pathway", "2")
    finally:
        nats.process.send_signal(signal.SIGCONT)
        service.kill()
        nats.stop()


async def test_the_gateway_exits_at_its_stop_deadline_while_a_live_stream_holds_its_stop(nats_server,
                                                                                         database_url):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # uvicorn gives open requests 5 s to end; the deadline, set shorter here, ends the process first.
    gateway = Process(["-m", "services.gateway.main"],
                      gateway_env(nats_server.url, database_url, port, STOP_DEADLINE_SECONDS="1"))
    try:
        await eventually(lambda: answers(f"{url}/ready"), 60, "the gateway answering /ready")
        async with httpx.AsyncClient(base_url=url, headers=auth("alice"), timeout=30) as api:
            course = (await api.post("/api/projects/", json={"title": "Live"})).json()["course_id"]
            stream = await api.send(api.build_request("GET", f"/api/courses/{course}/progress/stream"),
                                    stream=True)
            assert stream.status_code == 200 and await anext(stream.aiter_bytes())
            gateway.popen.send_signal(signal.SIGTERM)
            _assert_overran(gateway, "gateway", "1")
            await stream.aclose()
    finally:
        gateway.kill()


def test_a_stop_that_finishes_in_time_exits_as_it_would_without_the_deadline():
    """The deadline's timer never holds a process that is done."""
    finished = subprocess.run(
        [sys.executable, "-c", "from shared.stop_deadline import StopDeadline\n"
                               "deadline = StopDeadline('quick', 60)\ndeadline.arm()\ndeadline.arm()\n"
                               "print('stopped', deadline.armed)"],
        capture_output=True, text=True, timeout=30)
    assert (finished.returncode, finished.stdout, finished.stderr) == (0, "stopped True\n", "")


_LOOP_HANDLES_STOPS = """
import asyncio, signal, sys, threading
from shared.stop_deadline import StopDeadline, arm_at_stop_signals

async def main():
    # SIGHUP as a terminal gives it (its default: the end of the process), or ignored, as under nohup.
    signal.signal(signal.SIGHUP, signal.SIG_IGN if sys.argv[1] == 'nohup' else signal.SIG_DFL)
    loop = asyncio.get_running_loop()
    heard = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # as FastStream handles them: through the loop
        loop.add_signal_handler(sig, heard.set)
    deadline = StopDeadline('held', 1)
    arm_at_stop_signals(deadline.arm)
    print('ready', flush=True)  # alone on its line until a signal comes: the test reads it, then signals
    if sys.argv[1] == 'held':
        threading.Event().wait()  # synchronous work holds the loop: it never sees the signal
    await heard.wait()
    if sys.argv[1] == 'nohup':
        print('SIGHUP still ignored:', signal.getsignal(signal.SIGHUP) is signal.SIG_IGN, flush=True)
    print('the loop heard it; deadline armed:', deadline.armed, flush=True)

asyncio.run(main())
"""


def _signalled(mode: str, *signals: int) -> subprocess.CompletedProcess:
    process = subprocess.Popen([sys.executable, "-c", _LOOP_HANDLES_STOPS, mode],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout.readline() == "ready\n"
    for sig in signals:
        process.send_signal(sig)
    out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, "ready\n" + out, err)


def test_the_deadline_starts_at_the_signal_even_while_the_event_loop_that_handles_it_is_held():
    """A stage service hands its stop signals to its event loop (FastStream): a loop held by synchronous
    work would have started neither the stop nor the deadline."""
    held = _signalled("held", signal.SIGTERM)
    assert held.returncode == OVERRUN_EXIT_CODE, held
    assert "held did not stop within 1s of being asked to; exiting now" in held.stderr


def test_the_signal_still_reaches_the_handler_it_had_and_the_default_action_still_happens():
    free = _signalled("free", signal.SIGINT)
    assert (free.returncode, free.stdout) == (0, "ready\nthe loop heard it; deadline armed: True\n"), free
    unhandled = _signalled("free", signal.SIGHUP)  # nobody handles it: it ends the process, as before
    assert unhandled.returncode == -signal.SIGHUP, unhandled


def test_an_ignored_stop_signal_stays_ignored():
    """Under nohup a closed terminal's SIGHUP is no stop: it neither ends the process nor arms its deadline."""
    ignored = _signalled("nohup", signal.SIGHUP, signal.SIGINT)  # then a stop asked for, to end the test
    assert (ignored.returncode, ignored.stdout, ignored.stderr) == (
        0, "ready\nSIGHUP still ignored: True\nthe loop heard it; deadline armed: True\n", ""), ignored
