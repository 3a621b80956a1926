"""Editing a written course from the course page (issue 18), in Chromium against `coursegen run`
(every stage service a real process, the offline engine): rename a module with the keyboard, see the
new title in the panel, the reader and the history, undo it from the history and see the old title
back; move a module and remove one; a bad title is refused beside its field; the panel fits a phone."""
from __future__ import annotations

import httpx
import pytest
from playwright.async_api import expect

from tests.support.editing import edit, presented
from tests.support.launched import coursegen_run
from tests.support.reader_course import MODULE_TARGET_MINUTES, dev_headers
from tests.support.page_checks import layout_problems
from tests.support.versions_ui import api_written_course
from tests.support.waiting import eventually

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def system():
    """`coursegen run` with modules of about five minutes: several modules to move and remove."""
    with coursegen_run({"MODULE_TARGET_MINUTES": MODULE_TARGET_MINUTES}) as running:
        yield running


def module_titles(ui):
    return ui.by("edit-module-title", ui.by("edit-panel"))


async def test_rename_a_module_and_undo_it_from_the_page(ui, course_repo):
    course = await api_written_course(ui.system, ui.user, course_repo, "Skyline, edited")
    course_id, first = course["course_id"], course["modules"][0]
    old = first["content"]["title"]
    page = ui.page
    await ui.sign_in()
    await page.goto(f"{ui.system.url}/#/courses/{course_id}")
    panel = ui.by("edit-panel")
    await expect(panel).to_be_visible()
    await expect(module_titles(ui).first).to_have_text(f"1. {old}")
    await expect(ui.by("edit-history-empty")).to_be_visible()

    rename = ui.by("rename-module", panel).first
    await rename.focus()
    await page.keyboard.press("Enter")
    title = ui.by("rename-title")
    await expect(title).to_be_focused()
    await title.fill("")
    await page.keyboard.press("Enter")  # an empty title is refused beside its field
    await expect(title).to_have_attribute("aria-invalid", "true")
    await expect(ui.by("rename-title-error")).to_have_text("New title cannot be empty.")
    await title.fill("Getting started, my way")
    await page.keyboard.press("Enter")

    await expect(ui.by("edit-status")).to_have_text(f"Renamed “{old}” to “Getting started, my way”.")
    await expect(ui.by("edit-status")).to_be_focused()
    await expect(module_titles(ui).first).to_have_text("1. Getting started, my way")
    await expect(ui.by("edited-mark", panel)).to_have_count(1)
    entry = ui.by("edit-entry").first
    await expect(entry).to_contain_text(f'Module "{first["title"]}" renamed to "Getting started, my way"')
    await expect(entry).to_contain_text(f"By {ui.user}")

    await page.goto(f"{ui.system.url}/#/courses/{course_id}/read/1")  # the reader shows the edit
    await expect(page.locator("main h1, main h2").filter(has_text="Getting started, my way").first).to_be_visible()
    await page.goto(f"{ui.system.url}/#/courses/{course_id}")
    await expect(module_titles(ui).first).to_have_text("1. Getting started, my way")

    await ui.by("undo-edit", ui.by("edit-entry").first).click()
    await expect(ui.by("edit-status")).to_contain_text("Undone: module")
    await expect(module_titles(ui).first).to_have_text(f"1. {old}")
    await expect(ui.by("edited-mark", panel)).to_have_count(0)
    await expect(ui.by("edit-entry").first).to_have_attribute("data-undone", "true")
    await expect(ui.by("edit-entry").first).to_contain_text(f"Undone by {ui.user}")
    await expect(ui.by("undo-edit")).to_have_count(0)
    assert not ui.errors, ui.errors


async def test_move_and_remove_modules_on_a_phone(ui, course_repo):
    course = await api_written_course(ui.system, ui.user, course_repo, "Skyline, rearranged")
    course_id = course["course_id"]
    titles = [m["content"]["title"] for m in course["modules"]]
    assert len(titles) >= 3, titles
    page = ui.page
    await page.set_viewport_size(PHONE)
    await ui.sign_in()
    await page.goto(f"{ui.system.url}/#/courses/{course_id}")
    panel = ui.by("edit-panel")
    await expect(module_titles(ui)).to_have_count(len(titles))
    assert not await layout_problems(page), await layout_problems(page)
    await expect(ui.by("move-up", panel).first).to_be_disabled()

    await ui.by("move-down", panel).first.click()
    await expect(module_titles(ui).nth(1)).to_have_text(f"2. {titles[0]}")
    await expect(module_titles(ui).first).to_have_text(f"1. {titles[1]}")
    await expect(ui.by("move-down", ui.by("edit-module").nth(1))).to_be_focused()  # the moved module's button

    await ui.by("remove-module", ui.by("edit-module").last).click()
    await expect(module_titles(ui)).to_have_count(len(titles) - 1)
    await expect(ui.by("edit-status")).to_contain_text(f"Removed “{titles[-1]}”")
    await expect(ui.by("edit-entry")).to_have_count(2)
    assert not await layout_problems(page), await layout_problems(page)
    assert not ui.errors, ui.errors


async def test_a_short_answers_expected_answer_reads_as_written(ui, course_repo):
    # An answer is plain text (the export and the site escape it): "__init__" and "**kwargs" in it
    # are characters, not emphasis, in the reader too.
    course = await api_written_course(ui.system, ui.user, course_repo, "Skyline, quizzed")
    course_id, first = course["course_id"], course["modules"][0]
    answer = "__init__ takes *args and **kwargs"
    question = {"kind": "short_answer", "prompt": "What does the constructor take?", "answer": answer,
                "explanation": "The constructor's signature says so.",
                "source": first["content"]["assessment"][0]["source"]}
    async with httpx.AsyncClient(base_url=ui.system.url, timeout=30) as api:
        headers = await dev_headers(api, ui.user)
        await edit(api, "PATCH", course_id, f"modules/{first['module_id']}",
                   {"fields": {"assessment": [question]}}, headers=headers)
        await eventually(lambda: _assessment_is(api, headers, course_id, answer), timeout=30,
                         message="the edited assessment in the generated course")
    await ui.sign_in()
    await ui.page.goto(f"{ui.system.url}/#/courses/{course_id}/read/{first['position']}")
    item = ui.by("quiz-question").first
    await ui.by("quiz-text", item).fill("its arguments")
    await ui.by("show-answer", item).click()
    await expect(ui.by("self-mark", item)).to_contain_text(f"Expected answer: {answer}")
    assert not ui.errors, ui.errors


async def _assessment_is(api, headers, course_id: str, answer: str) -> bool:
    modules = (await presented(api, course_id, headers=headers))["modules"]
    return any(q["answer"] == answer for q in (modules[0]["content"] or {}).get("assessment", []))
