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


# --- judged by what a run produced (its fingerprint), not by which run it was ---------------------

def produced(stage: str, task: str, built_on: str | None, minutes: int, fingerprint: str | None = None,
             built_on_fingerprint: str | None = None) -> StageResult:
    return StageResult(stage, task, built_on, *OFFLINE, T0 + timedelta(minutes=minutes),
                       fingerprint=fingerprint, input_fingerprint=built_on_fingerprint)


def built_course(scan: StageResult, analysis: StageResult) -> dict[str, StageResult]:
    """A course whose stages 3 and 4 were built on the analysis `a1` (fingerprint `f1`)."""
    return {"stage1": scan, "stage2": analysis, "stage3": produced("stage3", "p1", "a1", 2, None, "f1"),
            "stage4": produced("stage4", "m1", "p1", 3)}


def stale(results: dict[str, StageResult]) -> list[str]:
    return [stage for stage, verdict in staleness(results).items() if verdict.stale]


def test_scanning_the_same_snapshot_again_leaves_everything_current():
    runs = built_course(produced("stage1", "c2", None, 50, "snap1"), produced("stage2", "a1", "c1", 1, "f1", "snap1"))
    assert stale(runs) == []
    assert course_staleness(runs, ALL_SUCCEEDED) == {"stale": False, "stale_stages": [], "stale_reason": None,
                                                     "course_ready": True}
    assert stage_marks("stage2", "SUCCESS", "a1", runs) == {
        "stale": False, "stale_reason": None, "engine": {"provider": "offline", "model": "offline-engine",
                                                         "offline": True}}


def test_a_scan_of_another_snapshot_puts_every_later_stage_out_of_date():
    runs = built_course(produced("stage1", "c2", None, 50, "snap2"), produced("stage2", "a1", "c1", 1, "f1", "snap1"))
    verdicts = staleness(runs)
    assert stale(runs) == ["stage2", "stage3", "stage4"]
    assert all(verdicts[s].reason == "built on an earlier run of stage 1 (repository scanned again at "
                                     "2026-03-01 10:20 UTC)" for s in ("stage2", "stage3", "stage4"))
    assert course_staleness(runs, ALL_SUCCEEDED)["stale_reason"] == "stage 1 was run again"


def test_an_analysis_run_again_with_the_same_fingerprint_leaves_stages_3_and_4_current():
    scan = produced("stage1", "c1", None, 0, "snap1")
    same = built_course(scan, produced("stage2", "a2", "c1", 50, "f1", "snap1"))
    assert stale(same) == []
    other = built_course(scan, produced("stage2", "a2", "c1", 50, "f2", "snap1"))
    assert stale(other) == ["stage3", "stage4"]
    assert staleness(other)["stage3"].reason.startswith("built on an earlier run of stage 2 (documents analysed")


def test_a_new_scan_analysed_again_to_the_same_analyses_makes_the_later_stages_current_again():
    # The commit changed files outside the selection: stage 2 had to run again, and gave the same.
    runs = built_course(produced("stage1", "c2", None, 50, "snap2"), produced("stage2", "a2", "c2", 60, "f1", "snap2"))
    assert stale(runs) == []


def test_a_result_without_fingerprints_is_judged_by_its_run_as_before():
    # Built before fingerprints were recorded: the upstream's fingerprint alone says nothing.
    unknown_input = built_course(produced("stage1", "c2", None, 50, "snap1"), produced("stage2", "a1", "c1", 1, "f1"))
    assert stale(unknown_input) == ["stage2", "stage3", "stage4"]
    same_run = built_course(produced("stage1", "c1", None, 0, "snap1"), produced("stage2", "a1", "c1", 1, "f1"))
    assert stale(same_run) == []
    # An analysis from an older doc_analyser (no fingerprint) run again: stages 3 and 4 are out of date.
    older = {"stage1": produced("stage1", "c1", None, 0, "snap1"), "stage2": produced("stage2", "a2", "c1", 50),
             "stage3": produced("stage3", "p1", "a1", 2), "stage4": produced("stage4", "m1", "p1", 3)}
    assert stale(older) == ["stage3", "stage4"]
