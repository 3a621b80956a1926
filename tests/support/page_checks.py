"""Checks every page of the web UI is held to in the browser tests (its layout on a phone, an error
beside its control), and a stage service held still so a run of its stage waits for a worker."""
from __future__ import annotations

from contextlib import contextmanager

from playwright.async_api import expect

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


async def assert_beside(message, control, within: float = 120) -> None:
    """The message is visible, in the window, and starts at most `within` px below the control."""
    await expect(message).to_be_visible()
    await expect(message).to_be_in_viewport()
    shown, near = await message.bounding_box(), await control.bounding_box()
    gap = shown["y"] - (near["y"] + near["height"])
    assert -near["height"] <= gap <= within, (shown, near)


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
