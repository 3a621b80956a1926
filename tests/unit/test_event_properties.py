"""Properties of the event contract: every event of the catalogue, whatever its
payload, survives `to_json` → `decode_event` unchanged, also through the upcaster path; and the
stage fold never lets an older run or a late event change a run that moved on or finished."""
from __future__ import annotations

import contextlib
import json

from hypothesis import given, settings, strategies as st

from shared.events import CATALOGUE, decode_event
from shared.events.catalogue import (
    CourseGenerated, CourseGenerationRequested, DocsAnalysed, DocsAnalysisRequested,
    PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested, StageCancelled, StageFailed,
    StageProgressed, StageStarted,
)
from shared.events.codec import UPCASTERS, register_upcaster
from shared.stage.runs import FAILURE, RUNNING, fold_runs
from tests.support.event_strategies import model

ANY_EVENT = st.one_of([model(cls) for cls in CATALOGUE])


@given(ANY_EVENT)
@settings(max_examples=200)
def test_every_event_round_trips_through_json(event):
    decoded = decode_event(event.to_json())
    assert type(decoded) is type(event) and decoded == event
    assert decoded.to_json() == event.to_json()


@given(ANY_EVENT)
def test_a_stored_event_without_schema_version_is_version_1(event):
    raw = json.loads(event.to_json())
    del raw["schema_version"]
    assert decode_event(json.dumps(raw).encode()) == event


@contextlib.contextmanager
def older_versions(event_type: str):
    """v-1 kept the payload under "data"; v0 called the actor "by". Upcasters step to v1."""
    steps = {-1: lambda r: {**{k: v for k, v in r.items() if k != "data"}, "payload": r["data"],
                            "schema_version": 0},
             0: lambda r: {**{k: v for k, v in r.items() if k != "by"}, "actor": r["by"], "schema_version": 1}}
    for version, step in steps.items():
        register_upcaster(event_type, version)(step)
    try:
        yield
    finally:
        for version in steps:
            UPCASTERS.pop((event_type, version), None)


@given(ANY_EVENT, st.sampled_from([-1, 0]))
def test_an_older_version_is_upcast_to_an_equal_event(event, version):
    raw = json.loads(event.to_json())
    raw["by"] = raw.pop("actor")
    raw["schema_version"] = 0
    if version == -1:
        raw["data"], raw["schema_version"] = raw.pop("payload"), -1
    with older_versions(event.event_type):
        assert decode_event(json.dumps(raw).encode()) == event


# --- the stage fold --------------------------------------------------------------------------
STAGES, TASKS = ("stage1", "stage2", "stage3", "stage4"), ("t1", "t2", "t3")
REQUEST = {"stage1": lambda t: RepoCloneRequested(course_id="c", actor="a", payload={"task_id": t, "repo_url": "u"}),
           "stage2": lambda t: DocsAnalysisRequested(course_id="c", actor="a", payload={
               "task_id": t, "complexity_level": "beginner"}),
           "stage3": lambda t: PathwaysRequested(course_id="c", actor="a", payload={"task_id": t}),
           "stage4": lambda t: CourseGenerationRequested(course_id="c", actor="a", payload={
               "task_id": t, "pathway_id": "p"})}
RESULT = {"stage1": lambda t: RepoCloned(course_id="c", actor="w", payload={
              "task_id": t, "repo_url": "u", "repo_name": "r", "commit_sha": "s", "file_count": 1,
              "documentation_count": 1, "chunk_count": 1, "snapshot_ref": "s"}),
          "stage2": lambda t: DocsAnalysed(course_id="c", actor="w", payload={"task_id": t, "document_count": 1}),
          "stage3": lambda t: PathwaysGenerated(course_id="c", actor="w", payload={"task_id": t, "pathways": []}),
          "stage4": lambda t: CourseGenerated(course_id="c", actor="w", payload={
              "task_id": t, "module_count": 1, "export_ref": "e"})}


def worker_event(kind: str, stage: str, task: str, percent: int):
    if kind == "result":
        return RESULT[stage](task)
    payload = {"stage": stage, "task_id": task}
    cls, extra = {"started": (StageStarted, {}), "progressed": (StageProgressed, {
        "progress_percentage": percent, "current_step": f"step {percent}"}),
        "failed": (StageFailed, {"error_message": "boom"}), "cancelled": (StageCancelled, {})}[kind]
    return cls(course_id="c", actor="w", payload={**payload, **extra})


WORKER_EVENTS = st.builds(worker_event, st.sampled_from(["started", "progressed", "failed", "cancelled",
                                                         "result"]),
                          st.sampled_from(STAGES), st.sampled_from(TASKS), st.integers(0, 100))
ANY_STAGE_EVENTS = st.lists(st.one_of(WORKER_EVENTS, st.builds(lambda s, t: REQUEST[s](t), st.sampled_from(STAGES),
                                                               st.sampled_from(TASKS))), max_size=12)


@given(ANY_STAGE_EVENTS, st.sampled_from(STAGES), st.lists(WORKER_EVENTS, max_size=12), st.data())
def test_events_of_an_older_run_never_change_the_current_run(history, stage, late, data):
    """Once `stage` was requested again as task "new", no event about an older task changes it,
    wherever it arrives among the new run's own events."""
    current = history + [REQUEST[stage]("new")]
    own = data.draw(st.lists(st.builds(worker_event, st.sampled_from(["started", "progressed", "failed", "cancelled",
                                                                      "result"]), st.just(stage), st.just("new"),
                                       st.integers(0, 100)), max_size=4))
    old = [e for e in late if e.payload.task_id != "new"]
    merged = data.draw(st.permutations(own + old))
    order = list(own)  # the new run's own events keep their order
    merged = [order.pop(0) if e in own else e for e in merged]
    assert fold_runs(current + merged)[stage] == fold_runs(current + own)[stage]


FOLLOWING = st.lists(st.one_of(WORKER_EVENTS, st.just("the request again"), st.builds(
    worker_event, st.sampled_from(["started", "progressed", "failed", "cancelled", "result"]),
    st.sampled_from(STAGES),
    st.just("final"), st.integers(0, 100))), max_size=12)


@given(ANY_STAGE_EVENTS, st.sampled_from(STAGES), st.sampled_from(["failed", "cancelled", "result"]), FOLLOWING)
def test_a_finished_run_stays_finished_whatever_follows(history, stage, ending, following):
    """Late workers, any other run's events and the run's own request delivered again."""
    request = REQUEST[stage]("final")
    until_finished = history + [request, worker_event(ending, stage, "final", 0)]
    finished = fold_runs(until_finished)[stage]
    assert finished.status not in RUNNING and (finished.status == FAILURE) == (ending == "failed")
    following = [request if e == "the request again" else e for e in following]
    assert fold_runs(until_finished + following)[stage] == finished


@given(st.sampled_from(STAGES), st.sampled_from(["failed", "cancelled", "result"]))
def test_an_older_runs_request_seen_again_does_not_reopen_it(stage, ending):
    old, new = REQUEST[stage]("old"), REQUEST[stage]("new")
    history = [old, worker_event("failed", stage, "old", 0), new, worker_event(ending, stage, "new", 0)]
    assert fold_runs(history + [old])[stage] == fold_runs(history)[stage]
