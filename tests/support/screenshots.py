"""The README's screenshots of the course reader, retaken from a real course:

    .venv/bin/python -m tests.support.screenshots [--book flask] [--out docs/images]

starts `coursegen run` as `make run` does (a data folder of its own, removed afterwards), writes a
course from a real documentation set of tests/fixtures/ordered_books (Flask's Sphinx docs by
default) through the REST API with the offline engine, and photographs the reader in Debian's
Chromium: reader-desktop.png (1280×900, the first module with code right after the sentence that
introduces it, the contents beside it, module 1 marked read) and reader-phone.png (390×844, the same
module's opening), and ask-desktop.png (1280×900, the Ask panel beside that module, answering
QUESTION with the passages it quotes). Viewport PNGs, not whole pages, so each stays small. Takes a
minute or a few."""
from __future__ import annotations

import argparse
import asyncio
import re
import tempfile
from pathlib import Path

import httpx
from playwright.async_api import async_playwright, expect

from tests.support.gitrepos import make_repo
from tests.support.launched import coursegen_run
from tests.support.waiting import eventually

ROOT = Path(__file__).resolve().parents[2]
BOOKS = ROOT / "tests" / "fixtures" / "ordered_books"
CHROMIUM = "/usr/bin/chromium"
USER = "learner@example.org"
STAGE_SECONDS = 600
QUESTION = "How do I register a URL rule for a view function?"  # Flask's docs answer it (the routing pages)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# A paragraph ending in a colon, then a fenced code block: code kept where the source introduced it.
CODE_IN_CONTEXT = re.compile(r"[^\n]:\n\n```\w*\n")


def book_files(book: str) -> dict[str, str]:
    """The book's documents as a repository: its docs folder and a README naming where it comes from."""
    root = BOOKS / book
    if not root.is_dir():
        raise SystemExit(f"no book {book!r} in {BOOKS}: choose one of {sorted(p.name for p in BOOKS.iterdir())}")
    files = {str(path.relative_to(root)): path.read_text(encoding="utf-8")
             for path in sorted((root / "docs").rglob("*")) if path.is_file() and path.suffix != ".py"}
    provenance = (root / "PROVENANCE").read_text(encoding="utf-8")
    files["README.md"] = f"# {book}\n\n{provenance}\n"
    return files


async def run_stage(api: httpx.AsyncClient, course_id: str, action: str, body: dict, stage: str) -> None:
    started = await api.post(f"/api/courses/{course_id}/{action}", json=body)
    started.raise_for_status()

    async def finished():
        status = (await api.get(f"/api/courses/{course_id}/{stage}/status")).json()
        return status if status["status"] in ("SUCCESS", "FAILURE", "CANCELLED") else None
    status = await eventually(finished, timeout=STAGE_SECONDS, message=f"{stage} finishing")
    if status["status"] != "SUCCESS":
        raise SystemExit(f"{stage} ended {status['status']}: {status.get('error_message')}")


def overview_of(repo: Path) -> str:
    """The book's own front page (its README here only says where the book comes from)."""
    return next((name for name in ("docs/index.rst", "docs/index.md") if (repo / name).is_file()), "README.md")


async def write_course(url: str, repo: Path, title: str) -> dict:
    """The course written from `repo` (the pathway offered first): GET generated-course, plus course_id."""
    async with httpx.AsyncClient(base_url=url, timeout=60) as api:
        token = (await api.post("/api/auth/dev-token", json={"user_id": USER})).json()["token"]
        api.headers["Authorization"] = f"Bearer {token}"
        created = await api.post("/api/projects/", json={"title": title})
        created.raise_for_status()
        course_id = created.json()["course_id"]
        await run_stage(api, course_id, "analyze-repository", {"repo_url": str(repo)}, "stage1")
        chosen = await api.post(f"/api/courses/{course_id}/stage1-selections",
                                json={"selected_folders": ["docs"], "overview_document": overview_of(repo)})
        chosen.raise_for_status()
        await run_stage(api, course_id, "analyze-documents", {}, "stage2")
        await run_stage(api, course_id, "generate-pathways", {}, "stage3")
        pathways = (await api.get(f"/api/courses/{course_id}/pathways")).json()["pathways"]
        first = pathways[0]  # the one offered first (foundations first: the authors' order)
        picked = await api.post(f"/api/courses/{course_id}/stage3-selections",
                                json={"selected_pathway_id": first["id"]})
        picked.raise_for_status()
        await run_stage(api, course_id, "generate-course", {}, "stage4")
        generated = (await api.get(f"/api/courses/{course_id}/generated-course")).json()
    return {**generated, "course_id": course_id}


