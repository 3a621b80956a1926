"""Teaching a course to a cohort in Chromium (issue 46), through the real system and four browser
contexts: the owner writes a course of many modules through the UI, makes a cohort, adds a learner and a mentor and
assigns the course one module a day from yesterday (so two modules are out today); the learner finds
it under Learn with the new modules flagged, reads the first and answers its quiz, reads the second
offline (sent when the page is back online) and answers its quiz offline (sent when the course is next
opened); in a fresh context the same learner finds all of it kept; the mentor, whose page was open
all along, sees the table update by itself and downloads it as CSV; the learner is told "not found"
for the course's pipeline page and for the cohort's page."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from playwright.async_api import expect

from tests.support.axe import axe_violations
from tests.support.launched import coursegen_run
from tests.support.page_checks import layout_problems
from tests.support.reader_course import MODULE_TARGET_MINUTES, make_harbour_repo

LEARNER = "cohort-learner@example.org"
LEARNER_EMAIL = "lea@example.org"
MENTOR = "cohort-mentor@example.org"
TITLE = "Skyline for a cohort"
COHORT = "Spring cohort"
VIEWPORT = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def system():
    """`coursegen run` as `make run` starts it, with modules of about five minutes: one module per
    document of the harbour course, so more modules than the two released today."""
    with coursegen_run({"MODULE_TARGET_MINUTES": MODULE_TARGET_MINUTES}) as running:
        yield running


@pytest.fixture
def harbour(tmp_path):
    return make_harbour_repo(tmp_path / "harbour")


class Tabs:
    """Browser contexts, each a different browser as far as the page can tell, closed at the end;
    each tab is driven as the `ui` fixture's (conftest.py's UI), which is the owner's."""

    def __init__(self, browser, owner):
        self.browser, self.system, self.tab = browser, owner.system, type(owner)
        self.contexts, self.uis = [], [owner]

    async def open(self, user: str, context=None):
        if context is None:
            context = await self.browser.new_context(accept_downloads=True, viewport=VIEWPORT)
            self.contexts.append(context)
        ui = self.tab(await context.new_page(), self.system, user)
        self.uis.append(ui)
        await ui.sign_in()
        return ui

    async def close(self) -> None:
        for context in self.contexts:
            await context.close()


def cohort_id(url: str) -> str:
    return re.search(r"#/cohorts/([A-Za-z0-9_-]+)", url).group(1)


async def add_member(ui, user: str, role: str, email: str | None = None) -> None:
    await ui.by("member-user-id").fill(user)
    await ui.by("member-role-select").select_option(role)
    if email:
        await ui.by("member-email").fill(email)
    await ui.by("add-member").click()
    await expect(ui.page.locator(f'[data-testid="member-row"][data-user="{user}"]')).to_have_attribute("data-role", role)


def row_of(ui, user: str):
    return ui.page.locator(f'[data-testid="progress-row"][data-user="{user}"]')


async def synced(ui) -> None:
    """Every action of the learner's reader has reached the gateway."""
    await expect(ui.by("sync-status")).to_have_attribute("data-pending", "0")


async def fits_a_phone(ui, where: str) -> None:
    await ui.page.set_viewport_size(PHONE)
    problems = await layout_problems(ui.page)
    await ui.page.set_viewport_size(VIEWPORT)
    assert not problems, f"{where}: {problems}"


async def read_to_the_end(ui, position: int) -> None:
    await ui.by("reader-pager").scroll_into_view_if_needed()
    await expect(ui.toc_link(position)).to_have_attribute("data-read", "true")


async def test_a_cohort_is_taught_a_course_released_a_module_a_day(ui, browser, harbour, tmp_path):
    tabs = Tabs(browser, ui)
    try:
        await walk(tabs, harbour, tmp_path)
        for ui in tabs.uis:
            assert not ui.errors and not ui.dialogs, (ui.user, ui.errors, ui.dialogs)
    finally:
        await tabs.close()


