"""The course reader in Chromium (issue 21): an address per module that survives a reload and the
back button, a table of contents that fits a 1280×900 window with fifteen modules, a readable
column, previous/next, search across the course, and the quiz answered, marked, scored and
remembered. One course of fifteen modules is written through the REST API for all the tests."""
from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import expect

from tests.support.axe import axe_violations
from tests.support.launched import coursegen_run
from tests.support.reader_course import (CODE_FOLLOW_UP, CODE_LEAD, CODE_LINE, LINK_TARGET_HEADING, LINK_TEXT,
                                         MODULE_TARGET_MINUTES, RARE_WORD, dev_headers, make_harbour_repo,
                                         written_course)

LEARNER = "reader-learner@example.org"
WIDTH, HEIGHT = 1280, 900


@pytest.fixture(scope="module")
def system():
    """`coursegen run` as `make run` starts it, with modules of about five minutes: a long course."""
    with coursegen_run({"MODULE_TARGET_MINUTES": MODULE_TARGET_MINUTES}) as running:
        yield running


@pytest.fixture(scope="module")
async def course(system, tmp_path_factory):
    repo = make_harbour_repo(tmp_path_factory.mktemp("reader") / "harbour")
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, LEARNER)
        return await written_course(api, headers, repo, "Harbour for readers")


class Learner:
    """One browser tab signed in as the course's owner."""

    def __init__(self, page, system, course):
        self.page, self.system, self.course = page, system, course
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def by(self, testid: str, within=None):
        return (within or self.page).get_by_test_id(testid)

    def url(self, suffix: str = "") -> str:
        return f"{self.system.url}/#/courses/{self.course['course_id']}{suffix}"

    def module(self, position: int) -> dict:
        return next(m for m in self.course["modules"] if m["position"] == position)

    def title(self, position: int) -> str:
        module = self.module(position)
        return (module["content"] or {}).get("title") or module["title"]

    async def sign_in(self) -> None:
        await self.page.goto(self.system.url + "/")
        await self.by("dev-user-id").fill(LEARNER)
        await self.by("sign-in-dev").click()
        await expect(self.by("session-user")).to_have_text(f"Signed in as {LEARNER}")

    async def read(self, position: int | None = None) -> None:
        await self.page.goto(self.url(f"/read/{position}" if position else "/read"))
        await self.shows(position or 1)

    async def shows(self, position: int) -> None:
        await expect(self.by("reader-title")).to_have_text(self.title(position))
        await expect(self.by("reader-kicker")).to_have_text(f"Module {position} of {len(self.course['modules'])}")
        await expect(self.toc_link(position)).to_have_attribute("aria-current", "page")

    def toc_link(self, position: int):
        return self.page.locator(f'[data-testid="toc-link"][data-position="{position}"]')


@pytest.fixture
async def learner(browser, system, course):
    context = await browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
    page = await context.new_page()
    try:
        reader = Learner(page, system, course)
        await reader.sign_in()
        yield reader
        assert not reader.errors
    finally:
        await context.close()


def test_the_course_has_enough_modules_to_need_a_scrolling_contents(course):
    assert len(course["modules"]) >= 13, [m["title"] for m in course["modules"]]


async def test_each_module_has_an_address_that_survives_a_reload_and_the_back_button(learner):
    page = learner.page
    await page.goto(learner.url())
    await learner.by("open-reader").click()
    await expect(page).to_have_url(re.compile(r"#/courses/[\w-]+/read$"))
    await learner.shows(1)

    await page.goto(learner.url("/read/2"))  # a shared link
    await learner.shows(2)
    await expect(page).to_have_title(re.compile(re.escape(learner.title(2))))
    await page.reload()
    await learner.shows(2)

    await learner.toc_link(5).click()
    await expect(page).to_have_url(re.compile(r"/read/5$"))
    await learner.shows(5)
    await expect(learner.toc_link(2)).not_to_have_attribute("aria-current", "page")
    await page.go_back()
    await expect(page).to_have_url(re.compile(r"/read/2$"))
    await learner.shows(2)
    await page.go_forward()
    await learner.shows(5)

    await page.goto(learner.url("/read/999"))
    await expect(learner.by("reader-error")).to_contain_text("no module 999")
    await learner.shows(1)


