"""VitePress: `themeConfig.sidebar` of `.vitepress/config.{js,ts,mts,mjs}` (or a config split
over `.vitepress/config/*.ts` files, followed through relative imports), read statically. A
sidebar is a list of items (`text`, `link`, `items`, a group's `base`) or an object of such lists
by route prefix, the catch-all `/` first. With `locales`, the `root` locale's sidebar: the default
language's pages."""
from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any

from .common import Listed, folders_of, route_page, section_title
from .javascript import read_config, unwrap

_CONFIG_NAMES = tuple(f".vitepress/config{suffix}" for suffix in (
    ".ts", ".mts", ".js", ".mjs", "/index.ts", "/index.mts", "/index.js", "/index.mjs"))
FILES = ("**/.vitepress/config.*", "**/.vitepress/config/*")
MOST_DEPTH = 20


def read(root: Path, docs: set[str]) -> list[Listed]:
    ordered: list[Listed] = []
    for folder in folders_of(docs):
        config = next((posixpath.join(folder, name) for name in _CONFIG_NAMES
                       if (root / folder / name).is_file()), None)
        if config is None:
            continue
        settings = unwrap(read_config(root, config).get("default"))
        if not isinstance(settings, dict):
            continue
        src_dir = settings.get("srcDir")
        pages_root = posixpath.normpath(posixpath.join(folder, src_dir)) if isinstance(src_dir, str) else folder
        pages_root = "" if pages_root == "." else pages_root
        for link, section in _sidebar_links(_sidebar(settings)):
            page = route_page(docs, pages_root, link)
            if page:
                ordered.append(Listed(page, section, config))
    return ordered


def _sidebar(settings: dict) -> Any:
    theme = settings.get("themeConfig")
    if isinstance(theme, dict) and theme.get("sidebar"):
        return theme["sidebar"]
    locales = settings.get("locales")
    default = locales.get("root") if isinstance(locales, dict) else None
    theme = default.get("themeConfig") if isinstance(default, dict) else None
    return theme.get("sidebar") if isinstance(theme, dict) else None


def _sidebar_links(sidebar: Any) -> list[tuple[str, str | None]]:
    if isinstance(sidebar, list):
        return _items(sidebar, "", None, 0)
    if not isinstance(sidebar, dict):
        return []
    links: list[tuple[str, str | None]] = []
    for prefix in sorted(sidebar, key=lambda key: key.strip("/") != ""):  # the catch-all first, else in order
        value = sidebar[prefix]
        if isinstance(value, dict):
            base = value["base"] if isinstance(value.get("base"), str) else ""
            links.extend(_items(value.get("items"), base, None, 0))
        else:
            links.extend(_items(value, "", None, 0))
    return links


def _items(items: Any, base: str, section: str | None, depth: int) -> list[tuple[str, str | None]]:
    links: list[tuple[str, str | None]] = []
    if not isinstance(items, list) or depth > MOST_DEPTH:
        return links
    for item in items:
        if not isinstance(item, dict):
            continue
        item_base = item["base"] if isinstance(item.get("base"), str) else base
        link = item.get("link")
        if isinstance(link, str):
            links.append((item_base + link if item_base and not link.startswith("/") else link, section))
        if isinstance(item.get("items"), list):
            text = item.get("text")
            inner = section_title(text) if isinstance(text, str) else section
            links.extend(_items(item["items"], item_base, inner or section, depth + 1))
    return links
