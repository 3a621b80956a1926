"""Zensical's `nav` (the successor of MkDocs by the Material for MkDocs team): `zensical.toml`, its
settings under `[project]`, or `zensical.yml` in mkdocs.yml's own shape. The nav is MkDocs's: a
list whose items are a page (`"path.md"`), a titled page (`{ "Title" = "path.md" }`) or a titled
section holding a list of items; pages are under `docs_dir` (default `docs`). TOML is read by
`tomllib`, YAML by the safe loader; neither is executed."""
from __future__ import annotations

import logging
import tomllib
from pathlib import Path
from typing import Any

from ..textfiles import read_checkout_text
from .common import MOST_YAML_BYTES, Entry, Listed, join_link, listed, read_yaml, section_title

TOML, YAML = "zensical.toml", ("zensical.yml", "zensical.yaml")
FILES = (TOML, *YAML)
MOST_DEPTH = 40

log = logging.getLogger(__name__)


def read(root: Path, docs: set[str]) -> list[Listed]:
    source, settings = _settings(root)
    if not isinstance(settings, dict):
        return []
    docs_dir = settings.get("docs_dir")
    entries: list[tuple[str, str | None]] = []
    _flatten(settings.get("nav"), None, entries, 0)
    folder = docs_dir if isinstance(docs_dir, str) and docs_dir.strip() else "docs"
    joined: list[Entry] = [(path, section) for link, section in entries if (path := join_link(folder, link))]
    return listed(joined, source)


def _settings(root: Path) -> tuple[str, Any]:
    """(the file read, its settings): the TOML file's `[project]` table, else the YAML file."""
    if (root / TOML).is_file():
        text = read_checkout_text(root, TOML) or ""
        if len(text.encode("utf-8")) > MOST_YAML_BYTES:
            log.info("navigation file %s is larger than %d bytes: not read", TOML, MOST_YAML_BYTES)
            return TOML, None
        try:
            return TOML, tomllib.loads(text).get("project")
        except (tomllib.TOMLDecodeError, RecursionError) as error:
            log.info("navigation file %s is not valid TOML, not read: %s", TOML, error)
            return TOML, None
    source = next((name for name in YAML if (root / name).is_file()), None)
    return (source, read_yaml(root, source)) if source else ("", None)


def _flatten(items: Any, section: str | None, out: list[tuple[str, str | None]], depth: int) -> None:
    if not isinstance(items, list) or depth > MOST_DEPTH:
        return
    for item in items:
        if isinstance(item, str):
            out.append((item, section))
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    out.append((value, section))
                else:
                    _flatten(value, section_title(title) if isinstance(title, str) else section, out, depth + 1)
