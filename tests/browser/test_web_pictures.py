"""Pictures in Chromium, on a real documentation tree with Mermaid diagrams (tests/support/
mermaid_tree.py): the reader shows each module's concept map with its list, the reader and the
exported site show the diagrams drawn as SVG under their strict CSP and a broken one as its source,
and both pass axe."""
from __future__ import annotations

import io
import shutil
import zipfile

import httpx
import pytest
from playwright.async_api import expect

from tests.support.axe import axe_violations
from tests.support.launched import coursegen_run
from tests.support.mermaid_tree import BROKEN_LINE, RENDERERS, make_mermaid_repo
from tests.support.reader_course import dev_headers, written_course

LEARNER = "pictures@example.org"
pytestmark = pytest.mark.skipif(not RENDERERS.is_dir() or shutil.which("chromium") is None,
                                reason="mermaid (make renderers) or Chromium is not installed")


@pytest.fixture(scope="module")
def system():
    with coursegen_run({}) as running:
        yield running


@pytest.fixture(scope="module")
async def course(system, tmp_path_factory):
    repo = make_mermaid_repo(tmp_path_factory.mktemp("pictures") / "mermaid")
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, LEARNER)
        course = await written_course(api, headers, repo, "Mermaid pictures")
        course["zip"] = (await api.get(f"/api/courses/{course['course_id']}/export", headers=headers)).content
        return course


async def test_the_reader_shows_the_module_s_concept_map_with_its_list(browser, system, course):
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(system.url + "/")
    await page.get_by_test_id("dev-user-id").fill(LEARNER)
    await page.get_by_test_id("sign-in-dev").click()
    await page.goto(f"{system.url}/#/courses/{course['course_id']}/read/1")
    figure = page.get_by_test_id("reader-concept-map")
    await expect(figure.locator("svg[role=img]")).to_be_visible()
    await expect(figure.locator("details li").first).to_contain_text("needed for")
    assert await axe_violations(page, "[data-testid=reader-concept-map]") == []
    assert not errors


async def signed_in_page(browser, system):
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900})).new_page()
    await page.goto(system.url + "/")
    await page.get_by_test_id("dev-user-id").fill(LEARNER)
    await page.get_by_test_id("sign-in-dev").click()
    return page


async def test_the_reader_shows_the_diagrams_drawn_and_a_broken_one_as_its_source(browser, system, course):
    page = await signed_in_page(browser, system)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if "Content Security Policy" in message.text
            else None)
    drawn = broken = 0
    for module in course["modules"]:
        await page.goto(f"{system.url}/#/courses/{course['course_id']}/read/{module['position']}")
        await expect(page.get_by_test_id("reader-module")).to_have_attribute("data-position", str(module["position"]))
        for svg in await page.locator("[data-testid=reader-diagram].drawn svg[role=img]").all():
            await svg.scroll_into_view_if_needed()
            box = await svg.bounding_box()
            assert box and box["width"] > 20 and box["height"] > 20  # a picture, not an empty box
            drawn += 1
        undrawn = page.locator("[data-testid=reader-diagram]:not(.drawn)")
        if await undrawn.filter(has_text=BROKEN_LINE).count():
            await expect(undrawn.filter(has_text=BROKEN_LINE).locator(".diagram-note")).to_contain_text(
                "could not be drawn")
            broken += 1
        # No block of a diagram language is left as bare code.
        assert not await page.locator("pre.code code[data-language^=mermaid]:not(figure.diagram *)").count()
        if await page.get_by_test_id("reader-diagram").count():
            assert await axe_violations(page, "[data-testid=reader-module]") == []
    assert drawn >= 3 and broken == 1
    assert not errors, errors


async def test_the_site_shows_the_diagrams_drawn_and_a_broken_one_as_its_source(browser, course, tmp_path):
    zipfile.ZipFile(io.BytesIO(course["zip"])).extractall(tmp_path)
    pages = sorted((tmp_path / "site" / "modules").glob("*.html"))
    page = await (await browser.new_context()).new_page()
    drawn = broken = 0
    for path in pages:
        await page.goto(path.as_uri())
        for svg in await page.locator("figure.diagram.drawn svg").all():
            box = await svg.bounding_box()
            assert box and box["width"] > 20 and box["height"] > 20  # a picture, not an empty box
            drawn += 1
        if await page.get_by_text(BROKEN_LINE).count():
            await expect(page.locator("figure.diagram:not(.drawn) .diagram-note").first).to_be_visible()
            broken += 1
        if await page.locator("figure.diagram, figure.concept-map").count():
            assert await axe_violations(page, "figure.diagram, figure.concept-map") == []
    assert drawn >= 3 and broken == 1
    await page.goto((tmp_path / "site" / "index.html").as_uri())
    await expect(page.locator("figure.concept-map svg[role=img]")).to_be_visible()
