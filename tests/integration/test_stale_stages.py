"""Out of date, through a real gateway (nats-server, PostgreSQL): a later stage built on an earlier
run of a stage that has since succeeded again with another result says `stale: true` with the
reason, in its status, the live statuses and the course, until it is run again; a re-run that is
still going or failed leaves it as it was, and so does one that produced the same (the same snapshot,
analyses with the same fingerprint); each stage says which engine wrote it; replaying the log
rebuilds exactly these answers."""
from __future__ import annotations

from tests.support.finished_runs import analysis_finished, course_finished, pathways_finished, run_failed
from tests.support.fingerprinted_runs import fingerprinted_analysis_finished
from tests.support.flows import ALICE, new_course, start
from tests.support.read_tables import read_tables, replay_live
from tests.support.seeded_stages import scanned

FILES = {"README.md": 1200, "docs/a.md": 9000, "docs/b.md": 4000}
PATHS = ["docs/a.md", "docs/b.md"]
MODEL = {"provider": "openai", "model": "local-model"}
STAGES = ("stage1", "stage2", "stage3", "stage4")


async def select_docs(api, course_id: str) -> None:
    chosen = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=ALICE,
                            json={"selected_folders": ["docs"], "overview_document": "README.md"})
    assert chosen.status_code == 200, chosen.text


async def analyse(api, course_id: str, engine: dict = MODEL, finish=analysis_finished, **more) -> str:
    task = (await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"}))["task_id"]
    await finish(api.app.state.container, course_id, task, PATHS, engine, **more)
    return task


async def plan(api, course_id: str) -> str:
    task = (await start(api, course_id, "generate-pathways", {}))["task_id"]
    pathway = await pathways_finished(api.app.state.container, course_id, task, PATHS)
    chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                            json={"selected_pathway_id": pathway})
    assert chosen.status_code == 200, chosen.text
    return task


async def write(api, course_id: str) -> str:
    task = (await start(api, course_id, "generate-course", {}))["task_id"]
    await course_finished(api.app.state.container, course_id, task)
    return task


async def finished_course(api, analysis=analysis_finished) -> str:
    """A course through all four stages: stage 2 by a model (finished by `analysis`), stages 3 and 4
    by the offline engine."""
    course_id = await new_course(api)
    await scanned(api.app.state.container, course_id, FILES)
    await select_docs(api, course_id)
    await analyse(api, course_id, finish=analysis)
    await plan(api, course_id)
    await write(api, course_id)
    return course_id


async def statuses(api, course_id: str) -> dict[str, dict]:
    answers = {stage: await api.get(f"/api/courses/{course_id}/{stage}/status", headers=ALICE) for stage in STAGES}
    assert all(a.status_code == 200 for a in answers.values()), {s: a.text for s, a in answers.items()}
    return {stage: answer.json() for stage, answer in answers.items()}


async def course(api, course_id: str) -> dict:
    answer = await api.get(f"/api/projects/{course_id}", headers=ALICE)
    assert answer.status_code == 200, answer.text
    return answer.json()


def stale_stages(status: dict[str, dict]) -> list[str]:
    return [stage for stage in STAGES if status[stage]["stale"]]


