"""What a learner sees and does (issue 46): the courses assigned to their cohorts, the modules
released to them of the version assigned, and their reading and answers recorded as events — per
learner, so progress follows them from browser to browser. Every action carries a client-made id:
its event's id is derived from it, and the projection keeps one row per id, so a resend (an offline
reader syncing again) never counts twice. Nothing of the pipeline, the edits or other learners."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Response
from pydantic import BaseModel, ConfigDict, Field

from shared.events import derived_event_id
from shared.events.cohort_events import (
    ModuleCompleted, ModuleCompletedPayload, ModuleRead, ModuleReadPayload, QuestionAnswered, QuestionAnsweredPayload,
)

from ..domain.cohorts import Schedule, is_complete, progress_of
from ..learners.content import is_right, questions_of, version_modules
from ..learners.erasure import erase_person
from ..learners.language import version_language
from ..learners.progress import module_progress
from .course_access import CourseId
from .deps import ContainerDep, PrincipalDep
from .projects import NOT_FOUND

router = APIRouter(prefix="/api/learn", tags=["learning: learners"])
ClientId = Field(pattern=r"^[A-Za-z0-9_-]{1,64}$", description="made by the client for this action: a resend "
                                                               "with the same id changes nothing")


class ReadBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    module_id: str = Field(min_length=1, max_length=200)
    client_id: str = ClientId


class AnswerBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    module_id: str = Field(min_length=1, max_length=200)
    question: int = Field(ge=0, le=1000, description="the question's 0-based place in the module")
    choice: int = Field(ge=0, le=100, description="the option chosen (0-based); a short answer, marked by the "
                                                  "learner: 0 right, 1 wrong")
    client_id: str = ClientId


async def _assignment(c, who, course_id: str) -> tuple[str, dict[str, Any]]:
    """The caller's reference and the course's assignment to one of their cohorts; 404 otherwise."""
    ref = await c.people.ref_of(who.user_id)
    found = await c.cohorts.assigned_to(ref, course_id) if ref else []
    if not found:
        raise HTTPException(404, NOT_FOUND)
    return ref, found[0]


async def _released(c, assignment: dict) -> tuple[list[dict], int, Schedule]:
    modules = await version_modules(c, assignment["course_id"], assignment["version"])
    schedule = Schedule(assignment["release_every_days"], assignment["release_start"])
    return modules, schedule.released(len(modules), c.clock().date()), schedule


def _module_progress(modules: list[dict], activity) -> list[dict]:
    """Each module's progress, with the first answer given to each of its questions."""
    mine = progress_of(activity)
    found = []
    for m in modules:
        p = mine.get(m["module_id"])
        firsts = sorted(p.first_answers.items()) if p else []
        answers = {str(q): {"choice": a.choice, "correct": a.correct} for q, a in firsts}
        found.append({**module_progress(m, p), "position": m["position"], "answers": answers})
    return found


@router.get("/courses")
async def my_courses(c: ContainerDep, who: PrincipalDep):
    """The courses assigned to the caller's cohorts: each with how many modules are released, when
    the next one is, and which released modules they have not read yet (new to them)."""
    ref = await c.people.ref_of(who.user_id)
    if ref is None:
        return {"items": []}
    items = []
    for a in await c.cohorts.assigned_to(ref):
        modules, released, schedule = await _released(c, a)
        progress = _module_progress(modules[:released], await c.cohorts.activity(a["course_id"], ref))
        items.append({"course_id": a["course_id"], "title": a["title"], "description": a["description"],
                      "cohort_id": a["cohort_id"], "cohort": a["cohort_name"], "role": a["role"],
                      "version": a["version"], "released": released, "total": len(modules),
                      "next_release": schedule.next_release(len(modules), c.clock().date()),
                      "unread": [p["module_id"] for p in progress if not p["read"]],
                      "completed": sum(p["completed"] for p in progress)})
    return {"items": items}


