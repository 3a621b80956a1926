"""Refreshing a course from the course page (issue 18), in Chromium against `coursegen run` (every
stage service a real process, the offline engine): a course written through the API from a local
repository; the test commits a change to one document, clicks "Refresh from repository" and watches
the page follow the refresh to "Version 2 written: …"; the versions list shows both versions with
their summaries, changelog and cost, and version 1 still downloads. A refresh with nothing changed
says so, a refresh from a ref that does not exist says it failed and which version stays current,
the button waits while a stage runs, and the panel fits a phone."""
from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from tests.support.launched import coursegen_run
from tests.support.reader_course import MODULE_TARGET_MINUTES
from tests.support.page_checks import held, layout_problems
from tests.support.versions_ui import CHANGED_DOCUMENT, api_written_course, change_a_document, course_versions
from tests.support.web_modules import module_page

REFRESH_TIMEOUT = 180_000  # ms: up to four stages again on a busy machine
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def system():
    """`coursegen run` with modules of about five minutes: several modules, so a refresh keeps some."""
    with coursegen_run({"MODULE_TARGET_MINUTES": MODULE_TARGET_MINUTES}) as running:
        yield running


async def test_a_changed_document_refreshes_to_version_2_from_the_course_page(ui, course_repo):
    course = await api_written_course(ui.system, ui.user, course_repo, "Skyline, refreshed")
    course_id = course["course_id"]
    page = ui.page
    await ui.sign_in()
    await page.goto(f"{ui.system.url}/#/courses/{course_id}")
    panel, refresh = ui.by("versions-panel"), ui.by("start-refresh")
    await expect(panel).to_be_visible()
    await expect(ui.by("version", panel)).to_have_count(1)
    await expect(ui.by("version-summary", panel)).to_have_text("First version.")
    await expect(ui.by("version-current", panel)).to_have_count(1)
    await expect(ui.by("refresh-outcome")).to_be_hidden()  # no refresh yet
    await expect(refresh).to_be_enabled()

    commit_sha = change_a_document(course_repo)
    await refresh.click()
    # While it runs, the button waits with its reason and the page follows the refresh's stages.
    await expect(refresh).to_be_disabled()
    await expect(ui.by("refresh-blocked")).to_have_text("A refresh is running: its progress is shown below.")
    await expect(refresh).to_have_attribute("title", "A refresh is running: its progress is shown below.")
    await expect(ui.by("refresh-progress")).to_contain_text(re.compile(r"Refreshing — stage \d of 4"))

    outcome = ui.by("refresh-outcome")
    await expect(outcome).to_have_attribute("data-outcome", re.compile("^(NEW_VERSION|UNCHANGED|FAILED|NEEDS_CHOICE)$"),
                                            timeout=REFRESH_TIMEOUT)
    newest, first = await course_versions(ui.system, ui.user, course_id)
    assert newest["version"] == 2 and newest["commit_sha"] == commit_sha, newest
    assert "1 document changed" in newest["summary"] and "regenerated" in newest["summary"], newest["summary"]
    await expect(ui.by("refresh-headline")).to_have_text(f"Version 2 written: {newest['summary']}")
    await expect(outcome).to_have_attribute("data-outcome", "NEW_VERSION")
    await expect(outcome).to_be_focused()  # the button it started from was disabled meanwhile
    await expect(ui.by("refresh-progress")).to_be_hidden()
    await expect(refresh).to_be_enabled()
    await expect(ui.panel(4)).to_have_attribute("data-status", "SUCCESS")

    # The list: newest first, the current one marked, its commit, summary, changelog and cost.
    items = ui.by("version", panel)
    await expect(items).to_have_count(2)
    assert [await item.get_attribute("data-version") for item in await items.all()] == ["2", "1"]
    v2, v1 = items.nth(0), items.nth(1)
    await expect(v2).to_have_attribute("data-current", "true")
    await expect(v1).to_have_attribute("data-current", "false")
    await expect(ui.by("version-current", v2)).to_have_text("current")
    await expect(ui.by("version-current", v1)).to_have_count(0)
    await expect(ui.by("version-commit", v2)).to_have_text(f"Commit {commit_sha[:7]}")
    summary = newest["summary"]
    await expect(ui.by("version-summary", v2)).to_have_text(summary[0].upper() + summary[1:] + ".")
    changes = ui.by("version-changes", v2)
    await changes.locator("summary").click()
    await expect(changes.locator("li").first).to_have_text(f"Changed: {CHANGED_DOCUMENT}")
    await expect(changes.locator("li")).to_have_count(len(newest["changes"]))
    cost = newest["cost"]
    assert cost["cache_hits"] == cost["documents_analysed"] - 1, cost
    assert cost["modules_reused"] > 0, cost  # only the modules citing the changed document were written
    written = cost["modules_written"]
    await expect(ui.by("version-cost", v2)).to_contain_text(
        f"Cost: {cost['documents_analysed']} documents analysed, {cost['cache_hits']} from the cache; "
        f"{written} module{'' if written == 1 else 's'} written, {cost['modules_reused']} kept; ")
    await expect(changes.locator("li").last).to_have_text(re.compile(r"^Kept as they were: modules? "))

    # Version 1 still downloads, with the bearer token, as a zip named after the course and version.
    async with page.expect_download() as started:
        await ui.by("download-version", v1).click()
    download = await started.value
    assert download.suggested_filename == "Skyline-refreshed-v1.zip", download.suggested_filename
    with open(await download.path(), "rb") as saved:
        assert saved.read(2) == b"PK"
    assert first["version"] == 1 and first["export"]["bytes"] > 0
    # …and as an EPUB, chosen beside it.
    await ui.by("download-version-format", v1).select_option("epub")
    async with page.expect_download() as started:
        await ui.by("download-version", v1).click()
    download = await started.value
    assert download.suggested_filename == "Skyline-refreshed-v1.epub", download.suggested_filename
    with open(await download.path(), "rb") as saved:
        assert saved.read(58)[30:] == b"mimetypeapplication/epub+zip"

    # Nothing changed since: said so, no new version. Keyboard only: Enter on the focused button.
    await refresh.focus()
    await page.keyboard.press("Enter")
    await expect(outcome).to_have_attribute("data-outcome", "UNCHANGED", timeout=REFRESH_TIMEOUT)
    await expect(ui.by("refresh-headline")).to_have_text("Nothing changed since version 2")
    await expect(outcome).to_contain_text("has not changed since version 2")
    await expect(items).to_have_count(2)

    # A ref git refuses is marked under its field; a ref that does not exist fails the refresh.
    await ui.by("refresh-options").locator("summary").click()
    ref = ui.by("refresh-ref")
    await ref.fill("no spaces allowed")
    await refresh.click()
    await expect(ref).to_have_attribute("aria-invalid", "true")
    await expect(ui.by("refresh-ref-error")).to_have_text("contains characters that are not allowed here")
    await ref.fill("no-such-branch")
    await expect(ref).not_to_have_attribute("aria-invalid", "true")
    await refresh.click()
    await expect(outcome).to_have_attribute("data-outcome", "FAILED", timeout=REFRESH_TIMEOUT)
    await expect(ui.by("refresh-headline")).to_have_text(
        re.compile(r"^Refresh failed: the repository could not be scanned .+ — version 2 stays current$"))
    await expect(outcome).to_have_attribute("role", "alert")
    await expect(items).to_have_count(2)
    await ref.fill("")

    # The panel on a phone: nothing wider than the window, every button labelled and inside it.
    await page.set_viewport_size(PHONE)
    problems = await layout_problems(page)
    assert not problems, problems

    # While a stage runs, the button waits, and says why.
    with held(ui.system, "repo_clone"):
        await ui.by("start-stage1").click()
        await expect(refresh).to_be_disabled()
        await expect(ui.by("refresh-blocked")).to_have_text("Stage 1 is running; refresh once it has finished.")
    await ui.wait_stage(1)
    await expect(refresh).to_be_enabled()
    assert not ui.errors, ui.errors


