"""Which stage results are out of date (services/gateway/domain/lineage.py), over runs as the read
table `stage_results` holds them."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.gateway.domain.lineage import StageResult, course_staleness, engine, stage_marks, staleness

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
OFFLINE = ("offline", "offline-engine")


def result(stage: str, task: str, built_on: str | None, minutes: int, by=OFFLINE) -> StageResult:
    return StageResult(stage, task, built_on, *by, T0 + timedelta(minutes=minutes))


def course(**tasks: tuple[str, str | None, int]) -> dict[str, StageResult]:
    return {stage: result(stage, *spec) for stage, spec in tasks.items()}


ALL_SUCCEEDED = {"stage1": "SUCCESS", "stage2": "SUCCESS", "stage3": "SUCCESS", "stage4": "SUCCESS"}


def test_a_course_whose_stages_each_built_on_the_last_run_is_current():
    runs = course(stage1=("c1", None, 0), stage2=("a1", "c1", 1), stage3=("p1", "a1", 2), stage4=("m1", "p1", 3))
    assert not any(v.stale for v in staleness(runs).values())
    assert course_staleness(runs, ALL_SUCCEEDED) == {"stale": False, "stale_stages": [], "stale_reason": None,
                                                     "course_ready": True}


def test_a_newer_analysis_makes_every_later_stage_stale_with_its_time():
    runs = course(stage1=("c1", None, 0), stage2=("a2", "c1", 50), stage3=("p1", "a1", 2), stage4=("m1", "p1", 3))
    verdicts = staleness(runs)
    assert [s for s, v in verdicts.items() if v.stale] == ["stage3", "stage4"]
    assert verdicts["stage4"].reason == ("built on an earlier run of stage 2 "
                                         "(documents analysed again at 2026-03-01 10:20 UTC)")
    assert course_staleness(runs, ALL_SUCCEEDED)["stale_reason"] == "stage 2 was run again"


def test_the_nearest_rerun_is_the_reason_once_the_stage_between_has_run_again():
    runs = course(stage1=("c1", None, 0), stage2=("a2", "c1", 50), stage3=("p2", "a2", 60), stage4=("m1", "p1", 3))
    verdicts = staleness(runs)
    assert [s for s, v in verdicts.items() if v.stale] == ["stage4"]
    assert verdicts["stage4"].reason.startswith("built on an earlier run of stage 3 (pathways generated again at")


def test_a_result_recorded_before_inputs_were_is_not_called_stale():
    runs = course(stage1=("c2", None, 9), stage2=("a1", None, 1))
    assert not staleness(runs)["stage2"].stale


def test_only_a_succeeded_run_shows_marks_and_a_running_stage_is_not_in_the_course_answer():
    runs = course(stage1=("c2", None, 9), stage2=("a1", "c1", 1))
    assert stage_marks("stage2", "SUCCESS", "a1", runs)["stale"] is True
    assert stage_marks("stage2", "STARTED", "a9", runs) == {"stale": False, "stale_reason": None, "engine": None}
    answer = course_staleness(runs, {"stage1": "SUCCESS", "stage2": "STARTED"})
    assert (answer["stale"], answer["course_ready"]) == (False, False)


def test_the_engine_is_the_provider_and_model_and_stage_1_has_none():
    assert engine(result("stage2", "a1", "c1", 1, ("openai", "local-model"))) == {
        "provider": "openai", "model": "local-model", "offline": False}
    assert engine(result("stage3", "p1", "a1", 1)) == {"provider": "offline", "model": "offline-engine",
                                                       "offline": True}
    assert engine(result("stage1", "c1", None, 1)) is None
    assert engine(StageResult("stage4", "m1", "p1", None, None, T0)) is None
