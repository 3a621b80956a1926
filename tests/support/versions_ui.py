"""The course page's Versions panel in the browser tests: a course written through the REST API of a
running system (`coursegen run`) from a local repository the test then changes, a stage service
held still, and the layout check a page is held to on a phone."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.gitrepos import COURSE_REPO, commit
from tests.support.reader_course import dev_headers, written_course

# The document the refresh tests change, and the section they add to it.
CHANGED_DOCUMENT = "docs/guides/publishing.md"
ADDED_SECTION = ("\n## Compress messages\n\nSet `compression='zstd'` on the producer to compress every batch "
                 "before it is sent.\n")

# What is wrong with a page at the window's width: it scrolls sideways, or a visible button has no
# visible label or sticks out of the window (one inside a box that scrolls sideways may).
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    if (["auto", "scroll"].includes(getComputedStyle(p).overflowX)) return true; } return false; };
  if (root.scrollWidth > innerWidth) {
    const wide = [...document.body.querySelectorAll("*")].filter((el) => !scrolls(el)
      && el.getBoundingClientRect().right > innerWidth + 0.5).slice(-3)
      .map((el) => `${el.tagName}.${el.className}[${el.dataset.testid || ""}]`);
    problems.push(`page is ${root.scrollWidth}px wide in ${innerWidth}px; widest: ${wide}`);
  }
  for (const button of document.querySelectorAll("button, summary")) {
    const box = button.getBoundingClientRect();
    if (!box.width || !box.height || scrolls(button)) continue;
    const label = (button.innerText || "").trim();
    if (!label) problems.push(`a ${button.tagName} without a visible label: ${button.outerHTML.slice(0, 120)}`);
    if (box.left < 0 || box.right > innerWidth + 0.5) {
      problems.push(`"${label}" reaches ${Math.round(box.left)}..${Math.round(box.right)}px`);
    }
  }
  return problems;
}"""


async def layout_problems(page) -> list[str]:
    return await page.evaluate(LAYOUT_PROBLEMS)


async def api_written_course(system, user: str, repo: Path, title: str) -> dict:
    """A course of `user`'s written through all four stages from `repo` by the running `system`:
    GET generated-course's answer with `course_id`."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, user)
        return await written_course(api, headers, repo, title)


async def course_versions(system, user: str, course_id: str) -> list[dict]:
    """GET …/versions as `user`: newest first."""
    async with httpx.AsyncClient(base_url=system.url, timeout=30) as api:
        headers = await dev_headers(api, user)
        response = await api.get(f"/api/courses/{course_id}/versions", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()["versions"]


def change_a_document(repo: Path) -> str:
    """Commit a new section to CHANGED_DOCUMENT; returns the commit's sha."""
    return commit(repo, {CHANGED_DOCUMENT: COURSE_REPO[CHANGED_DOCUMENT] + ADDED_SECTION}, "document compression")


@contextmanager
def held(system, service: str):
    """The running system's stage service stopped in its tracks (SIGSTOP): a run of its stage waits
    for a worker until the block ends."""
    process = system.service(service)
    assert process is not None, f"{service} is not running"
    process.suspend()
    try:
        yield
    finally:
        process.resume()
