"""The axe-core accessibility engine (Deque's, as browsers' audits use it) run in a browser test's tab:
the WCAG 2.x A and AA rules and axe's best practices on a part of the page. axe-core comes from
tests/node (`make node`, npm ci --prefix tests/node) like the other JavaScript checkers."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.node_checks import NODE_DIR

AXE = NODE_DIR / "node_modules" / "axe-core" / "axe.min.js"
RULE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]

# The check, as a function of the CSS selector of the part to check: each violation as
# "rule (impact): help — the elements' selectors".
RUN = """async (selector) => {
  const results = await axe.run({include: [selector]}, {runOnly: {type: "tag", values: %s},
    resultTypes: ["violations"]});
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — `
    + v.nodes.map((n) => n.target.join(" ")).join(", "));
}""" % json.dumps(RULE_TAGS)


def axe_source() -> str:
    """axe-core's script, or a skip when tests/node has not been installed."""
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed in {NODE_DIR}: run `make node` (npm ci --prefix tests/node)")
    return Path(AXE).read_text()


async def axe_violations(page, selector: str) -> list[str]:
    """What axe finds wrong with the elements matching `selector` (and their content) as shown now.
    The script is evaluated by the browser's debugger protocol, which the page's Content-Security-
    Policy (no inline script) does not govern, so the page is checked with its real policy."""
    if not await page.evaluate("typeof window.axe === 'object'"):
        await page.evaluate(axe_source())
    return await page.evaluate(RUN, selector)
