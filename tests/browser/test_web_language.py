"""A course's language in the reader (Chromium): an Arabic course's reader is right to left with the
Arabic labels of the one table (shared/course_labels.py, served at /api/labels), and says its
text stayed in its sources' English (the offline engine does not translate); a French course's
reader is French; the application around the reader keeps its own language."""
from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from shared.course_labels import TABLE, content_language_note
from tests.support.gitrepos import make_repo
from tests.support.launched import coursegen_run
from tests.support.reader_course import dev_headers, written_course

AUTHOR = "polyglot@example.org"
REPO = {
    "README.md": "# Kettle\n\nKettle boils water for tea.\n",
    "docs/install.md": ("# Install\n\nTo install Kettle, run the installer.\n\n```bash\npip install kettle\n```\n\n"
                        "Kettle needs Python 3.11 and a stove. The installer checks both before it starts.\n"),
    "docs/brewing.md": ("# Brewing\n\nTo brew tea, boil water with Kettle.\n\n```bash\nkettle boil --cups 2\n```\n\n"
                        "Pour the water over the leaves and wait three minutes before you drink it.\n"),
}


@pytest.fixture(scope="module")
def system():
    with coursegen_run() as running:
        yield running


@pytest.fixture(scope="module")
async def courses(system, tmp_path_factory):
    repo = tmp_path_factory.mktemp("language") / "kettle"
    make_repo(repo, REPO)
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, AUTHOR)
        return {language: await written_course(api, headers, repo, f"Kettle ({language})", language)
                for language in ("ar", "fr")}


@pytest.fixture
async def page(browser, system):
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(system.url + "/")
        await page.get_by_test_id("dev-user-id").fill(AUTHOR)
        await page.get_by_test_id("sign-in-dev").click()
        await expect(page.get_by_test_id("session-user")).to_have_text(f"Signed in as {AUTHOR}")
        yield page
        assert not errors
    finally:
        await context.close()


def test_the_generated_course_says_its_language_and_that_its_text_stayed_in_the_sources(courses):
    arabic = courses["ar"]
    assert (arabic["language"], arabic["content_language"], arabic["dir"]) == ("ar", "en", "rtl")
    assert arabic["language_note"] == content_language_note("ar", "en")


async def test_an_arabic_course_reads_right_to_left_with_arabic_labels(page, system, courses):
    course = courses["ar"]
    await page.goto(f"{system.url}/#/courses/{course['course_id']}/read/1")
    reader = page.get_by_test_id("reader")
    await expect(reader).to_have_attribute("lang", "ar")
    await expect(reader).to_have_attribute("dir", "rtl")
    total = len(course["modules"])
    await expect(page.get_by_test_id("reader-kicker")).to_have_text(
        TABLE["module_of"]["ar"].format(n=1, total=total))
    await expect(page.get_by_test_id("reader-release")).to_have_text(content_language_note("ar", "en"))
    if course["modules"][0]["content"]["assessment"]:
        await expect(page.locator("#quiz-heading")).to_have_text(TABLE["assessment"]["ar"])
    # The page around the reader is the application's, not the course's.
    assert await page.evaluate("document.documentElement.lang") == "en"


async def test_a_french_course_reads_with_french_labels(page, system, courses):
    course = courses["fr"]
    await page.goto(f"{system.url}/#/courses/{course['course_id']}/read/1")
    reader = page.get_by_test_id("reader")
    await expect(reader).to_have_attribute("lang", "fr")
    await expect(reader).to_have_attribute("dir", "ltr")
    await expect(page.get_by_test_id("reader-kicker")).to_have_text(
        TABLE["module_of"]["fr"].format(n=1, total=len(course["modules"])))
    sources = page.get_by_test_id("source")
    if await sources.count():
        await expect(sources.first).to_contain_text(f"{TABLE['source']['fr']}:")
