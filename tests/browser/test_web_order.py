"""The web UI says why each document of a pathway is where it is (issue 50 item 3), so an author
can see what the engine assumed: the overview first, the others by their place in the
repository's own navigation (mkdocs.yml here), and what a document requires."""
from __future__ import annotations

from playwright.async_api import expect

PHONE = {"width": 390, "height": 844}


async def test_each_pathway_document_shows_the_reason_for_its_place(ui, course_repo):
    await ui.sign_in()
    await ui.new_course("Why this order")
    await ui.start_stage1(course_repo)
    await ui.wait_stage(1)
    await ui.select(["docs"], "README.md")
    await ui.by("start-stage2").click()
    await ui.wait_stage(2)
    await ui.by("start-stage3").click()
    await ui.wait_stage(3)
    first = ui.by("pathway-card").first
    await expect(first).to_contain_text("Foundations first")
    for summary in await first.locator("details > summary").all():
        await summary.click()  # every module's document list open

    def reason(path: str):
        return ui.by("placement", first.locator(f'[data-testid="pathway-document"][data-path="{path}"]'))

    await expect(reason("README.md")).to_contain_text("The course's overview page")
    await expect(reason("docs/index.md")).to_contain_text("Listed 1st in mkdocs.yml")
    await expect(reason("docs/concepts/architecture.md")).to_contain_text("Listed 2nd in mkdocs.yml")
    # The getting-started guide links to the architecture page before it: stage 2's prerequisite.
    await expect(reason("docs/getting-started.md")).to_have_text(
        "Listed 3rd in mkdocs.yml; after 'Architecture', which it requires")
    shown = await ui.by("placement", first).all_text_contents()
    documents = await ui.by("pathway-document", first).count()
    assert len(shown) == documents and all(shown), shown  # every document has its reason

    await ui.page.set_viewport_size(PHONE)  # the reasons wrap on a phone; nothing scrolls sideways
    assert await ui.page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    assert not ui.errors and not ui.dialogs