async def test_a_new_analysis_puts_stages_3_and_4_out_of_date_until_each_runs_again(gateway):
    course_id = await finished_course(gateway)
    before = await statuses(gateway, course_id)
    assert [before[s]["status"] for s in STAGES] == ["SUCCESS"] * 4
    assert stale_stages(before) == [] and all(before[s]["stale_reason"] is None for s in STAGES)
    fresh = await course(gateway, course_id)
    assert (fresh["stale"], fresh["stale_stages"], fresh["course_ready"]) == (False, [], True)

    # Stage 2 runs again: while it runs, what stages 3 and 4 were built on is still the last analysis.
    task = (await start(gateway, course_id, "analyze-documents", {"complexity_level": "advanced"}))["task_id"]
    assert stale_stages(await statuses(gateway, course_id)) == []
    await analysis_finished(gateway.app.state.container, course_id, task, PATHS, MODEL)

    after = await statuses(gateway, course_id)
    assert stale_stages(after) == ["stage3", "stage4"]
    assert [after[s]["status"] for s in STAGES] == ["SUCCESS"] * 4
    for stage in ("stage3", "stage4"):
        assert after[stage]["stale_reason"].startswith("built on an earlier run of stage 2 (documents analysed "
                                                       "again at "), after[stage]
        assert after[stage]["stale_reason"].endswith(" UTC)")
    header = await course(gateway, course_id)
    assert header["status"] == "stage2_complete"  # the last event, and why the header needs more:
    assert (header["stale"], header["stale_stages"], header["stale_reason"], header["course_ready"]) == (
        True, ["stage3", "stage4"], "stage 2 was run again", True)
    listed = (await gateway.get("/api/projects/", headers=ALICE)).json()
    assert [(c["course_id"], c["stale"], c["stale_reason"]) for c in listed] == [
        (course_id, True, "stage 2 was run again")]
    for result in ("pathways", "generated-course"):  # the results say so too, where they are read
        read = (await gateway.get(f"/api/courses/{course_id}/{result}", headers=ALICE)).json()
        assert read["stale"] and read["stale_reason"].startswith("built on an earlier run of stage 2"), read
        assert read["engine"] == {"provider": "offline", "model": "offline-engine", "offline": True}
    overall = (await gateway.get(f"/api/course-generation/{course_id}/status", headers=ALICE)).json()
    assert (overall["stale"], overall["stale_stages"]) == (True, ["stage3", "stage4"])
    assert {s: overall["stages"][s]["stale"] for s in STAGES} == {s: s in ("stage3", "stage4") for s in STAGES}

    # New pathways: stage 3 is current, the course is now built on an earlier run of stage 3.
    await plan(gateway, course_id)
    replanned = await statuses(gateway, course_id)
    assert stale_stages(replanned) == ["stage4"]
    assert replanned["stage4"]["stale_reason"].startswith("built on an earlier run of stage 3 (pathways generated "
                                                          "again at ")
    assert (await course(gateway, course_id))["stale_reason"] == "stage 3 was run again"

    await write(gateway, course_id)
    assert stale_stages(await statuses(gateway, course_id)) == []
    assert (await course(gateway, course_id))["stale"] is False


async def test_a_new_scan_puts_the_analysis_out_of_date_and_everything_built_on_it(gateway):
    course_id = await finished_course(gateway)
    await scanned(gateway.app.state.container, course_id, FILES, task="scan2", snapshot="snap2")
    after = await statuses(gateway, course_id)
    assert stale_stages(after) == ["stage2", "stage3", "stage4"]
    assert all(after[s]["stale_reason"].startswith("built on an earlier run of stage 1 (repository scanned again")
               for s in ("stage2", "stage3", "stage4"))
    header = await course(gateway, course_id)
    assert (header["status"], header["stale_reason"]) == ("stage1_complete", "stage 1 was run again")


async def test_a_failed_new_analysis_leaves_the_course_current(gateway):
    course_id = await finished_course(gateway)
    task = (await start(gateway, course_id, "analyze-documents", {"complexity_level": "advanced"}))["task_id"]
    await run_failed(gateway.app.state.container, course_id, "stage2", task)
    after = await statuses(gateway, course_id)
    assert after["stage2"]["status"] == "FAILURE"
    assert stale_stages(after) == []  # stages 3 and 4 are still built on the last analysis that succeeded
    header = await course(gateway, course_id)
    assert (header["status"], header["stale"], header["course_ready"]) == ("stage2_failed", False, True)


async def test_each_stage_says_which_engine_wrote_it(gateway):
    course_id = await finished_course(gateway)
    status = await statuses(gateway, course_id)
    assert status["stage1"]["engine"] is None  # stage 1 asks no model
    assert status["stage2"]["engine"] == {"provider": "openai", "model": "local-model", "offline": False}
    for stage in ("stage3", "stage4"):
        assert status[stage]["engine"] == {"provider": "offline", "model": "offline-engine", "offline": True}
    # A run under way has no engine to show yet; the one it replaces is no longer shown.
    await start(gateway, course_id, "analyze-documents", {"complexity_level": "advanced"})
    running = (await gateway.get(f"/api/courses/{course_id}/stage2/status", headers=ALICE)).json()
    assert (running["status"], running["engine"], running["stale"]) == ("PENDING", None, False)


