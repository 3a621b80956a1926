"""Live progress as Server-Sent Events: every event of the course as it is appended, and the
projected status of every stage after it."""
from __future__ import annotations

import asyncio
import json
from typing import Annotated, AsyncIterator

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import StreamingResponse

from shared.events import course_subjects

from .deps import ContainerDep, PrincipalDep
from .generation import STAGES
from .live_slots import RETRY_AFTER_SECONDS, LiveStreamSlot, TooManyLiveStreams
from .course_access import CourseId, visible_course
from .run_status import stage_status

router = APIRouter(tags=["live progress"])
HEARTBEAT_SECONDS = 15.0
FINAL = ("SUCCESS", "FAILURE", "CANCELLED")


def _sse(event: str, data) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, default=str)}\n\n".encode()


@router.get("/api/courses/{course_id}/progress/stream")
async def progress_stream(course_id: CourseId, request: Request, c: ContainerDep, who: PrincipalDep,
                          until: Annotated[str | None, Query(pattern=r"^stage[1-4]$",
                              description="close the stream once this stage has finished")] = None):
    await visible_course(c, who, course_id)
    try:
        slot = c.live_streams.take(who.user_id)
    except TooManyLiveStreams as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(RETRY_AFTER_SECONDS)}) from None
    return LiveStreamResponse(slot, _events(c, request, course_id, until), media_type="text/event-stream",
                              headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


class LiveStreamResponse(StreamingResponse):
    """Gives its slot back when the response ends, however it ends: the stream finished, the
    client went away (the body's generator may never have started), or the server stops."""

    def __init__(self, slot: LiveStreamSlot, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._slot = slot

    async def __call__(self, scope, receive, send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._slot.release()


async def _statuses(c, course_id: str) -> dict:
    return {stage: await stage_status(c, course_id, stage) for stage in STAGES}


async def _events(c, request: Request, course_id: str, until: str | None) -> AsyncIterator[bytes]:
    queue: asyncio.Queue = asyncio.Queue(maxsize=1000)

    async def on_message(msg) -> None:
        if not queue.full():  # a slow reader loses intermediate events, never the status
            queue.put_nowait(msg)

    # Published events reach plain subscribers too: no consumer to create or clean up.
    subscription = await c.nc.subscribe(course_subjects(course_id), cb=on_message)
    try:
        # Events published before the subscription are only in the read tables: let them catch up.
        await _projection_caught_up(c)
        statuses = await _statuses(c, course_id)
        yield _sse("status", statuses)
        while not (until and statuses[until]["status"] in FINAL) and not await request.is_disconnected():
            try:
                msg = await asyncio.wait_for(queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                # Nothing new; the statuses again, in case the projection was slow the last time.
                statuses = await _statuses(c, course_id)
                yield _sse("status", statuses)
                continue
            yield _sse(msg.subject.rsplit(".", 1)[-1], json.loads(msg.data))
            await _projection_caught_up(c)
            statuses = await _statuses(c, course_id)
            yield _sse("status", statuses)
        while not queue.empty():  # what arrived before the stage was seen finished
            msg = queue.get_nowait()
            yield _sse(msg.subject.rsplit(".", 1)[-1], json.loads(msg.data))
    finally:
        await subscription.unsubscribe()


async def _projection_caught_up(c, timeout: float = 2.0) -> None:
    last = (await c.js.stream_info(c.settings.stream_name)).state.last_seq
    await c.projector.wait_for(last, timeout)
