"""Ask the course in the reader (issue 47), in Chromium through the real servers: the panel opens
beside the module being read, a question whose answer is in the course's documents is answered
with citations, a citation leads to the module and section that show the cited document, a
question the sources do not answer is declined plainly, the asker's questions come back after a
reload and can be cleared; the keyboard alone works (Enter asks, Shift+Enter breaks the line,
Escape closes and gives focus back); on a 375 px phone the panel is a sheet and nothing scrolls
sideways; axe finds nothing wrong with the open panel."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from tests.support.axe import axe_violations
from tests.support.launched import coursegen_run
from tests.support.page_checks import layout_problems
from tests.support.reader_course import (MODULE_TARGET_MINUTES, RARE_TOPIC, RARE_WORD, dev_headers,
                                         make_harbour_repo, written_course)

LEARNER = "ask-learner@example.org"
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# Answered by one section of the course's documents: the lantern's "Signal ledgers".
ANSWERED = f"What does the {RARE_TOPIC} keep a {RARE_WORD} ledger of?"
ANSWER_HEADING = "Signal ledgers"
# About nothing the harbour documents mention.
UNRELATED = "How do I bake sourdough bread in a wood-fired oven?"
PANEL = '[data-testid="ask-panel"]'


@pytest.fixture(scope="module")
def system():
    """`coursegen run` as `make run` starts it (offline: the answers are extractive), with modules of
    about five minutes: one module per document of the harbour course."""
    with coursegen_run({"MODULE_TARGET_MINUTES": MODULE_TARGET_MINUTES}) as running:
        yield running


@pytest.fixture(scope="module")
async def course(system, tmp_path_factory):
    repo = make_harbour_repo(tmp_path_factory.mktemp("ask") / "harbour")
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, LEARNER)
        return await written_course(api, headers, repo, "Harbour for askers")


def cited_section(course: dict, heading: str) -> tuple[int, str]:
    """(module position, place) of the reader section that shows the document section `heading`."""
    found = [(module["position"], f"s{n}") for module in course["modules"]
             for n, section in enumerate((module["content"] or {}).get("sections", []), start=1)
             if section["source"].get("heading") == heading]
    assert len(found) == 1, found
    return found[0]


class Asker:
    """One browser tab signed in as the course's owner, with the history of questions cleared."""

    def __init__(self, page, system, course):
        self.page, self.system, self.course = page, system, course
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def by(self, testid: str, within=None):
        return (within or self.page).get_by_test_id(testid)

    @property
    def panel(self):
        return self.by("ask-panel")

    def reader_url(self, suffix: str = "") -> str:
        return f"{self.system.url}/#/courses/{self.course['course_id']}/read{suffix}"

    async def start(self) -> None:
        async with httpx.AsyncClient(base_url=self.system.url, timeout=30) as api:
            headers = await dev_headers(api, LEARNER)
            cleared = await api.delete(f"/api/courses/{self.course['course_id']}/ask/history", headers=headers)
            assert cleared.status_code == 200, cleared.text
        await self.page.goto(self.system.url + "/")
        await self.by("dev-user-id").fill(LEARNER)
        await self.by("sign-in-dev").click()
        await expect(self.by("session-user")).to_have_text(f"Signed in as {LEARNER}")

    async def read(self, position: int) -> None:
        await self.page.goto(self.reader_url(f"/{position}"))
        await expect(self.by("reader-kicker")).to_have_text(f"Module {position} of {len(self.course['modules'])}")

    async def open_panel(self) -> None:
        await self.by("ask-open").click()
        await expect(self.panel).to_be_visible()
        await expect(self.by("ask-open")).to_have_attribute("aria-expanded", "true")
        await expect(self.by("ask-question")).to_be_focused()

    async def ask(self, question: str):
        """Type `question`, press Enter; the answer shown (its entry in the live region)."""
        box = self.by("ask-question")
        await box.fill(question)
        await box.press("Enter")
        answer = self.by("ask-entry", self.by("ask-answer"))
        await expect(self.by("ask-entry-question", answer)).to_have_text(question)
        await expect(box).to_have_value("")
        await expect(box).to_be_focused()
        return answer


@pytest.fixture
async def wide(browser, system, course):
    context = await browser.new_context(viewport=WIDE)
    try:
        asker = Asker(await context.new_page(), system, course)
        await asker.start()
        yield asker
        assert not asker.errors
    finally:
        await context.close()


