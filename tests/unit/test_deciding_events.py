"""A command decides on a state folded from a few event types (`DECIDING`), read by type, not on the
whole history. Every other type of the catalogue is folded here into states where it could matter
(each stage running, its run's task id on the event) to check it changes nothing a rule decides on:
a new event type that the fold reacts to fails this test until it is added to `DECIDING`."""
from __future__ import annotations

from dataclasses import replace

import pytest

from services.gateway.domain.course import DECIDING, CourseState, evolve, fold
from shared.events import Event
from shared.events.catalogue import CATALOGUE, CourseCreated, StageProgressed
from shared.events.examples import EXAMPLE_COURSE_ID, example_event
from shared.stage.runs import REQUESTS

TASK = "task-under-way"


def on_run(event: Event, stage: str | None = None) -> Event:
    """The example relabelled as an event of the running run of `stage`."""
    fields = type(event.payload).model_fields
    changes = {name: value for name, value in (("task_id", TASK), ("stage", stage)) if name in fields and value}
    return event.model_copy(update={"payload": event.payload.model_copy(update=changes)})


def running_state() -> CourseState:
    requests = [on_run(example_event(cls)) for cls in REQUESTS]
    return fold(EXAMPLE_COURSE_ID, [example_event(CourseCreated), *requests])


def decided_on(state: CourseState) -> CourseState:
    """The state without what only shows a run's progress (a progress step also marks a pending run
    started: the rules ask whether it is running, which it is either way)."""
    return replace(state, runs={stage: replace(run, progress_percentage=0, current_step="",
                                               status="RUNNING" if run.running else run.status)
                                for stage, run in state.runs.items()})


def test_the_running_state_has_every_stage_running():
    state = running_state()
    assert state.exists and sorted(state.runs) == sorted(REQUESTS.values())
    assert all(run.running and run.task_id == TASK for run in state.runs.values())


@pytest.mark.parametrize("cls", [cls for cls in CATALOGUE if cls not in DECIDING], ids=lambda cls: cls.__name__)
def test_an_event_a_command_does_not_read_changes_no_decision(cls):
    states = [CourseState(EXAMPLE_COURSE_ID), fold(EXAMPLE_COURSE_ID, [example_event(CourseCreated)]),
              running_state()]
    for state in states:
        for stage in [None, *REQUESTS.values()]:
            after = evolve(state, on_run(example_event(cls), stage))
            assert decided_on(after) == decided_on(state), (cls.__name__, stage)


def test_progress_steps_are_left_out_and_only_show_progress():
    state = running_state()
    step = on_run(example_event(StageProgressed), "stage2")
    assert StageProgressed not in DECIDING
    assert evolve(state, step) != state and decided_on(evolve(state, step)) == decided_on(state)