async def test_replay_rebuilds_what_is_out_of_date(gateway):
    course_id = await finished_course(gateway)
    await analyse(gateway, course_id)
    pool, schema = gateway.app.state.container.pool, gateway.app.state.container.settings.read_schema
    tables, answers = await read_tables(pool, schema), await statuses(gateway, course_id)
    assert tables["stage_results"] and stale_stages(answers) == ["stage3", "stage4"]
    await replay_live(gateway)
    assert await read_tables(pool, schema) == tables
    assert await statuses(gateway, course_id) == answers


async def test_scanning_the_same_commit_again_leaves_the_course_current_and_another_does_not(gateway):
    course_id = await finished_course(gateway, fingerprinted_analysis_finished)
    # A refresh of an unchanged repository: stage 1 runs again and finds the very snapshot.
    await scanned(gateway.app.state.container, course_id, FILES, task="scan2", snapshot="snap1")
    again = await statuses(gateway, course_id)
    assert [again[s]["status"] for s in STAGES] == ["SUCCESS"] * 4
    assert stale_stages(again) == [] and all(again[s]["stale_reason"] is None for s in STAGES)
    header = await course(gateway, course_id)
    assert (header["status"], header["stale"], header["stale_stages"], header["stale_reason"],
            header["course_ready"]) == ("stage1_complete", False, [], None, True)
    listed = (await gateway.get("/api/projects/", headers=ALICE)).json()
    assert [(c["course_id"], c["stale"]) for c in listed] == [(course_id, False)]
    overall = (await gateway.get(f"/api/course-generation/{course_id}/status", headers=ALICE)).json()
    assert (overall["stale"], overall["stale_stages"]) == (False, [])

    pool, schema = gateway.app.state.container.pool, gateway.app.state.container.settings.read_schema
    tables = await read_tables(pool, schema)
    await replay_live(gateway)  # the rebuilt tables judge by fingerprints too
    assert await read_tables(pool, schema) == tables
    assert await statuses(gateway, course_id) == again

    # A new commit: another snapshot, and everything built on the earlier one is out of date.
    await scanned(gateway.app.state.container, course_id, FILES, task="scan3", snapshot="snap2")
    moved = await statuses(gateway, course_id)
    assert stale_stages(moved) == ["stage2", "stage3", "stage4"]
    assert all(moved[s]["stale_reason"].startswith("built on an earlier run of stage 1 (repository scanned again")
               for s in ("stage2", "stage3", "stage4"))
    assert (await course(gateway, course_id))["stale_reason"] == "stage 1 was run again"


async def test_an_analysis_run_again_to_the_same_result_leaves_stages_3_and_4_current(gateway):
    course_id = await finished_course(gateway, fingerprinted_analysis_finished)
    await analyse(gateway, course_id, finish=fingerprinted_analysis_finished)  # the same documents, analysed alike
    same = await statuses(gateway, course_id)
    assert [same[s]["status"] for s in STAGES] == ["SUCCESS"] * 4
    assert stale_stages(same) == []
    assert (await course(gateway, course_id))["stale"] is False

    await analyse(gateway, course_id, finish=fingerprinted_analysis_finished, edition="-v2")  # documents changed
    changed = await statuses(gateway, course_id)
    assert stale_stages(changed) == ["stage3", "stage4"]
    assert changed["stage3"]["stale_reason"].startswith("built on an earlier run of stage 2 (documents analysed")
    assert (await course(gateway, course_id))["stale_reason"] == "stage 2 was run again"

    # Analysed once more as the pathways' analysis was: what stages 3 and 4 built on is back.
    await analyse(gateway, course_id, finish=fingerprinted_analysis_finished)
    assert stale_stages(await statuses(gateway, course_id)) == []
