"""The web UI on a phone (390×844), with errors beside the control they are about, in the words of
the form, and focus that goes somewhere sensible when a save or a stage ends (issue 21)."""
from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.page_checks import assert_beside, layout_problems

PHONE = {"width": 390, "height": 844}

# The element that has focus, as the tests name elements.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return "body";
  return el.dataset.testid || el.id || el.tagName;
}"""


async def fits(ui, where: str) -> None:
    problems = await layout_problems(ui.page)
    assert not problems, f"{where}: {problems}"


async def focused(ui) -> str:
    return await ui.page.evaluate(FOCUSED)


async def described_by(control) -> list[str]:
    return (await control.get_attribute("aria-describedby") or "").split()


async def test_every_page_fits_a_phone_and_focus_follows_each_stage(ui, course_repo):
    page = ui.page
    await page.set_viewport_size(PHONE)
    await page.goto(ui.system.url + "/")
    await expect(ui.by("sign-in-dev")).to_be_visible()
    await fits(ui, "sign-in")

    await ui.sign_in()
    await ui.new_course("A course whose title is long enough to wrap: Skyline-message-broker-for-Python-services")
    await fits(ui, "new course")
    for n in (2, 3, 4):  # nothing can start before stage 1: disabled, and the reason is written beside
        start, reason = ui.by(f"start-stage{n}"), ui.by(f"stage{n}-prereq")
        await expect(start).to_be_disabled()
        await expect(reason).to_be_visible()
        await expect(start).to_have_attribute("title", await reason.text_content())
        assert await reason.get_attribute("id") in await described_by(start)

    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    await expect(ui.by("scan-summary")).to_be_focused()
    await expect(ui.by("navigation-source")).to_contain_text("Reading order from mkdocs.yml")
    await expect(ui.by("start-stage2")).to_be_disabled()
    await expect(ui.by("stage2-prereq")).to_contain_text("save a folder selection")
    await fits(ui, "stage 1 finished")

    await ui.select(["docs"], "README.md")
    await expect(ui.by("selection-saved")).to_be_focused()
    await expect(ui.by("start-stage2")).to_be_enabled()
    await fits(ui, "selection saved")

    await ui.by("start-stage2").click()
    await ui.wait_stage(2)
    await expect(ui.by("analysed-row")).to_have_count(7)
    await expect(ui.by("start-stage3")).to_be_focused()  # the next action
    await fits(ui, "stage 2 finished, with the documents table")
    # The table keeps its columns and scrolls inside its card.
    table = ui.by("analysed-table")
    scroller = table.locator("xpath=..")
    assert await scroller.evaluate("el => el.clientWidth <= innerWidth"), "the table's box is wider than the page"

    # A number out of range is the page's own message under its field, not the browser's bubble.
    count = ui.by("pathway-count")
    await count.fill("0")
    await ui.by("start-stage3").click()
    await expect(count).to_have_attribute("aria-invalid", "true")
    await expect(ui.by("pathway-count-error")).to_have_text("The number of pathways must be a whole number from 1 to 10.")
    await assert_beside(ui.by("pathway-count-error"), count)
    await count.fill("3")
    await expect(count).not_to_have_attribute("aria-invalid", "true")

    await ui.through_stage4()
    await fits(ui, "stage 4 finished, with the way into the reader")
    assert await focused(ui) != "body"
    await expect(ui.by("course-read")).to_be_visible()
    await ui.by("module-list").locator("summary").click()
    await expect(ui.by("module-link").last).to_be_visible()
    await fits(ui, "stage 4's list of modules")

    # The reader, at its own address: the first and the last module.
    course_page = page.url
    for position in (1, await ui.by("module-link").count()):
        await page.goto(f"{course_page}/read/{position}")
        await expect(ui.by("reader-pane")).to_be_visible()
        await expect(ui.by("reader-pane").locator("h2").first).to_be_visible()
        await fits(ui, f"module {position} in the reader")
    await page.goto(course_page)
    await expect(ui.panel(4)).to_be_visible()

    await ui.by("back-to-courses").click()
    await expect(ui.by("course-row")).to_have_count(1)
    await fits(ui, "courses list")


async def test_errors_show_beside_their_control_in_the_words_of_the_form(ui, course_repo, tmp_path):
    page = ui.page
    await page.set_viewport_size(PHONE)
    await ui.sign_in()

    # The course list's form: its own message under the title, the field marked invalid.
    await ui.by("create-course").click()
    title = ui.by("new-course-title")
    await expect(title).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{(await described_by(title))[0]}")
    await expect(message).to_have_text("Give the course a title.")
    await assert_beside(message, title)
    await expect(title).to_be_focused()
    await title.fill("Errors where they happen")
    await expect(title).not_to_have_attribute("aria-invalid", "true")
    await ui.by("create-course").click()
    await expect(ui.by("course-title")).to_have_text("Errors where they happen")
    course_id = re.search(r"#/courses/([A-Za-z0-9_-]+)", page.url).group(1)
    panel = ui.panel(1)

    # A URL the gateway refuses: its reason beside the URL field, named by the field's label.
    url = ui.by("repo-url")
    await url.fill("ftp://example.org/skyline.git")
    await ui.by("start-stage1").click()
    await expect(url).to_have_attribute("aria-invalid", "true")
    field_error = page.locator(f"#{(await described_by(url))[0]}")
    raw = await page.request.post(f"{ui.system.url}/api/courses/{course_id}/analyze-repository",
                                  data={"repo_url": "ftp://example.org/skyline.git"},
                                  headers={"Authorization": f"Bearer {await ui.token()}"})
    detail = (await raw.json())["detail"]
    assert raw.status == 422 and detail.startswith("repo_url: "), detail
    await expect(field_error).to_have_text(detail.removeprefix("repo_url: "))
    await assert_beside(field_error, url)
    await expect(url).to_be_focused()
    await expect(ui.by("stage-error", panel)).to_be_hidden()

    # A branch name git would refuse: pydantic's complaint, in plain words, under the branch field.
    await page.locator("summary", has_text="Branch, tag, folders").click()
    ref = ui.by("repo-ref")
    await ref.fill("no spaces allowed")
    await url.fill(str(course_repo))
    await ui.by("start-stage1").click()
    await expect(ref).to_have_attribute("aria-invalid", "true")
    ref_error = page.locator(f"#{(await described_by(ref))[0]}")
    await expect(ref_error).to_have_text("contains characters that are not allowed here")
    await expect(url).not_to_have_attribute("aria-invalid", "true")
    await ref.fill("")

    # A folder that is not a repository: the run fails, focus goes to its retry button.
    plain = tmp_path / "not-a-repo"
    plain.mkdir()
    await url.fill(str(plain))
    await ui.by("start-stage1").click()
    await ui.wait_stage(1, "FAILURE")
    await expect(ui.by("retry-stage", panel)).to_be_focused()

    await url.fill(str(course_repo))
    await ui.by("start-stage1").click()
    await expect(panel).not_to_have_attribute("data-status", "FAILURE")  # the new run has started
    await ui.wait_stage(1)

    # Saving no folder: the message beside the Save button, the folders marked invalid.
    save = ui.by("save-selection")
    await save.click()
    selection_error = ui.by("selection-error")
    await expect(selection_error).to_have_text("Choose at least one folder before saving.")
    await assert_beside(selection_error, save)
    folders = ui.by("folder-group")
    await expect(folders).to_have_attribute("aria-invalid", "true")
    assert await selection_error.get_attribute("id") in await described_by(folders)
    await expect(ui.by("stage-error", panel)).to_be_hidden()
    await page.locator('[data-testid="folder-checkbox"][data-path="docs"]').check()
    await expect(folders).not_to_have_attribute("aria-invalid", "true")
    await expect(selection_error).to_be_hidden()

    # Stage 2 before a selection is saved: the gateway names its endpoint, the page does not.
    answer = await page.request.post(f"{ui.system.url}/api/courses/{course_id}/analyze-documents",
                                     data={"complexity_level": "beginner", "additional_info": ""},
                                     headers={"Authorization": f"Bearer {await ui.token()}"})
    api_words = (await answer.json())["detail"]
    assert answer.status == 409 and "POST stage1-selections" in api_words, api_words
    shown = await page.evaluate("""async (id) => {
      const {api, paths} = await import("/ui/api.js");
      try { await api.post(paths.action(id, "analyze-documents"), {complexity_level: "beginner"}); }
      catch (error) { return error.message; }
      return "accepted";
    }""", course_id)
    assert shown.startswith("Not possible yet: ") and "POST" not in shown and "stage1-selections" not in shown, shown
    assert "save a folder selection in stage 1" in shown, shown
    await expect(ui.by("start-stage2")).to_be_disabled()
    assert not ui.errors, ui.errors


async def test_esc_cancels_a_rename_and_an_empty_title_is_marked_invalid(ui):
    page = ui.page
    await ui.sign_in()
    await ui.new_course("Keep this title")
    await ui.by("back-to-courses").click()
    rename = ui.by("rename-course")

    await rename.click()
    field = ui.by("rename-input")
    await expect(field).to_be_focused()
    await field.fill("")
    await ui.by("rename-save").click()
    await expect(field).to_have_attribute("aria-invalid", "true")
    message = page.locator(f"#{(await described_by(field))[0]}")
    await expect(message).to_have_text("A course needs a title.")
    await assert_beside(message, field)

    await field.fill("A title never saved")
    await page.keyboard.press("Escape")
    await expect(field).to_have_count(0)
    await expect(ui.by("open-course")).to_have_text("Keep this title")
    await expect(rename).to_be_focused()
    await page.reload()
    await expect(ui.by("open-course")).to_have_text("Keep this title")

    # Saving a rename puts focus back on the course's Rename button, not the page.
    await rename.click()
    await ui.by("rename-input").fill("A better title")
    await ui.by("rename-save").click()
    await expect(ui.by("open-course")).to_have_text("A better title")
    await expect(rename).to_be_focused()
