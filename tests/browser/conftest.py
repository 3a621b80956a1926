"""End-to-end browser tests: the whole system started as `make run` starts it, driven through the
web UI with Playwright (Debian's Chromium; browser downloads are impossible here)."""
from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from playwright.async_api import Page, async_playwright, expect

from tests.support.launched import coursegen_run
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.waiting import patient

CHROMIUM = Path("/usr/bin/chromium")
HERE = Path(__file__).parent
STAGE_TIMEOUT = round(patient(90) * 1000)  # ms: a whole stage on a busy machine
UI_TIMEOUT = round(patient(20) * 1000)     # ms: anything that is one request away
expect.set_options(timeout=UI_TIMEOUT)


def pytest_collection_modifyitems(config, items):
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"the browser tests need Debian's Chromium at {CHROMIUM} "
                                   "(apt-get install chromium; `make browser`)")
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def system():
    """`coursegen run` with no configuration, as `make run` starts it: its URL and dev token."""
    with coursegen_run() as running:
        yield running


@pytest.fixture(scope="session")
async def browser():
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        await browser.close()


class UI:
    """One browser tab on the system, with what it saw: every request URL, dialogs, script errors."""

    def __init__(self, page: Page, system, user: str):
        self.page, self.system, self.user = page, system, user
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

        async def on_dialog(dialog):
            self.dialogs.append(f"{dialog.type}: {dialog.message}")
            await dialog.dismiss()
        page.on("dialog", on_dialog)

    def by(self, testid: str, within=None):
        return (within or self.page).get_by_test_id(testid)

    def panel(self, n: int):
        return self.by(f"stage{n}-panel")

    def toc_link(self, position: int):
        """The reader's table-of-contents entry of module `position`."""
        return self.page.locator(f'[data-testid="toc-link"][data-position="{position}"]')

    async def answer_quiz(self, questions) -> int:
        """Answer the reader's `questions` (a locator of quiz-question items; a choice: the first option,
        a short answer: marked wrong) and wait for each verdict; returns how many were answered."""
        items = await questions.all()
        for item in items:
            if await item.get_attribute("data-kind") == "short_answer":
                await self.by("show-answer", item).click()
                await self.by("self-wrong", item).click()
            else:
                await self.by("quiz-option", item).first.check()
                await self.by("check-answer", item).click()
            await expect(self.by("quiz-verdict", item)).to_be_visible()
        return len(items)

    async def sign_in(self) -> None:
        await self.page.goto(self.system.url + "/")
        await self.by("dev-user-id").fill(self.user)
        await self.by("sign-in-dev").click()
        await expect(self.by("new-course-title")).to_be_visible()
        await expect(self.by("session-user")).to_have_text(f"Signed in as {self.user}")

    async def new_course(self, title: str) -> None:
        await self.by("new-course-title").fill(title)
        await self.by("create-course").click()
        await expect(self.by("course-title")).to_have_text(title)
        await expect(self.panel(1)).to_be_visible()

    async def wait_stage(self, n: int, status: str = "SUCCESS") -> None:
        await expect(self.panel(n)).to_have_attribute(
            "data-status", re.compile(f"^({status}|FAILURE|CANCELLED)$"), timeout=STAGE_TIMEOUT)
        error = self.by("stage-error", self.panel(n))
        details = await error.text_content() if await error.is_visible() else ""
        assert await self.panel(n).get_attribute("data-status") == status, details

    async def start_stage1(self, repo: Path) -> None:
        await self.by("repo-url").fill(str(repo))
        await self.by("start-stage1").click()

    async def select(self, folders: list[str], overview: str | None) -> None:
        for folder in folders:
            await self.page.locator(f'[data-testid="folder-checkbox"][data-path="{folder}"]').check()
        await self.by("overview-select").select_option(overview or "")
        await self.by("save-selection").click()
        await expect(self.by("selection-saved")).to_contain_text("Saved selection")

    async def through_stage4(self) -> None:
        await self.by("start-stage3").click()
        await self.wait_stage(3)
        cards = self.by("pathway-card")
        await expect(cards.first).to_be_visible()
        assert await cards.count() >= 2
        # The pathway with the most modules: the most to read in the reader.
        sizes = [await self.by("pathway-module", card).count() for card in await cards.all()]
        chosen = cards.nth(sizes.index(max(sizes)))
        await self.by("choose-pathway", chosen).click()
        await expect(chosen).to_have_attribute("data-chosen", "true")
        await self.by("start-stage4").click()
        await self.wait_stage(4)
        await expect(self.by("open-reader")).to_be_visible()

    async def token(self) -> str:
        return await self.page.evaluate("sessionStorage.getItem('coursegen.token')")


@pytest.fixture
async def ui(browser, system, request):
    """A fresh browser context, with a user id of its own (so each test sees only its courses)."""
    context = await browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(UI_TIMEOUT)
    page = await context.new_page()
    # A realistic user id (an e-mail address), unique per test.
    name = request.node.name.removeprefix("test_")
    user = f"{name[:14]}-{hashlib.sha1(name.encode()).hexdigest()[:4]}@example.org"
    try:
        yield UI(page, system, user)
    finally:
        await context.close()


@pytest.fixture
def course_repo(tmp_path) -> Path:
    make_repo(tmp_path / "skyline", COURSE_REPO)
    return tmp_path / "skyline"

