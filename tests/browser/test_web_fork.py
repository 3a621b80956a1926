"""Forking a course from the course page, in Chromium against `coursegen run` (every stage service a
real process, the offline engine): a course taken through stage 3 by the REST API offers its three
succeeded stages, each in words; a fork refused because stage 3 runs (started in another tab, its
service held) says why beside the button; forked from stage 2 with the keyboard, the page moves to the
fork, which says where it came from, has stages 1 and 2 done and goes on from stage 3. A course with
nothing succeeded offers nothing, and the control fits a phone."""
from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.fork_ui import course_status, course_through_stage3, start_elsewhere
from tests.support.page_checks import assert_beside, held, layout_problems
from tests.support.web_modules import module_page

PHONE = {"width": 390, "height": 844}
SOURCE = "Skyline to fork"
KEPT = ["Stage 1: the repository scan and folder choice",
        "Stage 2: the repository scan and folder choice, and the document analysis",
        "Stage 3: the repository scan and folder choice, the document analysis, and the pathways and your choice"]


async def offered(ui) -> list[str]:
    return [await radio.get_attribute("data-stage") for radio in await ui.by("fork-stage").all()]


async def test_fork_from_stage_2_lands_on_the_fork_which_goes_on_from_stage_3(ui, course_repo):
    source_id = await course_through_stage3(ui.system, ui.user, course_repo, SOURCE)
    page = ui.page
    await ui.sign_in()
    await page.goto(f"{ui.system.url}/#/courses/{source_id}")
    await expect(ui.panel(3)).to_have_attribute("data-status", "SUCCESS")

    # The disclosure opens from the keyboard; the stages whose last run succeeded, in words.
    panel, submit = ui.by("fork-panel"), ui.by("fork-submit")
    await panel.locator("summary").focus()
    await page.keyboard.press("Enter")
    await expect(submit).to_be_visible()
    assert await offered(ui) == ["stage1", "stage2", "stage3"]  # stage 4 never ran
    await expect(ui.by("fork-stages").locator("label")).to_have_text(KEPT)
    await expect(ui.by("fork-stage").nth(2)).to_be_checked()  # the latest, unless chosen otherwise
    await expect(ui.by("fork-title")).to_have_attribute("placeholder", f"{SOURCE} (fork)")
    await expect(ui.by("fork-notice")).to_be_hidden()

    # Stage 3 started in another tab (its service held, so it stays running): the page still shows
    # stage 3 done, and forking from it is refused beside the button, the chosen stage marked.
    error = ui.by("fork-error")
    with held(ui.system, "pathway"):
        await start_elsewhere(ui.system, ui.user, source_id, "generate-pathways")
        await submit.click()
        await expect(error).to_have_text("Not possible yet: stage 3 is waiting for a worker; a course is forked "
                                         "from a stage whose last run succeeded")
    await expect(error).to_have_attribute("role", "alert")
    await assert_beside(error, submit)
    error_id = await error.get_attribute("id")
    await expect(submit).to_have_attribute("aria-describedby", error_id)
    stage3, stage2 = ui.by("fork-stage").nth(2), ui.by("fork-stage").nth(1)
    await expect(stage3).to_have_attribute("aria-invalid", "true")
    await expect(stage3).to_have_attribute("aria-describedby", error_id)

    # Stage 2 with the keyboard (the arrow key moves the choice): the refusal's marks go.
    await stage3.focus()
    await page.keyboard.press("ArrowUp")
    await expect(stage2).to_be_checked()
    await expect(error).to_be_hidden()
    await expect(stage3).not_to_have_attribute("aria-invalid", "true")
    await expect(submit).not_to_have_attribute("aria-describedby", error_id)
    await page.keyboard.press("Tab")
    await expect(ui.by("fork-title")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(submit).to_be_focused()
    await page.keyboard.press("Enter")

    # The fork's page: its own id, the default title, where it came from, stages 1 and 2 done.
    await expect(page).to_have_url(re.compile(r"#/courses/[A-Za-z0-9_-]+$"))
    await expect(ui.by("course-title")).to_have_text(f"{SOURCE} (fork)")
    fork_id = page.url.rsplit("/", 1)[1]
    assert fork_id != source_id
    notice = ui.by("fork-notice")
    await expect(notice).to_have_text(f"Forked from “{SOURCE}” at stage 2. Stages 1 and 2 are done; "
                                      "go on from stage 3.")
    await expect(ui.by("fork-source", notice)).to_have_attribute("href", f"#/courses/{source_id}")
    await expect(ui.panel(1)).to_have_attribute("data-status", "SUCCESS")
    await expect(ui.panel(2)).to_have_attribute("data-status", "SUCCESS")
    await expect(ui.panel(3)).to_have_attribute("data-status", "PENDING")
    assert (await course_status(ui.system, ui.user, fork_id, "stage2"))["status"] == "SUCCESS"
    # The fork offers only what it has done itself.
    await ui.by("fork-panel").locator("summary").click()
    await expect(ui.by("fork-stage")).to_have_count(2)
    assert await offered(ui) == ["stage1", "stage2"]
    await expect(ui.by("fork-title")).to_have_attribute("placeholder", f"{SOURCE} (fork) (fork)")

    # Stage 3 can be started on the fork, and runs there.
    start3 = ui.by("start-stage3")
    await expect(start3).to_be_enabled()
    await start3.click()
    await ui.wait_stage(3)
    await expect(ui.by("pathway-card").first).to_be_visible()
    await expect(ui.by("fork-stage")).to_have_count(3)

    # The source is unchanged by its fork (its stage 3 is the run started in the other tab).
    assert (await course_status(ui.system, ui.user, source_id, "stage2"))["status"] == "SUCCESS"

    await page.set_viewport_size(PHONE)
    problems = await layout_problems(page)
    assert not problems, problems
    assert not ui.errors, ui.errors


async def test_a_course_with_no_stage_succeeded_offers_nothing_to_fork(ui, tmp_path):
    page = ui.page
    await page.set_viewport_size(PHONE)
    await ui.sign_in()
    await ui.new_course("Nothing to fork here")
    panel, submit = ui.by("fork-panel"), ui.by("fork-submit")
    await panel.locator("summary").click()
    await expect(ui.by("fork-blocked")).to_have_text(re.compile("^Nothing to fork yet"))
    await expect(submit).to_be_disabled()
    await expect(ui.by("fork-stage")).to_have_count(0)

    # A stage that failed is not offered either.
    plain = tmp_path / "not-a-repository"  # accepted, then failed by the clone service
    plain.mkdir()
    await ui.start_stage1(plain)
    await ui.wait_stage(1, "FAILURE")
    await expect(ui.by("fork-stage")).to_have_count(0)
    await expect(submit).to_be_disabled()
    await expect(submit).to_have_attribute("aria-describedby", await ui.by("fork-blocked").get_attribute("id"))
    problems = await layout_problems(page)
    assert not problems, problems
    assert not ui.errors, ui.errors


WORDS = """async () => {
  const fork = await import("/ui/views/fork.js");
  const done = {status: "SUCCESS", task_id: "t"};
  const running = {status: "STARTED", task_id: "t2"};
  return {
    kept: ["stage1", "stage4"].map(fork.keptWords),
    all: fork.forkableStages({stage1: done, stage2: done, stage3: done, stage4: done}),
    rerun2: fork.forkableStages({stage1: done, stage2: running, stage3: done}),
    failed: fork.forkableStages({stage1: done, stage2: {status: "FAILURE", task_id: "t"}, stage3: done}),
    none: fork.forkableStages({stage1: {status: "PENDING"}}),
    arrival1: fork.arrivalWords("S", "stage1"),
    arrival4: fork.arrivalWords("S", "stage4"),
    refusals: ["stage 2 is FAILURE; a course is forked from a stage whose last run succeeded",
               "stage 3 has not run; a course is forked from a stage whose last run succeeded",
               "stage 1 is STARTED; x"].map(fork.refusalWords),
  };
}"""


async def test_the_control_offers_what_the_gateway_would_fork_and_says_it_in_words(browser):
    """The rule behind the choices the live test does not reach: a stage whose earlier stage runs again
    is not offered (the gateway refuses it), a stage whose last run failed is not, a later one is."""
    async with module_page(browser) as page:
        said = await page.evaluate(WORDS)
    assert said["kept"] == ["the repository scan and folder choice",
                            "the repository scan and folder choice, the document analysis, the pathways and "
                            "your choice, and the written course"]
    assert said["all"] == ["stage1", "stage2", "stage3", "stage4"]
    assert said["rerun2"] == ["stage1"]
    assert said["failed"] == ["stage1", "stage3"]
    assert said["none"] == []
    assert said["arrival1"]["rest"] == " at stage 1. Stage 1 is done; go on from stage 2."
    assert said["arrival4"]["rest"] == " at stage 4. Stages 1, 2, 3 and 4 are done."
    assert said["refusals"] == ["stage 2 failed last; a course is forked from a stage whose last run succeeded",
                                "stage 3 has not run; a course is forked from a stage whose last run succeeded",
                                "stage 1 is running; x"]
