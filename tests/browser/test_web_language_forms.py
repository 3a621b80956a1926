"""A course's language where an author and a learner meet it (Chromium, issue 48): the new-course
form sends the language chosen (a listed one, or a BCP 47 tag typed in) and shows the gateway's
refusal of a tag on the field; the course page says the language and changes it; a learner of a
cohort reads an Arabic course right to left with the Arabic labels of the one table and its note
that the text stayed in the sources' English (the offline engine does not translate)."""
from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from shared.course_labels import NAMES, TABLE, content_language_note
from tests.support.axe import axe_violations
from tests.support.gitrepos import make_repo
from tests.support.reader_course import dev_headers, written_course

OWNER = "teacher@example.org"
LEARNER = "student@example.org"
REPO = {
    "README.md": "# Kettle\n\nKettle boils water for tea.\n",
    "docs/install.md": ("# Install\n\nTo install Kettle, run the installer.\n\n```bash\npip install kettle\n```\n\n"
                        "Kettle needs Python 3.11 and a stove. The installer checks both before it starts.\n"),
    "docs/brewing.md": ("# Brewing\n\nTo brew tea, boil water with Kettle.\n\n```bash\nkettle boil --cups 2\n```\n\n"
                        "Pour the water over the leaves and wait three minutes before you drink it.\n"),
}


async def test_an_author_chooses_and_changes_a_course_language(ui):
    await ui.sign_in()
    await ui.by("new-course-title").fill("Bouilloire")
    await expect(ui.by("course-language").locator("option[value=fr]")).to_have_text(f"{NAMES['fr']} (fr)")
    # A typed tag the registry does not know: the gateway's refusal shows on the field.
    await ui.by("course-language").select_option("other")
    await ui.by("create-course").click()
    await expect(ui.by("course-language-tag-error")).to_be_visible()  # empty: said before any request
    await ui.by("course-language-tag").fill("qaa")
    await ui.by("create-course").click()
    await expect(ui.by("course-language-tag-error")).to_contain_text("not a language a course can be written in")
    await expect(ui.by("course-language-tag")).to_have_attribute("aria-invalid", "true")
    assert await axe_violations(ui.page, ".create-form") == []

    await ui.by("course-language").select_option("fr")
    await ui.by("create-course").click()
    await expect(ui.by("course-title")).to_have_text("Bouilloire")
    await expect(ui.by("course-language-shown")).to_have_text(f"{NAMES['fr']} (fr)")
    course_id = ui.page.url.rsplit("/", 1)[1]

    # Changed on the course page, to a language the labels have no table of, typed as a tag.
    await ui.by("change-language").click()
    await expect(ui.by("edit-course-language")).to_have_value("fr")
    # Once a course has a language the API has no way back to "none": the choice is not offered.
    await expect(ui.by("edit-course-language").locator("option[value='']")).to_be_disabled()
    await ui.by("edit-course-language").select_option("other")
    await ui.by("edit-course-language-tag").fill("pt-br")
    await ui.by("save-language").click()
    await expect(ui.by("course-language-shown")).to_have_text(f"{NAMES['pt']} (pt-BR)")  # its standard form
    await expect(ui.by("change-language")).to_be_focused()
    async with httpx.AsyncClient(base_url=ui.system.url, timeout=30) as api:
        headers = {"Authorization": f"Bearer {await ui.token()}"}
        course = (await api.get(f"/api/projects/{course_id}", headers=headers)).json()
    assert course["language"] == "pt-BR"
    assert not ui.errors and not ui.dialogs


@pytest.fixture
async def arabic_assigned(system, tmp_path):
    """An Arabic course written offline, assigned to a cohort with LEARNER in it, all released."""
    repo = tmp_path / "kettle"
    make_repo(repo, REPO)
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        owner = await dev_headers(api, OWNER)
        course = await written_course(api, owner, repo, "Kettle (ar)", "ar")
        cohort = (await api.post("/api/cohorts", json={"name": "Arabic readers"}, headers=owner)).json()["cohort_id"]
        added = await api.post(f"/api/cohorts/{cohort}/members", json={"user_id": LEARNER, "role": "learner"},
                               headers=owner)
        assert added.status_code in (200, 201), added.text
        assigned = await api.post(f"/api/cohorts/{cohort}/courses", json={"course_id": course["course_id"]},
                                  headers=owner)
        assert assigned.status_code in (200, 201), assigned.text
        learner = await dev_headers(api, LEARNER)
        taught = (await api.get(f"/api/learn/courses/{course['course_id']}", headers=learner)).json()
    return course, taught


async def test_a_learner_reads_an_assigned_course_in_its_language(browser, system, arabic_assigned):
    course, taught = arabic_assigned
    note = content_language_note("ar", "en")
    assert (taught["language"], taught["content_language"], taught["dir"], taught["language_note"]) == (
        "ar", "en", "rtl", note)
    context = await browser.new_context()
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        await page.goto(system.url + "/")
        await page.get_by_test_id("dev-user-id").fill(LEARNER)
        await page.get_by_test_id("sign-in-dev").click()
        await expect(page.get_by_test_id("session-user")).to_have_text(f"Signed in as {LEARNER}")
        await page.goto(f"{system.url}/#/learn/{course['course_id']}/read/1")
        reader = page.get_by_test_id("reader")
        await expect(reader).to_have_attribute("lang", "ar")
        await expect(reader).to_have_attribute("dir", "rtl")
        await expect(page.get_by_test_id("reader-kicker")).to_have_text(
            TABLE["module_of"]["ar"].format(n=1, total=taught["total"]))
        await expect(page.get_by_test_id("reader-release")).to_contain_text(note)
        # Its landmarks are named in Arabic too, from the same table.
        await expect(page.get_by_test_id("reader-toc")).to_have_attribute("aria-label", TABLE["modules"]["ar"])
        await expect(page.get_by_test_id("reader-pager")).to_have_attribute(
            "aria-label", TABLE["module_navigation"]["ar"])
        if taught["modules"][0]["content"]["assessment"]:
            await expect(page.locator("#quiz-heading")).to_have_text(TABLE["assessment"]["ar"])
        assert await page.evaluate("document.documentElement.lang") == "en"
        assert not errors
    finally:
        await context.close()
