"""The gateway process stops on Ctrl-C even while a browser holds a live progress stream open
(a stream never ends by itself; uvicorn would otherwise wait for it forever)."""
from __future__ import annotations

import httpx

from ops.local.ports import free_port
from tests.support.gateway import auth
from tests.support.http_processes import answers, gateway_env
from tests.support.processes import Process
from tests.support.waiting import eventually

ALICE = auth("alice")



async def test_ctrl_c_stops_the_gateway_while_a_live_stream_is_open(nats_server, database_url):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    gateway = Process(["-m", "services.gateway.main"], gateway_env(nats_server.url, database_url, port))
    try:
        await eventually(lambda: answers(f"{url}/ready"), 60, "the gateway answering /ready")
        async with httpx.AsyncClient(base_url=url, headers=ALICE, timeout=30) as api:
            course = (await api.post("/api/projects/", json={"title": "Live"})).json()["course_id"]
            stream = await api.send(api.build_request("GET", f"/api/courses/{course}/progress/stream"),
                                    stream=True)
            assert stream.status_code == 200
            first = await anext(stream.aiter_bytes())
            assert first, "the stream sent nothing"
            # The stream is open; Ctrl-C must still stop the process (interrupt waits for the exit).
            assert gateway.interrupt(timeout=30) == 0
            await stream.aclose()
    finally:
        gateway.kill()
