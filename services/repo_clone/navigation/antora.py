"""Antora: each component's `antora.yml` names its `nav:` files; a nav file is an AsciiDoc list of
`xref:` links (`module:page.adoc`), a list item without one titles the items nested under it."""
from __future__ import annotations

import posixpath
from pathlib import Path

from shared import linear_regex

from ..textfiles import read_checkout_text
from .common import Listed, folders_of, read_yaml, section_title

# A component's `antora.yml` may sit at any depth. Its nav files are AsciiDoc, which the clone writes
# as documentation wherever they are; Antora keeps them at the top of a module folder.
FILES = ("antora.yml", "**/modules/*/nav.adoc")

_LIST_ITEM = linear_regex.compile(r"^(\*+)\s+(.*)$")
_XREF = linear_regex.compile(r"xref:([^\[\s]+)\[")
_BLOCK_TITLE = linear_regex.compile(r"^\.([^.\s].*)$")


def read(root: Path, docs: set[str]) -> list[Listed]:
    ordered: list[Listed] = []
    for component in (posixpath.join(folder, "antora.yml") for folder in folders_of(docs)):
        if not (root / component).is_file():
            continue
        data = read_yaml(root, component)
        if not isinstance(data, dict) or not isinstance(data.get("nav"), list):
            continue
        folder = posixpath.dirname(component)
        name = data.get("name") if isinstance(data.get("name"), str) else None
        for nav in data["nav"]:
            if isinstance(nav, str) and not nav.startswith(("/", "..")):
                ordered.extend(_nav_entries(root, docs, folder, name, posixpath.normpath(posixpath.join(folder, nav))))
    return ordered


def _nav_entries(root: Path, docs: set[str], component: str, name: str | None, nav: str) -> list[Listed]:
    parts = posixpath.relpath(nav, component).split("/")
    module = parts[1] if len(parts) >= 3 and parts[0] == "modules" else "ROOT"
    ordered: list[Listed] = []
    groups: list[tuple[int, str | None]] = []  # (depth of an unlinked item, its title)
    title: str | None = None
    for line in (read_checkout_text(root, nav) or "").splitlines():
        block = _BLOCK_TITLE.match(line)
        if block:
            title, groups = section_title(block.group(1)), []
            continue
        item = _LIST_ITEM.match(line)
        if not item:
            continue
        depth = len(item.group(1))
        while groups and groups[-1][0] >= depth:
            groups.pop()
        section = groups[-1][1] if groups else title
        xrefs = _XREF.findall(item.group(2))
        if not xrefs:
            groups.append((depth, section_title(item.group(2))))
        for xref in xrefs:
            page = _page(component, name, module, xref)
            if page in docs:
                ordered.append(Listed(page, section, nav))
    return ordered


def _page(component: str, name: str | None, module: str, xref: str) -> str | None:
    """`[version@][component:][module:]page.adoc[#fragment]` as a checkout path, None for another component's."""
    target = xref.split("#")[0]
    coordinates, _, page = target.rpartition(":")
    fields = coordinates.split(":") if coordinates else []
    if len(fields) >= 2:
        other = fields[-2].split("@")[-1]
        if name and other != name:
            return None
        fields = fields[-1:]
    if fields:
        module = fields[0].split("@")[-1] or module
    family, dollar, name_in_family = page.partition("$")
    if dollar:  # `partial$x.adoc` and `example$x.adoc` are not pages; `page$x.adoc` is
        if family != "page":
            return None
        page = name_in_family
    if not page.endswith(".adoc"):
        page += ".adoc"
    path = posixpath.normpath(posixpath.join(component, "modules", module, "pages", page))
    return None if path.startswith("..") else path
