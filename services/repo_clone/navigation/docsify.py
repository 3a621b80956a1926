"""docsify: the sidebar Markdown file (`_sidebar.md`, or the name the docsify config in
`index.html` gives `loadSidebar`, read as text), its links in order, each under the unlinked list
item or heading above it."""
from __future__ import annotations

import heapq
import posixpath
from pathlib import Path

from shared import linear_regex

from ..textfiles import read_checkout_text
from .common import (BLANK, HEADINGS, MARKDOWN_LINK, Listed, as_lines, folders_of, route_page, section_title,
                     without_closing_hashes)

# The docsify config lives in the site's `index.html`; `docsify init` and GitHub Pages put the site at
# the top of the repository or in a `docs/` folder, so only those index.html files are cloned (every
# built HTML page is named index.html too). A `_sidebar.md` elsewhere is still read on its own.
FILES = ("_sidebar.md", "/index.html", "**/docs/index.html")

_LOAD_SIDEBAR = linear_regex.compile(r"""loadSidebar\s*:\s*(?:'([^'\n]{1,300})'|"([^"\n]{1,300})"|(true))""")
# The list items of a whole sidebar (each on its line): the indent, then the text after `-`, `*` or `+`.
_LIST_ITEMS = linear_regex.compile(rf"^({BLANK}*)[-*+]{BLANK}+(.*)$", linear_regex.MULTILINE)


def read(root: Path, docs: set[str]) -> list[Listed]:
    ordered: list[Listed] = []
    read_sidebars: set[str] = set()
    sites: list[str] = []  # folders whose index.html configures docsify to load a sidebar
    for folder in folders_of(docs):
        sidebar = _configured_sidebar(root, folder)
        if sidebar and sidebar not in read_sidebars:
            read_sidebars.add(sidebar)
            sites.append(folder)
            ordered.extend(sidebar_entries(root, docs, folder, sidebar, site=folder))
    for path in sorted(docs):  # a `_sidebar.md` whose site's index.html is not in the checkout
        if posixpath.basename(path) == "_sidebar.md" and path not in read_sidebars:
            # docsify loads a sub-folder's own `_sidebar.md` for the pages there: the site uses it.
            site = next((folder for folder in reversed(sites) if folder == "" or path.startswith(folder + "/")), None)
            ordered.extend(sidebar_entries(root, docs, posixpath.dirname(path), path, site=site))
    return ordered


def _configured_sidebar(root: Path, folder: str) -> str | None:
    """The sidebar file the docsify config of `folder/index.html` loads, if it loads one."""
    text = read_checkout_text(root, posixpath.join(folder, "index.html"))
    if not text or "$docsify" not in text:
        return None
    match = _LOAD_SIDEBAR.search(text)
    if not match:
        return None
    name = match.group(1) or match.group(2) or "_sidebar.md"
    path = posixpath.normpath(posixpath.join(folder, name.lstrip("/")))
    return None if path.startswith("..") else path


def sidebar_entries(root: Path, docs: set[str], folder: str, sidebar: str, site: str | None = None) -> list[Listed]:
    """The pages a Markdown sidebar links, in order: links are routes from the site's folder (an
    absolute one may also be written from the repository's top, as GitHub Pages serves it); `site`
    is the folder of the docsify config that loads this sidebar, if known."""
    text = as_lines(read_checkout_text(root, sidebar) or "")
    ordered: list[Listed] = []
    groups: list[tuple[int, str | None]] = []  # (indent of an unlinked item, its title)
    heading: str | None = None
    # Headings, list items and links are found by one pass over the file each, then read in the
    # file's order: no pattern is tried on each line. A link stays on its line (MARKDOWN_LINK), so
    # the links in an item's text are those its line alone holds.
    links = MARKDOWN_LINK.finditer(text)
    link = next(links, None)
    for found in heapq.merge(HEADINGS.finditer(text), _LIST_ITEMS.finditer(text), key=lambda match: match.start()):
        if found.re is HEADINGS:
            heading, groups = section_title(without_closing_hashes(found.group(1))), []
            continue
        indent = len(found.group(1).expandtabs(4))
        while groups and groups[-1][0] >= indent:
            groups.pop()
        section = groups[-1][1] if groups else heading
        while link is not None and link.start() < found.start(2):
            link = next(links, None)
        targets = []
        while link is not None and link.end() <= found.end(2):
            targets.append(link.group(1))
            link = next(links, None)
        if not targets:
            groups.append((indent, section_title(found.group(2))))
            continue
        for target in targets:
            target = target.strip("<>")
            page = route_page(docs, folder, target) or (route_page(docs, "", target) if target.startswith("/")
                                                        else None)
            if page:
                ordered.append(Listed(page, section, sidebar, site))
    return ordered
