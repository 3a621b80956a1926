"""The web UI against the real system: a repository becomes a downloadable course by clicking
through the four stages; errors show where they happen; the course list; small screens; keyboard."""
from __future__ import annotations

import re
import zipfile

from playwright.async_api import expect

from tests.support.gitrepos import COURSE_REPO, make_repo

# Records what a stage panel shows while it runs (percent, step, raw status), change by change.
RECORD_PROGRESS = """(n) => {
  const seen = window.__seen = {percent: [], step: [], status: []};
  const watch = (testid, key, attribute) => {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    const read = () => attribute ? el.getAttribute(attribute) : el.textContent;
    new MutationObserver(() => { const v = read(); if (seen[key].at(-1) !== v) seen[key].push(v); })
      .observe(el, attribute ? {attributes: true, attributeFilter: [attribute]}
        : {childList: true, characterData: true, subtree: true});
  };
  watch(`stage${n}-percent`, "percent");
  watch(`stage${n}-step`, "step");
  watch(`stage${n}-panel`, "status", "data-status");
}"""


def course_id(url: str) -> str:
    return re.search(r"#/courses/([A-Za-z0-9_-]+)", url).group(1)


async def test_a_repository_becomes_a_downloadable_course_through_the_ui(ui, course_repo, tmp_path):
    page = ui.page
    await ui.sign_in()
    await ui.new_course("Skyline in the browser")

    await page.evaluate(RECORD_PROGRESS, 1)
    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    seen = await page.evaluate("window.__seen")
    assert seen["percent"][-1] == "100%" and len(set(seen["percent"])) >= 2, seen
    assert seen["status"][-1] == "SUCCESS" and len(seen["status"]) >= 2, seen
    assert [step for step in seen["step"] if step], seen
    await expect(ui.by("stage1-status")).to_have_text("Succeeded")
    await expect(ui.by("stage1-progress")).to_have_js_property("value", 100)
    await expect(ui.by("folder-tree")).to_be_visible()

    await ui.select(["docs"], "README.md")
    await expect(ui.by("selection-saved")).to_contain_text("docs; overview: README.md")
    await ui.by("complexity").select_option("beginner")
    await ui.by("start-stage2").click()
    await ui.wait_stage(2)
    rows = ui.by("analysed-row")
    await expect(rows).to_have_count(7)  # README.md and the six documents under docs/
    paths = sorted([await row.get_attribute("data-path") for row in await rows.all()])
    assert paths[0] == "README.md" and all(p.startswith("docs/") for p in paths[1:]), paths
    await expect(ui.by("analysed-count")).to_have_text("Showing 7 of 7 documents.")

    await ui.through_stage4()
    # The course page leads into the reader: from its header and from stage 4, where each module is listed.
    await expect(ui.by("course-read")).to_be_visible()
    total = await ui.by("module-link").count()
    assert total >= 1
    # The claim ledger beside the course and each module: the offline engine's claims are quoted.
    await expect(ui.by("ledger-summary")).to_contain_text("claims supported by their sources")
    await ui.by("module-list").locator("summary").click()
    await expect(ui.by("module-ledger")).to_have_count(total)
    await ui.by("module-link").last.click()
    await expect(page).to_have_url(re.compile(rf"#/courses/[\w-]+/read/{total}$"))
    await expect(ui.by("reader-kicker")).to_have_text(f"Module {total} of {total}")
    await expect(ui.toc_link(total)).to_have_attribute("aria-current", "page")
    await expect(ui.by("reader-next")).to_have_count(0)
    await expect(ui.by("reader-end")).to_be_visible()
    question = ui.by("quiz-question").first
    await expect(ui.by("quiz-feedback", question)).to_be_hidden()
    assert await ui.answer_quiz(question) == 1
    await expect(ui.by("quiz-feedback", question)).to_be_visible()
    await expect(ui.by("quiz-score")).to_contain_text(re.compile(r"^Score: [01] of \d+ correct"))
    await ui.by("reader-back").click()
    await expect(ui.panel(4)).to_be_visible()

    async with page.expect_download() as info:
        await ui.by("download-export").click()
    download = await info.value
    assert download.suggested_filename.endswith(".zip")
    await download.save_as(tmp_path / "course.zip")
    names = zipfile.ZipFile(tmp_path / "course.zip").namelist()
    assert "site/index.html" in names and "markdown/index.md" in names, names
    # The same button downloads the other formats, chosen by their label.
    await ui.by("download-export-format").select_option("scorm12")
    await expect(ui.by("download-export")).to_contain_text("SCORM 1.2 package")
    await expect(ui.by("download-export-mastery")).to_have_value("80")     # the default, offered to change
    await ui.by("download-export-mastery").fill("70")
    async with page.expect_download() as info:
        await ui.by("download-export").click()
    scorm = await info.value
    assert scorm.suggested_filename.endswith(".scorm12.zip")
    await scorm.save_as(tmp_path / "scorm.zip")
    manifest = zipfile.ZipFile(tmp_path / "scorm.zip").read("imsmanifest.xml").decode()
    assert "<adlcp:masteryscore>70</adlcp:masteryscore>" in manifest
    await ui.by("download-export-format").select_option("pdf")
    async with page.expect_download() as info:
        await ui.by("download-export").click()
    with open(await (await info.value).path(), "rb") as saved:
        assert saved.read(5) == b"%PDF-"

    # The course list offers to read a written course.
    await ui.by("back-to-courses").click()
    await expect(ui.by("course-status")).to_have_text("Stage 4 complete")
    await expect(ui.by("course-stale")).to_have_count(0)
    await ui.by("read-course").click()
    await expect(page).to_have_url(re.compile(r"#/courses/[\w-]+/read$"))
    await expect(ui.by("reader-kicker")).to_have_text(f"Module 1 of {total}")
    assert not ui.errors and not ui.dialogs


