"""The SCORM packages run as an LMS runs them: Chromium opens a page that provides a real SCORM runtime
(scorm-again's Scorm12API / Scorm2004API, from tests/node) and launches the package's SCO in a frame.
A learner reads every module, answers the quizzes (every answer right, or every answer wrong), leaves;
the runtime's data model then holds the score, completion and success as the course set them, with no
API error; reopened with that data, the course comes back at the bookmark with the answers given.
Every exported page also passes axe-core."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import Frame, Page, expect

from services.modules.export.book import book_html
from services.modules.export.epub import epub_package
from services.modules.export.export import build_zip
from services.modules.export.imscc import cartridge
from services.modules.export.scorm import scorm_package
from shared.scorm_mastery import with_mastery
from tests.support.axe import axe_violations
from tests.support.exported_course import exported_course
from tests.support.scorm_runtime import LMS, VERSIONS, entries, kind, launched, serve

async def learn(sco: Frame, right: bool | float) -> None:
    """Read every module in order, answering each quiz as it comes: all right (True), all wrong
    (False), or the first share of the questions right and the others wrong (a fraction)."""
    modules = await sco.locator("article.module").count()
    total = await sco.locator("fieldset.question").count()
    answered = 0
    for number in range(1, modules + 1):
        article = sco.locator(f'article.module[data-module="{number}"]')
        await article.wait_for(state="visible")
        for question in await article.locator("fieldset.question").all():
            correct = int(await question.get_attribute("data-correct"))
            options = await question.locator("input[type=radio]").count()
            answered += 1
            this_right = right if isinstance(right, bool) else answered <= right * total
            choice = correct if this_right else (correct + 1) % options
            await question.locator(f'input[value="{choice}"]').check()
            await question.locator("button.check").click()
            await expect(question).to_have_attribute("data-verdict", "right" if this_right else "wrong")
        if number < modules:
            await sco.locator("#next").click()


async def runtime_state(page: Page, version: str) -> dict:
    api = VERSIONS[version]["api"]
    return await page.evaluate(f"() => ({{cmi: JSON.parse(JSON.stringify(window.{api}.cmi)), errors: window.apiErrors}})")


async def interactions_of(page: Page, version: str) -> list[dict]:
    """The interactions the SCO recorded, as the LMS page saw each value set."""
    found: dict[int, dict] = {}
    for element, value in await page.evaluate("() => window.setValues"):
        match = re.fullmatch(r"cmi\.interactions\.(\d+)\.(\w+)", element)
        if match:
            found.setdefault(int(match[1]), {})[match[2]] = value
    return [found[n] for n in sorted(found)]


def saved_for_resume(cmi: dict, version: str) -> dict:
    """What an LMS hands the SCO when the learner comes back: the bookmark, the suspend data, the
    status and score of the last session, and entry = resume."""
    if version == "1.2":
        core = cmi["core"]
        return {"suspend_data": cmi["suspend_data"],
                "core": {"lesson_location": core["lesson_location"], "lesson_status": core["lesson_status"],
                         "entry": "resume", "score": core["score"]}}
    return {"suspend_data": cmi["suspend_data"], "location": cmi["location"], "entry": "resume",
            "completion_status": cmi["completion_status"], "success_status": cmi["success_status"]}


@pytest.mark.parametrize("version", ["1.2", "2004"])
@pytest.mark.parametrize("right", [True, False], ids=["passing", "failing"])
async def test_a_learner_reads_answers_leaves_and_comes_back_at_the_bookmark(browser, version, right):
    course = exported_course()
    package = entries(scorm_package(course, version))
    page, sco = await launched(browser, version, package)
    await learn(sco, right)
    await sco.locator("#previous").click()          # the bookmark: not the last module
    bookmark = len(course.modules) - 1
    await sco.locator("#leave").click()
    state = await runtime_state(page, version)
    cmi = state["cmi"]
    assert state["errors"] == []
    # What was read and answered, in a form that fits SCORM 1.2's 4,096 characters: a mark per module
    # and per choice question.
    assert re.fullmatch(r"r:1+;a:[0-9a-z]+", cmi["suspend_data"]), cmi["suspend_data"]
    # Every answer checked is an interaction the LMS's item analysis reads, marked right or wrong.
    interactions = await interactions_of(page, version)
    assert len(interactions) == await sco.locator("fieldset.question").count() > 0
    assert {i["result"] for i in interactions} == {("correct" if right else "wrong" if version == "1.2"
                                                    else "incorrect")}
    if version == "1.2":
        assert cmi["core"]["lesson_status"] == ("passed" if right else "failed")
        assert cmi["core"]["score"] == {"raw": "100" if right else "0", "min": "0", "max": "100"}
        assert cmi["core"]["lesson_location"] == str(bookmark)
        assert cmi["core"]["exit"] == "suspend"
    else:
        assert (cmi["completion_status"], cmi["success_status"]) == ("completed", "passed" if right else "failed")
        assert float(cmi["score"]["scaled"]) == (1.0 if right else 0.0)
        assert cmi["location"] == str(bookmark)
        assert cmi["exit"] == "suspend"
    await page.close()

    page, sco = await launched(browser, version, package, saved_for_resume(cmi, version))
    shown = sco.locator("article.module:visible")
    assert await shown.get_attribute("data-module") == str(bookmark)
    verdicts = await sco.locator("fieldset.question[data-verdict]").count()
    assert verdicts == await sco.locator("fieldset.question").count() > 0   # every answer is remembered
    state = await runtime_state(page, version)
    assert state["errors"] == []
    await page.close()


@pytest.mark.parametrize("version", ["1.2", "2004"])
async def test_the_mastery_score_the_author_chose_decides_pass_or_fail(browser, version):
    """Two thirds of the answers right: failed against the default 80 %, passed against 50 %."""
    name = "scorm12" if version == "1.2" else "scorm2004"
    for package, verdict in ((scorm_package(exported_course(), version), "failed"),
                             (with_mastery(scorm_package(exported_course(), version), name, 50), "passed")):
        page, sco = await launched(browser, version, entries(package))
        await learn(sco, 2 / 3)
        await sco.locator("#leave").click()
        state = await runtime_state(page, version)
        cmi = state["cmi"]
        assert state["errors"] == []
        assert (cmi["core"]["lesson_status"] if version == "1.2" else cmi["success_status"]) == verdict
        await page.close()


async def test_a_learner_who_has_not_read_every_module_has_not_completed(browser):
    page, sco = await launched(browser, "2004", entries(scorm_package(exported_course("structlog"), "2004")))
    await sco.locator("#leave").click()
    cmi = (await runtime_state(page, "2004"))["cmi"]
    assert (cmi["completion_status"], cmi["success_status"]) == ("incomplete", "unknown")
    await page.close()


async def test_the_sco_works_without_an_lms(browser):
    page = await browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    files = {f"/{name}": (data, kind(name)) for name, data in entries(scorm_package(exported_course(), "1.2")).items()}
    await serve(page, files)
    await page.goto(f"{LMS}/index.html")
    await page.locator("html[data-lms=none]").wait_for(state="attached")
    await page.locator("#next").click()
    assert await page.locator("article.module:visible").get_attribute("data-module") == "2"
    assert errors == []
    await page.close()


async def exported_pages() -> dict[str, tuple[bytes, str]]:
    course = exported_course("structlog")
    epub = entries(epub_package(course))
    cc = entries(cartridge(course))
    first_module = next(name for name in epub if name.endswith(".xhtml") and name[5:7].isdigit())
    first_web = next(name for name in cc if name.endswith(".html"))
    site = {name.removeprefix("site/"): data for name, data in entries(build_zip(course)).items()
            if name.startswith("site/")}
    first_page = next(name for name in site if name.startswith("modules/"))
    return {"/site/index.html": (site["index.html"], "text/html"),
            "/site/modules/module.html": (site[first_page], "text/html"),
            "/site/assets/style.css": (site["assets/style.css"], "text/css"),"/book.html": (book_html(course).encode(), "text/html"),
            "/scorm/index.html": (entries(scorm_package(course, "2004"))["index.html"], "text/html"),
            "/scorm/player.js": (entries(scorm_package(course, "2004"))["player.js"], "text/javascript"),
            "/epub/module.xhtml": (epub[first_module], "application/xhtml+xml"),
            "/epub/style.css": (epub["EPUB/style.css"], "text/css"),
            "/cc/module.html": (cc[first_web], "text/html"),
            "/cc/style.css": (cc["web_resources/style.css"], "text/css")}


@pytest.mark.parametrize("path", ["/site/index.html", "/site/modules/module.html", "/book.html", "/scorm/index.html",
                                  "/epub/module.xhtml", "/cc/module.html"])
async def test_every_exported_page_passes_axe(browser, path):
    page = await browser.new_page()
    await serve(page, await exported_pages())
    await page.goto(f"{LMS}{path}")
    assert await axe_violations(page, "html") == []
    if path == "/scorm/index.html":     # the quiz can be answered from the keyboard alone
        # the first question with options to choose from (a short answer has none), module by module
        choices = page.locator("article.module:visible fieldset.question", has=page.locator("input[type=radio]"))
        for _ in range(await page.locator("article.module").count()):
            if await choices.count():
                break
            await page.locator("#next").click()
        first = choices.first
        await first.locator("input[type=radio]").first.focus()
        await page.keyboard.press("Space")
        await page.keyboard.press("Tab")
        await page.keyboard.press("Enter")
        await expect(first).to_have_attribute("data-verdict", re.compile("right|wrong"))
        assert await axe_violations(page, "html") == []
    await page.close()