async def test_the_contents_fit_a_1280_by_900_window_and_the_column_is_readable(learner):
    last = len(learner.course["modules"])
    await learner.read(last)  # the last entry: the contents must scroll to it on their own
    toc = learner.by("reader-toc")
    for scroll in ("window.scrollTo(0, 0)", "window.scrollTo(0, document.body.scrollHeight)"):
        await learner.page.evaluate(scroll)
        box = await toc.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= HEIGHT, (scroll, box)
    toc_box, current = await toc.bounding_box(), await learner.toc_link(last).bounding_box()
    assert toc_box["y"] <= current["y"] and current["y"] + current["height"] <= toc_box["y"] + toc_box["height"] + 1
    layout = await learner.page.evaluate("""() => {
      const toc = document.querySelector('[data-testid="reader-toc"]');
      const links = [...document.querySelectorAll('[data-testid="toc-link"]')];
      const article = document.querySelector('[data-testid="reader-module"]');
      const probe = document.createElement('span');
      probe.textContent = '0'.repeat(10);
      const paragraph = article.querySelector('.markdown p');
      paragraph.append(probe);
      const ch = probe.getBoundingClientRect().width / 10;
      probe.remove();
      const size = (el) => parseFloat(getComputedStyle(el).fontSize);
      return {
        scrolls: getComputedStyle(toc).overflowY, overflowing: toc.scrollHeight > toc.clientHeight,
        misaligned: links.filter((a) => Math.abs(a.querySelector('.toc-number').getBoundingClientRect().top
          - a.querySelector('.toc-title').getBoundingClientRect().top) > 2).length,
        measure: article.getBoundingClientRect().width / ch,
        body: size(paragraph), h3: size(article.querySelector('h3')), h2: size(article.querySelector('h2')),
      };
    }""")
    assert layout["scrolls"] == "auto" and layout["misaligned"] == 0, layout
    assert 60 <= layout["measure"] <= 78, layout
    assert layout["h2"] > layout["h3"] >= 1.25 * layout["body"], layout


async def test_previous_and_next_walk_the_course_and_reading_a_module_is_remembered(learner):
    page = learner.page
    await learner.read(1)
    await expect(learner.by("reader-prev")).to_have_count(0)
    next_link = learner.by("reader-next")
    await expect(next_link).to_contain_text(learner.title(2))
    await next_link.click()
    await expect(page).to_have_url(re.compile(r"/read/2$"))
    await learner.shows(2)
    await expect(learner.by("reader-title")).to_be_focused()
    await learner.by("reader-prev").click()
    await learner.shows(1)

    # Module 1 was read to its end (its pager was on screen): marked in the contents, after a reload too.
    await learner.by("reader-pager").scroll_into_view_if_needed()
    await expect(learner.toc_link(1)).to_have_attribute("data-read", "true")
    await expect(learner.by("reader-progress")).to_contain_text(f"of {len(learner.course['modules'])} modules read")
    await page.reload()
    await learner.shows(1)
    await expect(learner.toc_link(1)).to_have_attribute("data-read", "true")
    await expect(learner.toc_link(3)).to_have_attribute("data-read", "false")

    last = len(learner.course["modules"])
    await learner.read(last)
    await expect(learner.by("reader-next")).to_have_count(0)
    await expect(learner.by("reader-end")).to_be_visible()
    await expect(learner.by("reader-prev")).to_contain_text(learner.title(last - 1))


def places_holding(course: dict, word: str) -> set[tuple[int, str]]:
    """(module position, place) of every part of the course whose text has `word`: "" for the
    module's opening (title, introduction, objectives), "s<n>" for its nth section, "key-points"."""
    found = set()
    for module in course["modules"]:
        c = module["content"] or {}
        opening = " ".join([c.get("title", ""), c.get("introduction", ""), *c.get("learning_objectives", [])])
        if word in opening:
            found.add((module["position"], ""))
        for n, section in enumerate(c.get("sections", []), start=1):
            if word in section["title"] + section["body_markdown"]:
                found.add((module["position"], f"s{n}"))
        if any(word in point for point in c.get("key_points", [])):
            found.add((module["position"], "key-points"))
    return found