async def test_a_repository_that_cannot_be_cloned_shows_why_and_can_be_retried(ui, tmp_path):
    await ui.sign_in()
    await ui.new_course("Broken repository")
    panel = ui.panel(1)
    error, retry = ui.by("stage-error", panel), ui.by("retry-stage", panel)

    # Refused at once (422): the request's message beside the URL field, nothing to retry.
    await ui.start_stage1(tmp_path / "does-not-exist")
    await expect(ui.by("repo-url-error")).to_contain_text("the local repository path is not an existing directory")
    await expect(ui.by("repo-url")).to_have_attribute("aria-invalid", "true")
    await expect(error).to_be_hidden()
    await expect(retry).to_be_hidden()

    # Accepted, then failed in the clone service: the run's reason, and a retry button.
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    await ui.start_stage1(plain)
    await ui.wait_stage(1, "FAILURE")
    await expect(ui.by("stage1-status")).to_have_text("Failed")
    status = await (await ui.page.request.get(
        f"{ui.system.url}/api/courses/{course_id(ui.page.url)}/stage1/status",
        headers={"Authorization": f"Bearer {await ui.token()}"})).json()
    assert status["status"] == "FAILURE" and "repository not found" in status["error_message"], status
    await expect(error).to_have_text(f"Stage 1 failed: {status['error_message']}")
    await expect(retry).to_be_visible()

    # Once the folder is a repository, retrying the same run succeeds.
    make_repo(plain, COURSE_REPO)
    await retry.click()
    await expect(retry).to_be_hidden()  # the new run has started
    await ui.wait_stage(1)
    await expect(error).to_be_hidden()
    await expect(ui.by("folder-tree")).to_be_visible()


async def test_stage_2_cannot_start_before_stage_1_and_says_why_in_stage_2(ui):
    await ui.sign_in()
    await ui.new_course("Too early")
    start, reason = ui.by("start-stage2"), ui.by("stage2-prereq")
    await expect(start).to_be_disabled()
    await expect(reason).to_contain_text(re.compile(r"^First, stage 1 must succeed", re.IGNORECASE))
    await expect(start).to_have_attribute("title", await reason.text_content())
    await expect(ui.panel(2)).to_have_attribute("data-status", "PENDING")
    await expect(ui.by("stage-error", ui.panel(1))).to_be_hidden()