WORDS = """async (cases) => {
  const words = await import("/ui/views/versions_words.js");
  const versions = [{version: 3, current: true, summary: "2 documents changed, modules 2 and 5 regenerated"},
                    {version: 2, current: false, summary: "1 document removed"}];
  return {
    outcomes: cases.map((status) => words.outcomeWords(status, versions)),
    cost: words.costWords({documents_analysed: 3, cache_hits: 2, modules_written: 1, modules_reused: 4, calls: 12}),
    one: words.costWords({documents_analysed: 1, cache_hits: 0, modules_written: 1, modules_reused: 0, calls: 0}),
    tokens: words.costWords({documents_analysed: 2, cache_hits: 0, modules_written: 2, modules_reused: 0,
                             calls: 1, input_tokens: 12345, output_tokens: 678}),
    running: words.progressWords({status: "RUNNING", stage: "stage2", step: "analysing the documents: Waiting"}),
    commit: words.commitWords({commit_sha: "3f2a9c1d0e", ref: "main"}),
  };
}"""


async def test_the_panel_says_each_outcome_and_cost_in_plain_words(browser):
    """The words of outcomes the live test does not reach (a pathway that could not be kept)."""
    async with module_page(browser) as page:
        said = await page.evaluate(WORDS, [
            {"status": "NEW_VERSION", "version": 3},
            {"status": "UNCHANGED", "message": "commit 3f2a9c1d0e changes none of the course's 7 documents; "
                                               "version 3 stays current"},
            {"status": "FAILED", "message": "the documents could not be analysed (budget reached); "
                                            "the current version stays"},
            {"status": "NEEDS_CHOICE", "message": "module 2's documents were removed; 3 new pathways are "
                                                  "proposed: choose one and write the course"},
            {"status": "RUNNING"}, {"status": "NONE"}])
    new, unchanged, failed, choice, running, none = said["outcomes"]
    assert new == {"kind": "success", "headline": "Version 3 written: 2 documents changed, modules 2 and 5 regenerated",
                   "detail": "", "toStage3": False}
    assert unchanged["headline"] == "Nothing changed since version 3" and unchanged["kind"] == "info"
    assert unchanged["detail"] == "Commit 3f2a9c1d0e changes none of the course's 7 documents; version 3 stays current."
    assert failed["headline"] == "Refresh failed: the documents could not be analysed (budget reached) — version 3 stays current"
    assert failed["kind"] == "error"
    assert choice["headline"] == ("The documentation changed too much to keep your pathway: "
                                  "choose one of the new pathways")
    assert choice["toStage3"] and choice["kind"] == "warning" and choice["detail"].startswith("Module 2's documents")
    assert running is None and none is None
    assert said["cost"] == "3 documents analysed, 2 from the cache; 1 module written, 4 kept; 12 provider calls"
    assert said["one"] == "1 document analysed; 1 module written; no provider calls"
    assert said["tokens"] == ("2 documents analysed; 2 modules written; 1 provider call (12,345 tokens in, 678 out)")
    assert said["running"] == "Refreshing — stage 2 of 4, analysing the documents: Waiting"
    assert said["commit"] == "Commit 3f2a9c1 (main)"
