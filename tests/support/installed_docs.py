"""Real documentation that every checkout has without a network: the Markdown files shipped inside
the installed packages, and the Markdown READMEs packages carry in their metadata (the long
description of PyPI). About 70 documents, 720,000 characters (prose, API lists, code blocks)."""
from __future__ import annotations

import sysconfig
from email.parser import Parser
from pathlib import Path

SHORTEST = 1000  # characters: smaller files are notices and stubs, not documentation


def installed_markdown() -> dict[str, str]:
    """path (relative to site-packages) -> text, in path order; licences left out."""
    site = Path(sysconfig.get_paths()["purelib"])
    docs: dict[str, str] = {}
    for path in site.rglob("*.md"):
        if "LICENSE" in path.name.upper() or path.stat().st_size < SHORTEST:
            continue
        docs[str(path.relative_to(site))] = path.read_text(errors="replace")
    for path in site.glob("*.dist-info/METADATA"):
        message = Parser().parsestr(path.read_text(errors="replace"))
        body = message.get_payload()
        if "markdown" in (message.get("Description-Content-Type") or "") and len(body) >= SHORTEST:
            docs[str(path.parent.relative_to(site)) + "/README.md"] = body
    return dict(sorted(docs.items()))