async def test_the_course_list_renames_deletes_with_confirmation_and_shows_status(ui, course_repo):
    page = ui.page
    await ui.sign_in()
    await ui.new_course("Scanned course")
    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    await ui.by("back-to-courses").click()
    await ui.new_course("Draft course")
    await ui.by("back-to-courses").click()

    rows = ui.by("course-row")
    await expect(rows).to_have_count(2)
    draft, scanned = rows.filter(has_text="Draft course"), rows.filter(has_text="Scanned course")
    await expect(ui.by("course-status", draft)).to_have_text("Draft")
    await expect(ui.by("course-status", scanned)).to_have_text("Stage 1 complete")
    await expect(ui.by("course-status", scanned)).to_have_attribute("data-status", "stage1_complete")

    await ui.by("rename-course", draft).click()
    await ui.by("rename-input").fill("Renamed course")
    await ui.by("rename-save").click()
    await expect(ui.by("open-course")).to_have_text(["Renamed course", "Scanned course"])

    renamed = rows.filter(has_text="Renamed course")
    await ui.by("delete-course", renamed).click()
    dialog = ui.by("delete-dialog")
    await expect(dialog).to_be_visible()
    await expect(dialog).to_contain_text("Renamed course")
    await ui.by("cancel-delete").click()
    await expect(dialog).to_have_count(0)
    await expect(rows).to_have_count(2)

    await ui.by("delete-course", renamed).click()
    await ui.by("confirm-delete").click()
    await expect(dialog).to_have_count(0)
    await expect(ui.by("open-course")).to_have_text(["Scanned course"])
    await page.reload()
    await expect(ui.by("open-course")).to_have_text(["Scanned course"])


async def test_a_narrow_screen_has_no_sideways_scrolling_and_stage_1_works(ui, course_repo):
    page = ui.page
    await page.set_viewport_size({"width": 375, "height": 800})
    await ui.sign_in()
    await ui.new_course("A course with a rather long title to see whether it wraps on a phone screen")
    await expect(ui.panel(4)).to_be_visible()
    fits = "document.documentElement.scrollWidth <= window.innerWidth + 1"
    assert await page.evaluate(fits), await page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    await page.locator("summary", has_text="Branch, tag, folders").click()
    await ui.by("repo-ref").fill("main")
    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    await expect(ui.by("folder-tree")).to_be_visible()
    assert await page.evaluate(fits), await page.evaluate("[document.documentElement.scrollWidth, innerWidth]")


async def test_signing_in_and_creating_a_course_work_from_the_keyboard(ui):
    page = ui.page
    await page.goto(ui.system.url + "/")
    user = ui.by("dev-user-id")
    await user.focus()
    await page.keyboard.press("Control+A")
    await page.keyboard.type(ui.user)
    await page.keyboard.press("Enter")
    await expect(ui.by("session-user")).to_have_text(f"Signed in as {ui.user}")

    # The list's heading has focus after sign-in; Tab reaches the title field.
    title = ui.by("new-course-title")
    for _ in range(10):
        if await title.evaluate("el => el === document.activeElement"):
            break
        await page.keyboard.press("Tab")
    await expect(title).to_be_focused()
    await page.keyboard.type("Typed course")
    await page.keyboard.press("Tab")
    await expect(ui.by("new-course-description")).to_be_focused()
    await page.keyboard.press("Tab")
    await expect(ui.by("course-language")).to_be_focused()  # the sources' language, unless chosen
    await page.keyboard.press("Tab")
    await expect(ui.by("create-course")).to_be_focused()
    await page.keyboard.press("Space")
    await expect(ui.by("course-title")).to_have_text("Typed course")
    await expect(ui.panel(1)).to_be_visible()
