"""Status that never contradicts itself, as a user sees it (issue 21): a second "Analyse documents"
while the first runs is information beside a badge that agrees, gone when the run ends; each stage
says which engine wrote it; after stage 2 runs again, stages 3 and 4 say "Out of date" with the
reason and the header and the course list say the course is out of date, not "Stage 2 complete"; a
stage running again after a failure is what the header says, not the earlier failure."""
from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.page_checks import held
from tests.support.waiting import patient

STAGE_TIMEOUT = round(patient(90) * 1000)  # ms: a whole stage on a busy machine


async def test_rerunning_stage_2_marks_the_later_stages_out_of_date_and_nothing_contradicts(ui, course_repo):
    await ui.sign_in()
    await ui.new_course("Truthful status")
    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    await ui.select(["docs"], "README.md")

    panel2 = ui.panel(2)
    info, error = ui.by("stage-info", panel2), ui.by("stage-error", panel2)
    with held(ui.system, "doc_analyser"):
        await ui.by("start-stage2").click()
        await expect(ui.by("stage2-status")).to_have_text("Waiting for a worker")
        await ui.by("start-stage2").click()  # again, while the first run waits
        await expect(info).to_have_text("Stage 2 is already running; its progress is shown here.")
        await expect(error).to_be_hidden()
        await expect(ui.by("course-status")).to_have_text("Stage 2 running")
    await ui.wait_stage(2)
    await expect(ui.by("stage2-status")).to_have_text("Succeeded")
    await expect(info).to_be_hidden()  # the run it was about has ended
    await expect(error).to_be_hidden()

    engine2 = ui.by("stage2-engine")
    await expect(engine2).to_contain_text("Engine: the offline engine, no model.")
    await expect(engine2).to_contain_text("A model would read each document for its meaning")
    await expect(ui.by("stage1-engine")).to_be_hidden()  # stage 1 asks no model

    await ui.through_stage4()
    for n in (3, 4):
        await expect(ui.by(f"stage{n}-engine")).to_contain_text("Engine: the offline engine, no model.")
        await expect(ui.by(f"stage{n}-stale")).to_be_hidden()
    await expect(ui.by("course-status")).to_have_text("Stage 4 complete")

    # Stage 2 again, for another audience: what stages 3 and 4 show was built on the earlier analysis.
    await ui.by("complexity").select_option("advanced")
    await ui.by("start-stage2").click()
    for n in (3, 4):
        await expect(ui.by(f"stage{n}-stale")).to_be_visible(timeout=STAGE_TIMEOUT)
    await ui.wait_stage(2)
    await assert_out_of_date(ui)

    # A reload reads the same from the gateway.
    await ui.page.reload()
    await expect(ui.by("stage4-status")).to_have_text("Succeeded")
    await assert_out_of_date(ui)

    # The course list says so too, and still offers to read it.
    await ui.by("back-to-courses").click()
    row = ui.by("course-row")
    await expect(ui.by("course-status", row)).to_have_text("Course ready")
    await expect(ui.by("course-stale", row)).to_have_text("Out of date")
    await expect(ui.by("course-stale-reason", row)).to_have_text("stage 2 was run again.")
    await expect(row).not_to_contain_text("Stage 2 complete")
    await ui.by("read-course", row).click()
    await expect(ui.by("reader-kicker")).to_contain_text("Module 1 of")
    assert ui.errors == []


async def assert_out_of_date(ui) -> None:
    await expect(ui.by("stage2-stale")).to_be_hidden()
    for n in (3, 4):
        await expect(ui.by(f"stage{n}-stale")).to_have_text("Out of date")
        await expect(ui.by(f"stage{n}-status")).to_have_text("Succeeded")
        await expect(ui.by(f"stage{n}-stale-reason")).to_contain_text(re.compile(
            r"^Out of date: built on an earlier run of stage 2 \(documents analysed again at "
            r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\)\. Run this stage again"))
    header = ui.by("course-status")
    await expect(header).to_have_text("Course ready — out of date: stage 2 was run again")
    await expect(header).to_have_attribute("data-stale", "true")
    await expect(ui.by("open-reader")).to_be_visible()  # the course is still there to read
    await expect(ui.by("course-read")).to_be_visible()


async def test_a_stage_running_again_after_a_failure_is_what_the_header_says(ui, tmp_path):
    await ui.sign_in()
    await ui.new_course("Failed, then running")
    plain = tmp_path / "not-yet-a-repo"
    plain.mkdir()
    await ui.start_stage1(plain)
    await ui.wait_stage(1, "FAILURE")
    await expect(ui.by("course-status")).to_have_text("Stage 1 failed")

    make_repo(plain, COURSE_REPO)
    with held(ui.system, "repo_clone"):
        await ui.by("retry-stage", ui.panel(1)).click()
        await expect(ui.by("stage1-status")).to_have_text("Waiting for a worker")
        await expect(ui.by("course-status")).to_have_text("Stage 1 running")
        await expect(ui.by("stage-error", ui.panel(1))).to_be_hidden()
    await ui.wait_stage(1)
    await expect(ui.by("course-status")).to_have_text("Stage 1 complete")