async def walk(tabs: Tabs, repo, tmp_path) -> None:
    # The owner writes a course through the four stages, choosing the pathway with the most modules.
    owner = tabs.uis[0]
    await owner.sign_in()
    await owner.new_course(TITLE)
    course_id = re.search(r"#/courses/([A-Za-z0-9_-]+)", owner.page.url).group(1)
    await owner.start_stage1(repo)
    await owner.wait_stage(1)
    await owner.select(["docs"], "README.md")
    await owner.by("start-stage2").click()
    await owner.wait_stage(2)
    await owner.through_stage4()
    total = await owner.by("module-link").count()
    assert total >= 3, "two modules are released today: the course needs a third, not released yet"

    # A cohort of one learner and one mentor, taught the course one module a day from yesterday.
    await owner.by("nav-cohorts").click()
    await expect(owner.page).to_have_url(re.compile(r"#/cohorts$"))
    await expect(owner.by("nav-cohorts")).to_have_attribute("aria-current", "page")
    await owner.by("new-cohort-name").fill(COHORT)
    await owner.by("create-cohort").click()
    await expect(owner.by("cohort-title")).to_have_text(COHORT)
    await expect(owner.by("cohort-role")).to_have_attribute("data-manage", "true")
    cohort = cohort_id(owner.page.url)
    await add_member(owner, LEARNER, "learner", LEARNER_EMAIL)
    await add_member(owner, MENTOR, "mentor")
    await expect(owner.by("no-progress")).to_be_visible()  # nothing assigned yet

    yesterday = (datetime.now(timezone.utc).date() - timedelta(days=1)).isoformat()
    await expect(owner.page.locator(f'[data-testid="assign-course"] option[value="{course_id}"]')).to_have_count(1)
    await owner.by("assign-course").select_option(course_id)
    await expect(owner.by("assign-schedule")).to_be_hidden()
    await owner.by("assign-scheduled").check()
    await owner.by("assign-every").fill("1")
    await owner.by("assign-start").fill(yesterday)
    await owner.by("assign-submit").click()
    assigned = owner.page.locator(f'[data-testid="assigned-course"][data-course-id="{course_id}"]')
    await expect(owner.by("assigned-schedule", assigned)).to_contain_text("Version 1 · One module every day from")
    table = owner.page.locator(f'[data-testid="progress-table"][data-course-id="{course_id}"]')
    await expect(owner.by("progress-released")).to_contain_text(f"2 of {total} modules released")
    await expect(row_of(owner, LEARNER)).to_be_visible()
    await expect(table.locator('thead th[scope="col"]')).to_have_count(1 + 2 + 4)  # learner, 2 modules, 4 more
    await expect(owner.by("progress-read", row_of(owner, LEARNER))).to_have_text("0 of 2")
    await expect(owner.by("progress-inactive", row_of(owner, LEARNER))).to_be_visible()  # never active yet
    assert not await axe_violations(owner.page, "main")
    await fits_a_phone(owner, "cohort")

    # The mentor opens the cohort's page now and keeps it open: no forms to manage it.
    mentor = await tabs.open(MENTOR)
    await mentor.by("nav-cohorts").click()
    mentored = mentor.by("mentored-cohorts")
    await mentor.by("cohort-link", mentored).click()
    await expect(mentor.by("cohort-title")).to_have_text(COHORT)
    await expect(mentor.by("cohort-role")).to_have_attribute("data-manage", "false")
    await expect(mentor.page.locator('[data-testid="member-row"]')).to_have_count(2)
    await expect(row_of(mentor, LEARNER)).to_be_visible()
    for form_part in ("add-member", "member-user-id", "assign-submit", "remove-member"):
        await expect(mentor.by(form_part)).to_have_count(0)

    # The learner, in a browser of their own: the course under Learn, two modules out and new to them.
    learner = await tabs.open(LEARNER)
    await learner.by("nav-learn").click()
    item = learner.page.locator(f'[data-testid="learn-course"][data-course-id="{course_id}"]')
    await expect(learner.by("learn-released", item)).to_have_text(f"2 of {total} modules released.")
    await expect(learner.by("learn-cohort", item)).to_have_text(f"Cohort: {COHORT}")
    await expect(learner.by("learn-new", item)).to_be_visible()
    await expect(learner.by("learn-new", item)).to_have_attribute("data-count", "2")
    await expect(learner.by("learn-new", item)).to_contain_text("New")
    await expect(learner.by("learn-next", item)).to_contain_text("Next module on")
    assert not await axe_violations(learner.page, "main")
    await fits_a_phone(learner, "learn")
    await learner.by("learn-open", item).click()
    await expect(learner.page).to_have_url(re.compile(rf"#/learn/{course_id}/read$"))
    await expect(learner.by("reader-kicker")).to_have_text("Module 1 of 2")
    await expect(learner.by("toc-link")).to_have_count(2)
    await expect(learner.by("reader-release")).to_contain_text(f"2 of {total} modules released")
    await expect(learner.by("reader-back")).to_have_attribute("href", "#/learn")
    await expect(learner.by("ask-open")).to_have_count(0)  # asking the course is its owner's
    # The third module is not out yet: not offered, not even by its address.
    await learner.page.goto(f"{learner.system.url}/#/learn/{course_id}/read/3")
    await expect(learner.by("reader-error")).to_contain_text("Module 3 is not released to you yet")
    await expect(learner.by("reader-kicker")).to_have_text("Module 1 of 2")
    await expect(learner.toc_link(3)).to_have_count(0)
    await expect(learner.page).to_have_url(re.compile(rf"#/learn/{course_id}/read/1$"))

    # Module 1 read to its end and its quiz answered.
    await read_to_the_end(learner, 1)
    questions = learner.by("quiz-question")
    answered = await learner.answer_quiz(questions)
    assert answered >= 1
    score = learner.by("quiz-score")
    await expect(score).to_have_attribute("data-answered", str(answered))
    correct = int(await score.get_attribute("data-correct"))
    await expect(learner.by("quiz-reset")).to_be_hidden()  # the first answers are the ones that count
    await synced(learner)

    # The mentor's open page shows it by itself: module 1 read, its score.
    first_cell = mentor.by("progress-cell", row_of(mentor, LEARNER)).first
    await expect(first_cell).to_have_attribute("data-read", "true")
    await expect(mentor.by("cell-score", first_cell)).to_have_text(f"{correct}/{answered}")
    await expect(mentor.by("progress-read", row_of(mentor, LEARNER))).to_have_text("1 of 2")
    await expect(mentor.by("progress-inactive", row_of(mentor, LEARNER))).to_have_count(0)
    await expect(mentor.by("progress-row").first).to_contain_text(LEARNER_EMAIL)
    if correct < answered:
        await expect(mentor.by("missed-question").first).to_be_visible()
    assert not await axe_violations(mentor.page, "main")
    await fits_a_phone(mentor, "mentor")
    await fits_a_phone(learner, "reader")

    # Offline, module 2 is read: it waits in the browser, and goes when the page is back online.
    await learner.page.context.set_offline(True)
    await learner.by("reader-next").click()
    await expect(learner.by("reader-kicker")).to_have_text("Module 2 of 2")
    await read_to_the_end(learner, 2)
    status = learner.by("sync-status")
    await expect(status).to_have_attribute("data-problem", "offline")
    await expect(status).to_have_attribute("data-pending", "1")
    await expect(status).to_contain_text("offline")
    await learner.page.context.set_offline(False)
    await synced(learner)
    await expect(mentor.by("progress-read", row_of(mentor, LEARNER))).to_have_text("2 of 2")

    # Offline again, module 2's quiz is answered and the tab closed; the next time the course is
    # opened in this browser (a new tab, signed in again), the answers are sent.
    await learner.page.context.set_offline(True)
    second = await learner.answer_quiz(learner.by("quiz-question"))
    await expect(status).to_have_attribute("data-pending", str(second))
    await learner.page.close()
    await learner.page.context.set_offline(False)
    again = await tabs.open(LEARNER, context=learner.page.context)
    await again.page.goto(f"{again.system.url}/#/learn/{course_id}/read/2")
    await expect(again.by("reader-kicker")).to_have_text("Module 2 of 2")
    await synced(again)
    await expect(again.by("quiz-score")).to_have_attribute("data-answered", str(second))
    tabs.uis.remove(learner)  # its page is closed; what it saw was checked above

    # The same learner in a fresh browser: everything kept by the gateway.
    fresh = await tabs.open(LEARNER)
    await fresh.by("nav-learn").click()
    item = fresh.page.locator(f'[data-testid="learn-course"][data-course-id="{course_id}"]')
    await expect(fresh.by("learn-released", item)).to_have_text(f"2 of {total} modules released.")
    await expect(fresh.by("learn-new", item)).to_have_count(0)  # nothing released is unread now
    await expect(fresh.by("learn-completed", item)).to_contain_text("2 of 2 released modules completed")
    await fresh.by("learn-open", item).click()
    await expect(fresh.by("reader-kicker")).to_have_text("Module 1 of 2")
    await expect(fresh.toc_link(1)).to_have_attribute("data-read", "true")
    await expect(fresh.toc_link(2)).to_have_attribute("data-read", "true")
    await expect(fresh.by("toc-score", fresh.toc_link(1))).to_contain_text(f"{correct}/{answered}")
    await expect(fresh.by("reader-progress")).to_contain_text("2 of 2 modules read")
    await expect(fresh.by("quiz-score")).to_have_attribute("data-answered", str(answered))
    await expect(fresh.by("quiz-score")).to_have_attribute("data-correct", str(correct))
    await expect(fresh.by("quiz-verdict")).to_have_count(answered)

    # The mentor's table as a CSV file.
    async with mentor.page.expect_download() as info:
        await mentor.by("download-csv").click()
    download = await info.value
    assert download.suggested_filename.endswith(".csv")
    await download.save_as(tmp_path / "progress.csv")
    sheet = (tmp_path / "progress.csv").read_text()
    assert sheet.startswith("course,module,module_title,user_id,email,read")
    assert sheet.count(LEARNER) == 2, sheet  # one row per released module

    # A learner reaches neither the course's pipeline nor the cohort: not found, as the API says.
    await fresh.page.goto(f"{fresh.system.url}/#/courses/{course_id}")
    await expect(fresh.by("course-title")).to_have_text("Course not found")
    await expect(fresh.by("page-error")).to_contain_text("does not exist")
    await fresh.page.goto(f"{fresh.system.url}/#/cohorts/{cohort}")
    await expect(fresh.by("cohort-title")).to_have_text("Cohort not found")
    await expect(fresh.by("page-error")).to_contain_text("does not exist")
    await expect(fresh.by("members-table")).to_have_count(0)
