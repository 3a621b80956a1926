"""mdBook / GitBook `SUMMARY.md`, and MkDocs literate-nav's `SUMMARY.md` (the same Markdown list
of links): its links in order, each under the part heading above it."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared import linear_regex
from shared.docs.headings import NAVIGATION_TITLES

from ..textfiles import read_checkout_text
from .common import (HEADINGS, MARKDOWN_LINK, Entry, Listed, as_lines, join_link, section_title,
                     without_closing_hashes)

FILES = ("SUMMARY.md",)


def read(root: Path, docs: set[str]) -> list[Listed]:
    return [Listed(path, section, summary) for summary in _summaries(docs)
            for path, section in _summary_entries(root, summary)]


def _summaries(docs: set[str]) -> list[str]:
    return sorted(path for path in docs if posixpath.basename(path).lower() == "summary.md")


def summary_navigation(root: Path, docs: set[str]) -> list[Entry]:
    """Markdown links of every SUMMARY.md, in order, relative to the SUMMARY's folder, each with
    the part heading (`# User Guide`) above it."""
    return [entry for summary in _summaries(docs) for entry in _summary_entries(root, summary)]


# Headings and links are found in the whole text, each by one pass: a blank or linkless line costs
# nothing, where a pattern tried on each line cost a file of empty lines many times an ordinary
# one. A link stays on its line (MARKDOWN_LINK), so it is found as it would be in that line alone.
def _summary_entries(root: Path, summary: str) -> list[Entry]:
    ordered: list[Entry] = []
    text = as_lines(read_checkout_text(root, summary) or "")
    folder = posixpath.dirname(summary)
    headings = HEADINGS.finditer(text)
    following = next(headings, None)
    above: linear_regex.Match | None = None  # the last heading before the link being read
    section, section_of = None, None
    for link in MARKDOWN_LINK.finditer(text):
        while following is not None and following.start() < link.start():
            above, following = following, next(headings, None)
        if above is not section_of:  # a heading's title is read only when a link is under it
            section_of, section = above, _section(above) if above else None
        target = join_link(folder, link.group(1).strip("<>"))
        if target:
            ordered.append((target, section))
    return ordered


def _section(heading: linear_regex.Match) -> str | None:
    title = section_title(without_closing_hashes(heading.group(1)))
    # A heading naming the list ("# Summary"), not what its pages teach: no section.
    return None if title and title.casefold() in NAVIGATION_TITLES else title
