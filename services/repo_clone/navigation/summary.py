"""mdBook / GitBook `SUMMARY.md`, and MkDocs literate-nav's `SUMMARY.md` (the same Markdown list
of links): its links in order, each under the part heading above it."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared.docs.headings import NAVIGATION_TITLES

from ..textfiles import read_checkout_text
from .common import (HEADING, MARKDOWN_LINK, Entry, Listed, join_link, section_title,
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


def _summary_entries(root: Path, summary: str) -> list[Entry]:
    ordered: list[Entry] = []
    text = read_checkout_text(root, summary) or ""
    folder = posixpath.dirname(summary)
    section = None
    for line in text.splitlines():
        heading = HEADING.match(line)
        if heading:  # its links, if any, belong to the part it opens
            title = section_title(without_closing_hashes(heading.group(1)))
            # A heading naming the list ("# Summary"), not what its pages teach: no section.
            section = None if title and title.casefold() in NAVIGATION_TITLES else title
        links = (join_link(folder, link.strip("<>")) for link in MARKDOWN_LINK.findall(line))
        ordered.extend((link, section) for link in links if link)
    return ordered