@pytest.fixture
async def phone(browser, system, course):
    context = await browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        asker = Asker(await context.new_page(), system, course)
        await asker.start()
        yield asker
        assert not asker.errors
    finally:
        await context.close()


async def test_a_question_is_answered_with_citations_that_open_the_cited_section(wide):
    page, course = wide.page, wide.course
    position, place = cited_section(course, ANSWER_HEADING)
    await wide.read(1)
    await wide.open_panel()
    # Beside the module being read, not over it.
    module_box, panel_box = await wide.by("reader-module").bounding_box(), await wide.panel.bounding_box()
    assert panel_box["x"] >= module_box["x"] + module_box["width"], (module_box, panel_box)
    await expect(wide.by("ask-history-status")).to_have_text("You have not asked anything about this course yet.")
    await expect(wide.by("ask-clear")).to_be_hidden()

    # Nothing typed: the panel says so beside the box, and asks nothing.
    await wide.by("ask-submit").click()
    await expect(wide.by("ask-question-error")).to_have_text("Type a question first.")
    await expect(wide.by("ask-question")).to_have_attribute("aria-invalid", "true")
    # Shift+Enter breaks the line; it does not ask.
    box = wide.by("ask-question")
    await box.fill("first line")
    await box.press("Shift+Enter")
    await box.press_sequentially("second line")
    await expect(box).to_have_value("first line\nsecond line")
    await expect(wide.by("ask-entry", wide.by("ask-answer"))).to_have_count(0)

    answer = await wide.ask(ANSWERED)
    await expect(wide.by("ask-question-error")).to_be_hidden()
    await expect(wide.by("ask-answer")).to_have_attribute("aria-live", "polite")
    await expect(answer).to_have_attribute("data-covered", "true")
    await expect(answer).to_contain_text(f"keeps a {RARE_WORD} ledger of every signal it sends")
    await expect(wide.by("ask-not-covered", answer)).to_have_count(0)
    citations = wide.by("ask-citation", answer)
    await expect(citations.first).to_be_visible()
    cited = answer.locator(f'[data-testid="ask-citation"][data-kind="reader"][data-position="{position}"]'
                           f'[data-place="{place}"]')
    await expect(cited).to_have_count(1)
    await expect(cited).to_contain_text(ANSWER_HEADING)
    await expect(cited).to_have_attribute("href", f"#/courses/{course['course_id']}/read/{position}/{place}")

    await cited.click()
    await expect(page).to_have_url(re.compile(rf"/read/{position}/{place}$"))
    await expect(wide.by("reader-kicker")).to_have_text(f"Module {position} of {len(course['modules'])}")
    section = page.locator(f'[data-testid="reader-section"][data-place="{place}"]')
    await expect(section).to_contain_text(RARE_WORD)
    await expect(section).to_be_in_viewport()
    await expect(wide.panel).to_be_visible()  # beside the module, the panel stays open

    await wide.by("ask-question").focus()
    declined = await wide.ask(UNRELATED)
    await expect(declined).to_have_attribute("data-covered", "false")
    await expect(wide.by("ask-not-covered", declined)).to_contain_text("Not covered by this course's sources")
    await expect(wide.by("ask-citation", declined)).to_have_count(0)
    # The answer before it has gone to the earlier questions.
    earlier = wide.by("ask-entry", wide.by("ask-history"))
    await expect(earlier).to_have_count(1)
    await expect(wide.by("ask-entry-question", earlier)).to_have_text(ANSWERED)

    # Escape closes the panel and gives focus back to the button that opened it.
    await page.keyboard.press("Escape")
    await expect(wide.panel).to_be_hidden()
    await expect(wide.by("ask-open")).to_be_focused()
    await expect(wide.by("ask-open")).to_have_attribute("aria-expanded", "false")

    # After a reload the questions are the asker's history, newest first, their citations still leading.
    await page.reload()
    await expect(wide.by("reader-kicker")).to_have_text(f"Module {position} of {len(course['modules'])}")
    await wide.open_panel()
    earlier = wide.by("ask-entry", wide.by("ask-history"))
    await expect(earlier).to_have_count(2)
    await expect(wide.by("ask-entry-question", earlier.nth(0))).to_contain_text(UNRELATED)
    await expect(wide.by("ask-entry-question", earlier.nth(1))).to_contain_text(ANSWERED)
    await expect(wide.by("ask-not-covered", earlier.nth(0))).to_be_visible()
    await expect(earlier.nth(1).locator(f'[data-testid="ask-citation"][data-position="{position}"]'
                                        f'[data-place="{place}"]')).to_have_count(1)

    # Cleared, after a confirmation; a reload finds nothing.
    await wide.by("ask-clear").click()
    dialog = wide.by("ask-clear-dialog")
    await expect(dialog).to_be_visible()
    await expect(wide.by("ask-clear-cancel")).to_be_focused()
    await wide.by("ask-clear-cancel").click()
    await expect(dialog).to_have_count(0)
    await expect(earlier).to_have_count(2)
    await expect(wide.by("ask-clear")).to_be_focused()
    await wide.by("ask-clear").click()
    await wide.by("ask-clear-confirm").click()
    await expect(dialog).to_have_count(0)
    await expect(earlier).to_have_count(0)
    await expect(wide.by("ask-history-status")).to_have_text("Your questions about this course were cleared.")
    await expect(wide.by("ask-question")).to_be_focused()
    await page.reload()
    await wide.open_panel()
    await expect(wide.by("ask-history-status")).to_have_text("You have not asked anything about this course yet.")