@router.get("/courses/{course_id}")
async def course(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    """The released modules of the version assigned, with the reader's content and quiz."""
    ref, a = await _assignment(c, who, course_id)
    modules, released, schedule = await _released(c, a)
    return {"course_id": course_id, "title": a["title"], "description": a["description"], "role": a["role"],
            "cohort": a["cohort_name"], "version": a["version"], "released": released, "total": len(modules),
            "next_release": schedule.next_release(len(modules), c.clock().date()),
            **await version_language(c, course_id, a["version"]),
            "modules": [{**m, "released_on": schedule.released_on(m["position"])} for m in modules[:released]]}


@router.get("/courses/{course_id}/progress")
async def my_progress(course_id: CourseId, c: ContainerDep, who: PrincipalDep):
    ref, a = await _assignment(c, who, course_id)
    modules, released, _ = await _released(c, a)
    return {"course_id": course_id, "modules": _module_progress(modules[:released],
                                                               await c.cohorts.activity(course_id, ref))}


async def _learner_module(c, who, course_id: str, module_id: str) -> tuple[str, dict, dict, list[dict]]:
    ref, a = await _assignment(c, who, course_id)
    if a["role"] != "learner":
        raise HTTPException(403, "a mentor's reading and answers are not recorded: only learners' are")
    modules, released, _ = await _released(c, a)
    module = next((m for m in modules[:released] if m["module_id"] == module_id), None)
    if module is None:
        raise HTTPException(409, "no such module is released to you in this course")
    return ref, a, module, modules[:released]


@router.post("/courses/{course_id}/read")
async def read(course_id: CourseId, body: ReadBody, c: ContainerDep, who: PrincipalDep):
    ref, a, module, _ = await _learner_module(c, who, course_id, body.module_id)
    payload = ModuleReadPayload(learner=ref, cohort_id=a["cohort_id"], module_id=body.module_id,
                                client_id=body.client_id)
    event = ModuleRead(event_id=_action_id(course_id, ref, body.client_id), course_id=course_id, actor=ref,
                       payload=payload)
    outcome = await c.commands.record(event)
    return {"recorded": True, "projected": outcome.projected, **await _completed(c, course_id, ref, a, module)}


@router.post("/courses/{course_id}/answers")
async def answer(course_id: CourseId, body: AnswerBody, c: ContainerDep, who: PrincipalDep):
    ref, a, module, _ = await _learner_module(c, who, course_id, body.module_id)
    questions = questions_of(module)
    if body.question >= len(questions):
        raise HTTPException(409, f"the module has {len(questions)} question(s): no question {body.question}")
    correct = is_right(questions[body.question], body.choice)
    if correct is None:
        raise HTTPException(422, f"question {body.question} has no option {body.choice}")
    payload = QuestionAnsweredPayload(learner=ref, cohort_id=a["cohort_id"], module_id=body.module_id,
                                      question=body.question, choice=body.choice, correct=correct,
                                      client_id=body.client_id)
    event = QuestionAnswered(event_id=_action_id(course_id, ref, body.client_id), course_id=course_id, actor=ref,
                             payload=payload)
    outcome = await c.commands.record(event)
    return {"correct": correct, "answer": questions[body.question].answer, "projected": outcome.projected,
            **await _completed(c, course_id, ref, a, module)}


def _action_id(course_id: str, ref: str, client_id: str) -> str:
    """The event id of a learner's action: the same for every resend of it."""
    return derived_event_id(f"{course_id}:{ref}", client_id)


async def _completed(c, course_id: str, ref: str, a: dict, module: dict) -> dict:
    """Record the module completed once it is read and every question of it answered."""
    progress = progress_of(await c.cohorts.activity(course_id, ref)).get(module["module_id"])
    total = len(questions_of(module))
    if progress is None or not is_complete(progress, total):
        return {"completed": False}
    if not progress.completed:
        await c.commands.record(ModuleCompleted(
            event_id=_action_id(course_id, ref, f"completed:{module['module_id']}"), course_id=course_id,
            actor=ref, payload=ModuleCompletedPayload(learner=ref, cohort_id=a["cohort_id"],
                                                      module_id=module["module_id"], correct=progress.correct,
                                                      questions=total)))
    return {"completed": True}


@router.delete("/me", status_code=204)
async def forget_me(c: ContainerDep, who: PrincipalDep):
    """Erase the caller's personal data as a learner or mentor (docs/learners.md)."""
    await erase_person(c, who.user_id, who.user_id)
    return Response(status_code=204)
