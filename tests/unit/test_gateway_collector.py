"""The gateway's process, once up, keeps its start-up objects out of the garbage collector's walks
(services/gateway/main.py `settle_collector`): under load, full collections of every start-up object
paused it for 95-220 ms every 0.3-1 s (bench gateway: p99 1.65x a bare app's). Checked in a child
process (a frozen heap would stay with this one), through the server class the gateway runs, on a
small app."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CHILD = """
import asyncio, gc, json
import uvicorn
from services.gateway.main import _BoundedStopServer
from shared.stop_deadline import StopDeadline
from tests.support.waiting import eventually

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (message := await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})

seen = {"before": gc.get_freeze_count()}

async def look(server):
    await eventually(lambda: server.started, 60, "the server listening")  # uvicorn sets it once it listens
    seen["after"] = gc.get_freeze_count()
    server.should_exit = True

async def main():
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on")
    server = _BoundedStopServer(config, StopDeadline("gateway", 30))
    asyncio.create_task(look(server))
    await server.serve()  # as the gateway serves (it cancels the tasks left over when it ends)

asyncio.run(main())
print(json.dumps(seen))
"""


def test_the_gateway_once_up_freezes_its_start_up_objects():
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == 0
    assert seen["after"] > 10_000  # the modules, classes and functions imported to start
