"""Ask the course (issue 47): a question answered from the course's own sources, with citations —
one JSON object, or streamed (SSE) when the client accepts `text/event-stream`; and the asker's
history of questions and answers, which they can clear. Whoever may read a course may ask about it."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from shared.course_versions import course_versions
from shared.events.catalogue import TutorHistoryCleared, TutorHistoryClearedPayload

from ..ask.index import NothingToIndex
from ..ask.service import Question, Step
from ..domain.quotas import SpendDay
from ..edge.quotas import usage_of
from ..edge.rate_limit import retry_after
from .course_access import CourseId, visible_course
from .deps import ContainerDep, PrincipalDep

router = APIRouter(prefix="/api/courses", tags=["learning: ask the course"])
MAX_QUESTION_CHARS = 2000


class AskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    module: str | None = Field(default=None, max_length=200, description="the module being read: its "
                                                                          "documents are preferred")
    section: str | None = Field(default=None, max_length=1000, description="the heading of the section being "
                                                                           "read: its words help the search")
    version: int | None = Field(default=None, ge=1, description="the version being read (GET …/versions): "
                                                                "answered from its sources; absent: the current one")


@router.post("/{course_id}/ask", responses={
    200: {"description": "the answer: {answer, citations: [{n, path, heading, start_line, end_line, url, quote, "
                         "module_id}], covered, engine, removed, note, ask_id}; as SSE events `passages`, `answer` "
                         "and `done` when the request accepts text/event-stream"},
    409: {"description": "the course's documents have not been analysed yet"},
    429: {"description": "too many questions: retry after Retry-After seconds"}})
async def ask(course_id: CourseId, body: AskBody, request: Request, c: ContainerDep, who: PrincipalDep):
    course = await visible_course(c, who, course_id)
    text = body.question.strip()
    if not text:
        raise HTTPException(422, "the question is empty")
    wait = c.ask_limits.take(who.user_id)
    if wait > 0:
        raise HTTPException(429, f"too many questions: {c.ask_limits.per_minute} per minute per user "
                                 f"(ASK_PER_MINUTE); retry in {retry_after(wait)} s",
                            headers={"Retry-After": retry_after(wait)})
    versions = course_versions((await c.histories.load(course_id)).events)
    if body.version is not None and body.version > len(versions):
        raise HTTPException(409, f"version {body.version} does not exist; the course has {len(versions)} version(s)")
    version = versions[(body.version or len(versions)) - 1] if versions else None
    question = Question(course, who.user_id, text, body.module, version, body.section or "")
    budget = await _budget_left(c, course) if c.tutor.provider is not None else None
    steps = c.tutor.steps(question, budget)
    try:
        first = await anext(steps)
    except NothingToIndex as nothing:
        raise HTTPException(409, str(nothing)) from None
    if "text/event-stream" in request.headers.get("accept", ""):
        return StreamingResponse(_streamed(c, first, steps), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})
    answer = await anext(steps)
    return await _recorded(c, answer)


async def _recorded(c, step: Step) -> dict[str, Any]:
    shown = dict(step.value)
    event = shown.pop("event")
    await c.commands.record(event)
    return shown


async def _streamed(c, first: Step, steps):
    yield _sse("passages", first.value)
    async for step in steps:
        yield _sse(step.kind, await _recorded(c, step))
    yield _sse("done", {})


def _sse(kind: str, value: dict) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(jsonable_encoder(value))}\n\n".encode()


async def _budget_left(c, course: dict) -> float:
    now = datetime.now(timezone.utc)
    usage = await usage_of(c.pool, c.settings.read_schema, course["user_id"], SpendDay.of(now).start)
    return c.settings.user_budget_usd - usage.spent_usd


@router.get("/{course_id}/ask/history")
async def ask_history(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """The caller's own questions about the course and the answers given, oldest first. Asked when
    a reader opens the Ask panel: the course's sources are indexed meanwhile, if they are not yet."""
    course = await visible_course(c, who, course_id)
    versions = course_versions((await c.histories.load(course_id)).events)
    c.tutor.warm(course, versions[-1] if versions else None)
    return {"items": await c.tutor.history(course_id, who.user_id)}


@router.delete("/{course_id}/ask/history")
async def clear_ask_history(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """Forget the caller's questions and answers about the course (the read tables; the event log
    keeps its events until personal data is erased from it)."""
    await visible_course(c, who, course_id)
    outcome = await c.commands.record(TutorHistoryCleared(course_id=course_id, actor=who.user_id,
                                                          payload=TutorHistoryClearedPayload(user_id=who.user_id)))
    return {"cleared": True, "projected": outcome.projected}
