"""Live progress streams (SSE) are capped per user and in all (issue 15): one more than a cap is
a 429 saying which cap and when to retry, another user still gets a stream while one user is at
theirs, and a stream the client closes frees its slot (the gateway as a real process; the
streams are real HTTP connections held open)."""
from __future__ import annotations

import contextlib

import httpx

from tests.support.gateway import auth
from tests.support.flows import new_course
from tests.support.http_processes import gateway_process
from tests.support.waiting import eventually

ALICE, BOB, CAROL = auth("alice"), auth("bob"), auth("carol")
PER_USER, TOTAL = 2, 3


class LiveStream:
    """An open stream. Its lines are read through one iterator kept here: an iterator left behind
    half-read would, once collected, close the connection and so free the slot behind our back."""

    def __init__(self, response: httpx.Response) -> None:
        self.response, self._lines = response, response.aiter_lines()

    async def next_event(self) -> str:
        async for line in self._lines:
            if line.startswith("event: "):
                return line.removeprefix("event: ")
        raise AssertionError("the stream ended without an event")

    async def close(self) -> None:
        await self._lines.aclose()
        await self.response.aclose()


async def request_stream(api: httpx.AsyncClient, course_id: str, headers: dict) -> httpx.Response:
    request = api.build_request("GET", f"/api/courses/{course_id}/progress/stream", headers=headers)
    return await api.send(request, stream=True)


async def opened(api: httpx.AsyncClient, held: contextlib.AsyncExitStack, course_id: str,
                 headers: dict) -> LiveStream:
    response = await request_stream(api, course_id, headers)
    assert response.status_code == 200, (await response.aread(), await response.aclose())
    stream = LiveStream(response)
    held.push_async_callback(stream.close)
    assert await stream.next_event() == "status"  # the gateway serves it
    return stream


async def refused(api: httpx.AsyncClient, course_id: str, headers: dict) -> str:
    """The 429's reason, after checking it says when to retry."""
    response = await request_stream(api, course_id, headers)
    await response.aread()
    await response.aclose()
    assert response.status_code == 429, response.text
    assert int(response.headers["Retry-After"]) > 0
    return response.json()["detail"]


async def test_live_streams_are_capped_per_user_and_in_all_and_a_closed_one_frees_a_slot(nats_server,
                                                                                       database_url):
    async with gateway_process(nats_server.url, database_url, SSE_MAX_PER_USER=str(PER_USER),
                               SSE_MAX_TOTAL=str(TOTAL)) as url, \
            httpx.AsyncClient(base_url=url, timeout=30) as api, contextlib.AsyncExitStack() as held:
        course = {"alice": await new_course(api, ALICE), "bob": await new_course(api, BOB),
                  "carol": await new_course(api, CAROL)}

        alices = [await opened(api, held, course["alice"], ALICE) for _ in range(PER_USER)]
        reason = await refused(api, course["alice"], ALICE)
        assert f"most one user may have ({PER_USER})" in reason, reason

        await opened(api, held, course["bob"], BOB)  # alice at her cap does not stop bob
        reason = await refused(api, course["carol"], CAROL)  # PER_USER + 1 == TOTAL streams are open
        assert f"most live progress streams ({TOTAL})" in reason, reason

        await alices[0].close()  # the gateway notices the closed connection and frees its slot

        async def carol_streams() -> httpx.Response | None:
            response = await request_stream(api, course["carol"], CAROL)
            if response.status_code != 200:
                await response.aread()
                await response.aclose()
                assert response.status_code == 429, response.text
                return None
            stream = LiveStream(response)
            held.push_async_callback(stream.close)
            return stream

        carols = await eventually(carol_streams, timeout=30, message="a closed stream's slot being free")
        assert await carols.next_event() == "status"
        assert "most live progress streams" in await refused(api, course["alice"], ALICE)  # full again
