"""The inline Markdown renderer (web/inline.js) in Chromium: emphasis follows CommonMark's flanking
rules, so a fill-in blank ("_____"), a word_with_underscores and a lone "*" between spaces stay
text while real emphasis, strong emphasis and strike-through still render."""
from __future__ import annotations

import pytest

from tests.support.web_modules import module_page

RENDER = """async (texts) => {
  const {inline} = await import("/ui/inline.js");
  return texts.map((text) => {
    const box = document.createElement("div");
    box.append(...inline(text));
    return box.innerHTML;
  });
}"""

CASES = {
    # A run of underscores with no text between is literal, wherever it stands.
    "Fill in the _____ to finish.": "Fill in the _____ to finish.",
    "_____ is the answer": "_____ is the answer",
    "Name the ___ and the ___.": "Name the ___ and the ___.",
    "The blank (_____), then _real emphasis_.": "The blank (_____), then <em>real emphasis</em>.",
    "A blank ____ then **strong**": "A blank ____ then <strong>strong</strong>",
    # Inside a word an underscore is a letter; a star between spaces is a multiplication.
    "call snake_case_name here": "call snake_case_name here",
    "2 * 3 * 4 = 24": "2 * 3 * 4 = 24",
    # What emphasis is still emphasis.
    "*em* and **strong** and ***both***": "<em>em</em> and <strong>strong</strong> and <strong><em>both</em></strong>",
    "_under_ and __double__": "<em>under</em> and <strong>double</strong>",
    "*a **b** c*": "<em>a <strong>b</strong> c</em>",
    "**bold with `*` inside**": "<strong>bold with <code>*</code> inside</strong>",
    "~~gone~~ but ~kept~": "<del>gone</del> but ~kept~",
    "`__name__` is a code span": "<code>__name__</code> is a code span",
    "an escaped \\*star\\* stays": "an escaped *star* stays",
}


@pytest.fixture(scope="module")
async def rendered(browser) -> dict[str, str]:
    async with module_page(browser) as page:
        return dict(zip(CASES, await page.evaluate(RENDER, list(CASES))))


@pytest.mark.parametrize("text", list(CASES))
async def test_emphasis_follows_the_flanking_rules(rendered, text):
    assert rendered[text] == CASES[text]


async def test_a_long_line_of_unclosed_delimiters_renders_quickly(browser):
    async with module_page(browser) as page:
        took = await page.evaluate("""async () => {
          const {inline} = await import("/ui/inline.js");
          const text = "*a _b ".repeat(20000);
          const start = performance.now();
          const nodes = inline(text);
          return {ms: performance.now() - start, length: nodes.map((n) => n.textContent).join("").length};
        }""")
    assert took["length"] == len("*a _b " * 20000)
    assert took["ms"] < 2000, took
