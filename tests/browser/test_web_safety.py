"""Hostile repository content shown in the web UI (the stages and the course reader, its quiz and
search) stays text: no script runs, no dialog opens, no `javascript:` link is made and nothing is
fetched from another host. Only a real token signs in."""
from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.support.gitrepos import make_repo

OWN = "window.__owned = 1"
HOSTILE_TITLE = f'<img src=x onerror="{OWN}">Trap'
HOSTILE_DOCS = {
    "README.md": (
        "# Trapdoor <script>window.__owned = 1</script>\n\n"
        "[![build](https://ci.example/badge.svg)](https://ci.example)\n\n"
        "Trapdoor is a small job queue for Python services. Read the [guide](docs/guide.md) first.\n\n"
        f'<img src=x onerror="{OWN}">\n\n<script>{OWN}</script>\n'),
    "docs/guide.md": (
        "# Getting started with Trapdoor\n\n"
        "This guide shows how to install Trapdoor and run your first job queue worker.\n\n"
        f'<img src=x onerror="{OWN}">\n\n'
        "## Install the queue\n\nInstall the package with pip, then [open the dashboard](javascript:window.__owned=1) "
        f"or see <a href=\"javascript:{OWN}\">the docs</a>.\n\n"
        "```html\n<script>window.__owned = 1</script>\n<button onclick=\"window.__owned=1\">go</button>\n```\n\n"
        "## Run a worker\n\nA worker takes jobs from the queue and runs them one by one. "
        "Start one with `trapdoor work --queue default` and watch the jobs finish.\n\n"
        "| Option | Meaning |\n| --- | --- |\n| <script>window.__owned=1</script> | the queue |\n"),
    "docs/concepts.md": (
        "# Queues and workers\n\nA queue stores jobs until a worker is free. Each job runs once.\n\n"
        "## Retries\n\nA failed job goes back to the queue up to three times "
        "([details](data:text/html,<script>alert(1)</script>)).\n\n"
        "<iframe src=\"https://evil.example/\"></iframe>\n\n"
        "```python\nqueue.put(job, retries=3)  # <script>window.__owned = 1</script>\n```\n"),
    f'docs/x"><img src=x onerror="{OWN}">.md': "# Odd name\n\nA document with a hostile file name.\n",
}
NOTHING_ACTIVE = """() => {
  const main = document.querySelector("main");
  const handlers = [...main.querySelectorAll("*")].flatMap(
    (el) => [...el.attributes].filter((a) => a.name.startsWith("on")).map((a) => `${el.tagName} ${a.name}`));
  const links = [...document.querySelectorAll("a[href]")].map((a) => a.href)
    .filter((href) => !/^(https?:|mailto:|blob:)/i.test(href));
  // The pictures the gateway draws itself (a concept map, a diagram stage 4 drew and sanitised) are
  // the reader's own SVG, not a document's markup.
  const embedded = [...main.querySelectorAll("script, img, iframe, object, embed, svg, style, link")]
    .filter((el) => !(el.tagName === "svg" && el.closest("figure.concept-map, figure.diagram.drawn")))
    .map((el) => el.tagName);
  return {handlers, links, embedded};
}"""


async def assert_harmless(ui) -> None:
    assert await ui.page.evaluate("window.__owned") is None
    assert await ui.page.evaluate(NOTHING_ACTIVE) == {"handlers": [], "links": [], "embedded": []}
    assert not ui.dialogs, ui.dialogs
    elsewhere = [u for u in ui.requests if not u.startswith((ui.system.url + "/", "blob:", "data:"))]
    assert not elsewhere, elsewhere
    assert not ui.errors, ui.errors


@pytest.fixture
def hostile_repo(tmp_path):
    make_repo(tmp_path / "trapdoor", HOSTILE_DOCS)
    return tmp_path / "trapdoor"


async def test_hostile_documents_are_shown_as_text_through_all_four_stages(ui, hostile_repo):
    page = ui.page
    await ui.sign_in()
    await ui.new_course(HOSTILE_TITLE)
    await expect(ui.by("course-title")).to_have_text(HOSTILE_TITLE)

    await ui.start_stage1(hostile_repo)
    await ui.wait_stage(1)
    await expect(ui.page.locator('[data-testid="folder-checkbox"][data-path="docs"]')).to_be_visible()
    await ui.select(["docs"], "README.md")
    await ui.by("additional-info").fill(f"<script>{OWN}</script>")
    await ui.by("start-stage2").click()
    await ui.wait_stage(2)
    rows = ui.by("analysed-row")
    await expect(rows).to_have_count(4)
    for row in await rows.all():
        await row.locator("summary").click()
        await expect(row.locator("dl.doc-details")).to_be_visible()
    hostile_name = next(path for path in HOSTILE_DOCS if "onerror" in path)
    await expect(ui.by("analysed-table")).to_contain_text(hostile_name)  # the file name, as words
    await assert_harmless(ui)

    await ui.through_stage4()
    await assert_harmless(ui)
    # Every module in the reader, every question answered: its verdict, explanation and citation too.
    total = await ui.by("module-link").count()
    assert total >= 1
    await ui.by("open-reader").click()
    shown = []
    for position in range(1, total + 1):
        await ui.toc_link(position).click()
        await expect(ui.by("reader-kicker")).to_have_text(f"Module {position} of {total}")
        module = ui.by("reader-module")
        await ui.answer_quiz(ui.by("quiz-question", module))
        shown.append(await module.inner_text())
        await assert_harmless(ui)
    # The hostile code and file name did reach the reader: as words.
    assert any('<button onclick="window.__owned=1">go</button>' in text for text in shown), shown
    assert any(hostile_name in text for text in shown), shown
    await ui.by("reader-search").fill("owned")
    await expect(ui.by("search-result").first).to_be_visible()
    await assert_harmless(ui)

    await ui.by("reader-back").click()
    await ui.by("back-to-courses").click()
    await expect(ui.by("open-course")).to_have_text(HOSTILE_TITLE)
    await page.reload()
    await expect(ui.by("open-course")).to_have_text(HOSTILE_TITLE)
    await assert_harmless(ui)


async def test_the_printed_token_signs_in_a_bad_one_is_refused_and_sign_out_works(ui):
    await ui.page.goto(ui.system.url + "/")
    error = ui.by("sign-in-error")
    await ui.by("token-input").fill("not-a-token")
    await ui.by("sign-in-token").click()
    await expect(error).to_contain_text("does not look like a JWT")
    await ui.by("token-input").fill(ui.system.token.rsplit(".", 1)[0] + "." + "A" * 43)  # forged
    await ui.by("sign-in-token").click()
    await expect(error).to_contain_text("The gateway did not accept this token")
    await ui.by("token-input").fill(ui.system.token)  # as `make run` printed it
    await ui.by("sign-in-token").click()
    await expect(ui.by("session-user")).to_have_text("Signed in as dev")
    await expect(ui.by("new-course-title")).to_be_visible()
    await ui.by("sign-out").click()
    await expect(ui.by("sign-in-notice")).to_have_text("You have signed out.")
    await expect(ui.by("sign-in-dev")).to_be_visible()
