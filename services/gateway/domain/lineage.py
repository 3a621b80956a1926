"""Which stage results are out of date, and who wrote each. Pure.

Each stage builds on a run of the stage before it. When that earlier stage succeeds again with a
different result, the later stage's result was built on what is no longer there: out of date until
it is run again. A stage built on an out-of-date result is out of date for the same reason.

"A different result" is judged by what the runs produced (their fingerprints), not by which run it
was: a refresh of an unchanged repository scans the same snapshot again, and what was built on the
earlier scan is as current as before. Stage 1's fingerprint is its snapshot (content-addressed),
stage 2's is over its analyses (DocsAnalysed.fingerprint); stages 3 and 4 have none, and a result
recorded before fingerprints were is judged by its run (task id), as it always was."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Mapping

STAGES = ("stage1", "stage2", "stage3", "stage4")
OFFLINE = "offline"  # the offline provider's name (shared/llm/offline.py)
_AGAIN = {"stage1": "repository scanned again", "stage2": "documents analysed again",
          "stage3": "pathways generated again"}


@dataclass(frozen=True)
class StageResult:
    """A stage's last successful run (the read table `stage_results`)."""
    stage: str
    task_id: str
    input_task_id: str | None
    provider: str | None
    model: str | None
    completed_at: datetime
    fingerprint: str | None = None        # what this run produced, when it says
    input_fingerprint: str | None = None  # what the run it built on (input_task_id) produced, when known


@dataclass(frozen=True)
class Staleness:
    stale: bool = False
    cause: str | None = None      # the earlier stage that was run again
    since: datetime | None = None  # when its newer run finished

    @property
    def reason(self) -> str | None:
        if not self.stale:
            return None
        return (f"built on an earlier run of {spoken(self.cause)} "
                f"({_AGAIN[self.cause]} at {self.since:%Y-%m-%d %H:%M} UTC)")


FRESH = Staleness()


def spoken(stage: str) -> str:
    return stage.replace("stage", "stage ", 1)


def staleness(results: Mapping[str, StageResult]) -> dict[str, Staleness]:
    """For every stage, whether its last result is out of date, and why."""
    verdicts: dict[str, Staleness] = {}
    for before, stage in zip((None, *STAGES), STAGES):
        mine, upstream = results.get(stage), results.get(before) if before else None
        if mine is None or upstream is None or mine.input_task_id is None:
            verdicts[stage] = FRESH  # nothing to be out of date, or built before runs were recorded
        elif not built_on(mine, upstream):
            verdicts[stage] = Staleness(True, before, upstream.completed_at.astimezone(timezone.utc))
        else:
            verdicts[stage] = verdicts[before]
    return verdicts


def built_on(mine: StageResult, upstream: StageResult) -> bool:
    """Whether `mine` was built on what `upstream` produced: the same fingerprint when both are
    known, else the very run."""
    if mine.input_fingerprint is not None and upstream.fingerprint is not None:
        return mine.input_fingerprint == upstream.fingerprint
    return mine.input_task_id == upstream.task_id


def engine(result: StageResult | None) -> dict | None:
    """Who did a result's work: the offline engine, or a provider and its model."""
    if result is None or result.stage == "stage1" or result.provider is None:
        return None  # stage 1 asks no model; a result without usage does not say
    return {"provider": result.provider, "model": result.model, "offline": result.provider == OFFLINE}


def course_staleness(results: Mapping[str, StageResult], current: Mapping[str, str]) -> dict:
    """The course's answer: which stages' shown results (`current`: stage -> status of its
    current run) are out of date, the stage run again, and whether the generated course is shown."""
    verdicts = staleness(results)
    stale = [stage for stage in STAGES if verdicts[stage].stale and current.get(stage) == "SUCCESS"]
    cause = verdicts[stale[0]].cause if stale else None
    return {"stale": bool(stale), "stale_stages": stale,
            "stale_reason": f"{spoken(cause)} was run again" if cause else None,
            "course_ready": current.get("stage4") == "SUCCESS"}


def stage_marks(stage: str, status: str, task_id: str | None, results: Mapping[str, StageResult]) -> dict:
    """What a stage's status answer says about its shown result: out of date (and why), and its engine.
    Only a succeeded run shows a result; a running, failed or cancelled one says so by its status."""
    result = results.get(stage)
    shown = status == "SUCCESS" and result is not None and result.task_id == task_id
    verdict = staleness(results)[stage] if shown else FRESH
    return {"stale": verdict.stale, "stale_reason": verdict.reason, "engine": engine(result) if shown else None}
