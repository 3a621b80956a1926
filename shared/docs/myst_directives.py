"""MyST directives written as fences (```` ```{name} argument ````) that are not code: a fenced
block's info string alone would make them code blocks, so `{toctree}` and `{contents}` showed in
courses as code. Code directives stay code (`{code-block}`, Sphinx's doctest ones with their
language); `{toctree}` gives links; `{automodule}`-like ones a generated-reference note; directives
that show nothing of their own in a built page (`{contents}`, `{image}`, `{testsetup}`) go; any
other one (`{tab-item}`, `{dropdown}`, `{only}`) is Markdown, its `:option:` lines dropped. (Callout
directives, `{note}` and the like, are callouts before this: markdown_containers.)"""
from __future__ import annotations

from typing import Callable

from shared import linear_regex
from shared.docs.builder import DocumentBuilder
from shared.docs.fences import Fenced
from shared.docs.rst_directives import (CODE_DIRECTIVES as RST_CODE, DOMAIN_CODE_DIRECTIVES, SKIPPED, split_options,
                                        toctree_links)

# Code directives, as in reStructuredText: the language their body is in ("" when the argument
# names it). Click's `click:run` prints at build time what the page shows: nothing of it is here.
CODE_DIRECTIVES = {**dict.fromkeys(RST_CODE, ""), "code-cell": "", "doctest": "pycon", "testcode": "python",
                   "testoutput": "text", "ipython": "python", "jupyter-execute": "python",
                   **{name: language for name, language in DOMAIN_CODE_DIRECTIVES.items() if language}}
HIDDEN = SKIPPED | {"testsetup", "testcleanup", "tableofcontents", "autosummary", "bibliography"} | {
    name for name, language in DOMAIN_CODE_DIRECTIVES.items() if language is None}
_FENCE_OR_OPTION = linear_regex.compile(r"^\s*(?:`{3,}|~{3,}|:[\w-]+:)")
# A directive inside a directive inside … is not documentation past this depth: its text is prose.
MOST_NESTED = 8


def is_code(part: Fenced) -> bool:
    return not part.directive or part.directive in CODE_DIRECTIVES


def code_language(part: Fenced) -> str:
    """The directive's own language, else the one its argument names (`{code-block} python`)."""
    if not part.directive:
        return part.language
    named = part.argument.split()[0].lower()[:40] if part.argument else ""
    return CODE_DIRECTIVES.get(part.directive) or named


def add_directive(builder: DocumentBuilder, part: Fenced, depth: int,
                  add_markdown: Callable[[str, int], None]) -> None:
    """A non-code directive's contribution to the document (see the module's docstring)."""
    name = part.directive
    _, body = split_options(part.code.split("\n"))
    if name == "toctree":
        toctree_links(body, builder)
    elif name.startswith("auto") and name != "autosummary":
        if part.argument:
            builder.add_generated_reference(part.argument.split()[0])
    elif name in HIDDEN:
        return
    elif depth >= MOST_NESTED:
        # The text of what is nested deeper, without its fences and options: no parse of its own.
        builder.add_prose(" ".join(line.strip() for line in body if line.strip()
                                   and not _FENCE_OR_OPTION.match(line)))
    else:
        add_markdown("\n".join(body), depth + 1)