async def test_search_finds_a_word_and_links_to_its_module_and_section(learner):
    holding = places_holding(learner.course, RARE_WORD)
    sections = sorted(place for place in holding if place[1].startswith("s"))
    assert sections, f"the word must reach a written section: {holding}"
    await learner.read(1)
    await learner.by("reader-search").fill(RARE_WORD)
    results = learner.by("search-result")
    await expect(results).to_have_count(len(holding))
    await expect(learner.by("search-status")).to_contain_text(f"for “{RARE_WORD}”")
    found = {(int(await r.get_attribute("data-position")), await r.get_attribute("data-place"))
             for r in await results.all()}
    assert found == holding
    position, place = sections[0]
    result = learner.page.locator(f'[data-testid="search-result"][data-position="{position}"][data-place="{place}"]')
    await expect(result.locator("mark").first).to_have_text(re.compile(RARE_WORD, re.IGNORECASE))
    await result.click()
    await expect(learner.page).to_have_url(re.compile(rf"/read/{position}/{place}$"))
    await learner.shows(position)
    section = learner.page.locator(f'[data-testid="reader-section"][data-place="{place}"]')
    await expect(section).to_contain_text(RARE_WORD)
    await expect(section).to_be_in_viewport()

    await learner.by("reader-search").fill("no-such-word-anywhere")
    await expect(learner.by("search-status")).to_contain_text("Nothing in this course matches")
    await expect(results).to_have_count(0)


async def test_a_code_block_sits_between_the_sentence_that_introduces_it_and_the_one_that_explains_it(learner):
    position, place = min(places_holding(learner.course, CODE_LINE))
    await learner.read(position)
    section = learner.page.locator(f'[data-testid="reader-section"][data-place="{place}"]')
    code = section.locator("pre", has_text=CODE_LINE)
    await expect(code).to_have_count(1)
    # In the section's own order: the lead, then the code, then the follow-up, as the source has it.
    order = await section.evaluate("""(element, texts) => {
        const blocks = [...element.querySelectorAll('p, pre')];
        return texts.map((text) => blocks.findIndex((block) => block.textContent.includes(text)));
    }""", [CODE_LEAD, CODE_LINE, CODE_FOLLOW_UP])
    assert -1 not in order and order == sorted(order) and order[1] == order[0] + 1 and order[2] == order[1] + 1, order
    await expect(learner.page.get_by_role("heading", name="Code examples")).to_have_count(0)


async def test_a_link_to_another_document_leads_to_the_module_and_section_holding_it(learner):
    (position, place), = {found for found in places_holding(learner.course, LINK_TEXT) if found[1].startswith("s")}
    target = next((module["position"], f"s{n}") for module in learner.course["modules"]
                  for n, section in enumerate((module["content"] or {}).get("sections", []), start=1)
                  if section["source"]["heading"] == LINK_TARGET_HEADING)
    assert target[0] != position, "the link must lead to another module"
    await learner.read(position)
    section = learner.page.locator(f'[data-testid="reader-section"][data-place="{place}"]')
    link = section.get_by_role("link", name=LINK_TEXT)
    await expect(link).to_have_attribute("href", f"#/courses/{learner.course['course_id']}/read/{target[0]}/{target[1]}")
    await link.click()
    await learner.shows(target[0])
    held = learner.page.locator(f'[data-testid="reader-section"][data-place="{target[1]}"]')
    await expect(held).to_contain_text(CODE_LEAD)
    await expect(held).to_be_in_viewport()


def quiz_module(course: dict) -> dict:
    """The module with the most choice questions (at least two questions in all)."""
    def choices(module):
        return [q for q in (module["content"] or {}).get("assessment", []) if q["kind"] != "short_answer"]
    candidates = [m for m in course["modules"] if len((m["content"] or {}).get("assessment", [])) >= 2 and choices(m)]
    assert candidates, "no module with a choice question"
    return max(candidates, key=lambda m: len(choices(m)))