def showcase(course: dict) -> tuple[int, str]:
    """(module position, section place) of the first section whose code follows its introduction."""
    for module in course["modules"]:
        for n, section in enumerate((module["content"] or {}).get("sections", []), start=1):
            if CODE_IN_CONTEXT.search(section["body_markdown"]):
                return module["position"], f"s{n}"
    return course["modules"][0]["position"], "s1"


async def read_first_module(page, url: str, course: dict) -> None:
    """Module 1 read to its end, so the contents show a module marked read."""
    first = course["modules"][0]["position"]
    await page.goto(f"{url}/#/courses/{course['course_id']}/read/{first}")
    await page.get_by_test_id("reader-pager").scroll_into_view_if_needed()
    await expect(page.locator(f'[data-testid="toc-link"][data-position="{first}"]')).to_have_attribute(
        "data-read", "true")


async def photograph(url: str, course: dict, out: Path) -> list[Path]:
    position, place = showcase(course)
    reader = f"{url}/#/courses/{course['course_id']}/read/{position}"
    shots = []
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            for name, viewport in (("reader-desktop.png", DESKTOP), ("reader-phone.png", PHONE)):
                context = await browser.new_context(viewport=viewport, color_scheme="light")
                page = await context.new_page()
                await page.goto(url + "/")
                await page.get_by_test_id("dev-user-id").fill(USER)
                await page.get_by_test_id("sign-in-dev").click()
                await expect(page.get_by_test_id("session-user")).to_be_visible()
                await read_first_module(page, url, course)
                await page.goto(reader)
                await expect(page.get_by_test_id("reader-kicker")).to_contain_text(f"Module {position} of")
                if name == "reader-desktop.png":
                    # The section's heading a little below the top: the end of the section before it,
                    # then its introducing sentence and its code.
                    section = page.locator(f'[data-testid="reader-section"][data-place="{place}"] h3')
                    await section.evaluate("(el) => { el.scrollIntoView({block: 'start'}); scrollBy(0, -200); }")
                else:  # the module's opening, also when it is the module just read to its end
                    await page.evaluate("scrollTo(0, 0)")
                await page.mouse.move(viewport["width"] - 2, viewport["height"] - 2)  # no hover marks
                shots.append(out / name)
                await page.screenshot(path=str(out / name))
                if name == "reader-desktop.png":
                    shots.append(await photograph_ask(page, out / "ask-desktop.png"))
                await context.close()
        finally:
            await browser.close()
    return shots


async def photograph_ask(page, path: Path) -> Path:
    """The Ask panel open beside the module, its answer to QUESTION shown."""
    await page.evaluate("scrollTo(0, 0)")
    await page.get_by_test_id("ask-open").click()
    await page.get_by_test_id("ask-question").fill(QUESTION)
    await page.get_by_test_id("ask-submit").click()
    await expect(page.get_by_test_id("ask-answer")).to_contain_text("Quoted from the course's sources",
                                                                     timeout=60_000)
    await page.mouse.move(2, 2)
    await page.screenshot(path=str(path))
    return path


async def main(book: str, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="coursegen-shots-") as where:
        repo = Path(where) / book
        make_repo(repo, book_files(book))
        with coursegen_run() as system:
            course = await write_course(system.url, repo, f"Learning {book.capitalize()}")
            for shot in await photograph(system.url, course, out):
                print(f"{shot} ({shot.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--book", default="flask", help="a folder of tests/fixtures/ordered_books")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.book, arguments.out))