async def test_axe_finds_nothing_wrong_with_the_open_panel(wide):
    await wide.read(1)
    await wide.open_panel()
    assert await axe_violations(wide.page, PANEL) == []
    await wide.ask(ANSWERED)
    await wide.ask(UNRELATED)
    await expect(wide.by("ask-entry", wide.by("ask-history"))).to_have_count(1)
    # The answer and its citations, a declined question, the earlier questions.
    assert await axe_violations(wide.page, PANEL) == []
    await wide.by("ask-clear").click()
    await expect(wide.by("ask-clear-dialog")).to_be_visible()
    assert await axe_violations(wide.page, '[data-testid="ask-clear-dialog"]') == []


async def test_on_a_phone_the_panel_is_a_sheet_and_nothing_scrolls_sideways(phone):
    page, course = phone.page, phone.course
    position, place = cited_section(course, ANSWER_HEADING)
    await phone.read(1)
    assert await layout_problems(page) == []
    toggle = phone.by("ask-open")
    await expect(toggle).to_be_in_viewport()  # floating over the page: no need to scroll back up for it
    await page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    await expect(toggle).to_be_in_viewport()
    await phone.open_panel()
    box = await phone.panel.bounding_box()
    assert box["x"] == 0 and box["width"] == PHONE["width"], box
    assert abs(box["y"] + box["height"] - PHONE["height"]) <= 1, box  # a sheet on the window's lower edge

    answer = await phone.ask(ANSWERED)
    cited = answer.locator(f'[data-testid="ask-citation"][data-kind="reader"][data-position="{position}"]'
                           f'[data-place="{place}"]')
    await expect(cited).to_have_count(1)
    assert await layout_problems(page) == []
    assert await axe_violations(page, PANEL) == []

    # The sheet would hide the section it leads to: it closes, and the section is in view.
    await cited.click()
    await expect(page).to_have_url(re.compile(rf"/read/{position}/{place}$"))
    await expect(phone.panel).to_be_hidden()
    section = page.locator(f'[data-testid="reader-section"][data-place="{place}"]')
    await expect(section).to_be_in_viewport()
    assert await layout_problems(page) == []

    await phone.open_panel()
    earlier = phone.by("ask-entry", phone.by("ask-answer"))
    await expect(phone.by("ask-entry-question", earlier)).to_have_text(ANSWERED)  # still the answer shown
    await page.keyboard.press("Escape")
    await expect(phone.panel).to_be_hidden()
    await expect(toggle).to_be_focused()
    await expect(toggle).to_be_in_viewport()

    await page.reload()
    await phone.open_panel()
    await expect(phone.by("ask-entry", phone.by("ask-history"))).to_have_count(1)
    assert await layout_problems(page) == []
    await phone.by("ask-clear").click()
    await phone.by("ask-clear-confirm").click()
    await expect(phone.by("ask-entry", phone.by("ask-history"))).to_have_count(0)
    assert await layout_problems(page) == []