async def test_the_quiz_is_answered_marked_scored_and_remembered(learner):
    page = learner.page
    module = quiz_module(learner.course)
    questions = module["content"]["assessment"]
    total = len(questions)
    first = next(i for i, q in enumerate(questions) if q["kind"] != "short_answer")
    other = next(i for i in range(total) if i != first)
    await learner.read(module["position"])
    score = learner.by("quiz-score")
    await expect(score).to_have_text(re.compile(r"^Score: not started"))
    # The reader with a module and its quiz passes axe-core's WCAG 2.2 A/AA rules.
    assert await axe_violations(page, "body") == []

    # A wrong answer, chosen with the mouse.
    item = page.locator(f'[data-testid="quiz-question"][data-index="{first}"]')
    options = questions[first]["options"]
    wrong = next(option for option in options if option != questions[first]["answer"])
    wrong_radio = learner.by("quiz-option", item).nth(options.index(wrong))
    await wrong_radio.check()
    await learner.by("check-answer", item).click()
    await expect(item).to_have_attribute("data-marked", "wrong")
    verdict = learner.by("quiz-verdict", item)
    await expect(verdict).to_contain_text("Not quite.")
    await expect(verdict).to_contain_text(questions[first]["answer"])
    await expect(learner.by("quiz-source", item)).to_contain_text(questions[first]["source"]["path"])
    await expect(learner.by("quiz-feedback", item)).to_be_focused()
    await expect(learner.by("quiz-feedback", item)).not_to_contain_text("null")
    await expect(wrong_radio).to_be_disabled()
    await expect(score).to_have_text(f"Score: 0 of {total} correct (1 of {total} answered).")

    # A right answer, with the keyboard alone.
    item = page.locator(f'[data-testid="quiz-question"][data-index="{other}"]')
    q = questions[other]
    if q["kind"] == "short_answer":
        await learner.by("quiz-text", item).focus()
        await page.keyboard.type(q["answer"])
        await page.keyboard.press("Tab")
        await expect(learner.by("show-answer", item)).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(learner.by("self-mark", item)).to_contain_text(q["answer"])
        await expect(learner.by("self-right", item)).to_be_focused()
        await page.keyboard.press("Enter")
    else:
        right_radio = learner.by("quiz-option", item).nth(q["options"].index(q["answer"]))
        await right_radio.focus()
        await page.keyboard.press("Space")
        await expect(right_radio).to_be_checked()
        await page.keyboard.press("Enter")  # submits the question's form
    await expect(item).to_have_attribute("data-marked", "right")
    await expect(learner.by("quiz-verdict", item)).to_contain_text("Correct.")
    expected = f"Score: 1 of {total} correct (2 of {total} answered)."
    await expect(score).to_have_text(expected)
    await expect(learner.by("toc-score", learner.toc_link(module["position"]))).to_contain_text(f"1/{total}")

    await page.reload()
    await learner.shows(module["position"])
    await expect(score).to_have_text(expected)
    await expect(page.locator(f'[data-testid="quiz-question"][data-index="{first}"]')).to_have_attribute(
        "data-marked", "wrong")
    await expect(page.locator(f'[data-testid="quiz-question"][data-index="{other}"]')).to_have_attribute(
        "data-marked", "right")

    await learner.by("quiz-reset").click()
    await expect(score).to_have_text(re.compile(r"^Score: not started"))


async def test_code_options_read_as_code(learner):
    coded = [(m["position"], i, q) for m in learner.course["modules"]
             for i, q in enumerate((m["content"] or {}).get("assessment", []))
             if q.get("options_are_code") and q["kind"] != "short_answer"]
    assert coded, "the course asks no question whose options are code"
    position, index, question = coded[0]
    await learner.read(position)
    item = learner.page.locator(f'[data-testid="quiz-question"][data-index="{index}"]')
    codes = item.locator(".quiz-option-text > code")
    await expect(codes).to_have_count(len(question["options"]))
    assert await codes.all_text_contents() == question["options"]


async def test_a_fill_in_the_blank_prompt_shows_its_blank(learner):
    blanks = [(m["position"], i) for m in learner.course["modules"]
              for i, q in enumerate((m["content"] or {}).get("assessment", [])) if "_____" in q["prompt"]]
    assert blanks, "the course asks no fill-in-the-blank question"
    position, index = blanks[0]
    await learner.read(position)
    legend = learner.page.locator(f'[data-testid="quiz-question"][data-index="{index}"] legend')
    await expect(legend).to_contain_text("_____")  # not read as emphasis markers


async def test_the_reader_fits_a_phone(browser, system, course):
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    try:
        learner = Learner(await context.new_page(), system, course)
        await learner.sign_in()
        await learner.read(2)
        widths = await learner.page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert widths[0] <= widths[1], widths
        # The contents are folded above the module; opened, they lead to another module and fold again.
        toggle, toc = learner.by("toc-toggle"), learner.by("reader-toc")
        await expect(toc).to_be_hidden()
        await toggle.click()
        await expect(toggle).to_have_attribute("aria-expanded", "true")
        await learner.toc_link(3).click()
        await learner.shows(3)
        await expect(toc).to_be_hidden()
        assert not learner.errors
    finally:
        await context.close()
