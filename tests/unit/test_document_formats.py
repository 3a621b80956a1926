"""The documentation formats are one registry (shared/docs/formats.py): every part that decides
what a document is takes its extensions from there. A list of document extensions written anywhere
else is found here by itself, and every format of the registry — `.asciidoc` too — goes from a git
repository through stage 1's sparse clone and scan into the snapshot stage 2 parses."""
from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from services.repo_clone import cloner, scanner
from services.repo_clone.snapshot import pack_documents
from shared.docs.formats import DOC_EXTENSIONS, FORMATS, format_of, parser_of
from shared.docs.loading import load_documents
from tests.support.gitrepos import make_repo

ROOT = Path(__file__).resolve().parents[2]
REGISTRY = ROOT / "shared" / "docs" / "formats.py"


def literal_extension_lists() -> list[str]:
    """Every tuple, list, set or dict literal in services/ and shared/ outside the registry that is
    a list of document extensions: two or more of them, and at least half its strings (a table of
    every file type's highlighting language names a few in passing, and is no such list)."""
    found = []
    for path in sorted([*(ROOT / "services").rglob("*.py"), *(ROOT / "shared").rglob("*.py")]):
        if path == REGISTRY:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            items = node.keys if isinstance(node, ast.Dict) else getattr(node, "elts", None)
            if not isinstance(node, (ast.Tuple, ast.List, ast.Set, ast.Dict)) or items is None:
                continue
            strings = [item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)]
            named = [text for text in strings if text.lower() in DOC_EXTENSIONS]
            if len(named) >= 2 and 2 * len(named) >= len(strings):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {named}")
    return found


def test_document_extensions_are_written_in_the_registry_only():
    assert literal_extension_lists() == []


def test_every_format_has_a_parser_and_every_extension_one_format():
    assert len(DOC_EXTENSIONS) == len(set(DOC_EXTENSIONS))
    for document_format in FORMATS:
        assert callable(parser_of(document_format)), document_format.name
        for extension in document_format.extensions:
            assert extension == extension.lower() and extension.startswith(".")
            assert format_of(f"docs/Guide{extension.upper()}") is document_format


@pytest.mark.parametrize("sparse", [False, True], ids=["full", "sparse"])
def test_every_format_reaches_the_snapshot_stage_2_parses(tmp_path, monkeypatch, sparse):
    monkeypatch.setenv("ALLOW_LOCAL_REPOS", "true")
    pages = {f"docs/{extension[1:]}-page{extension}": "A page\n\nIt explains one topic in one sentence.\n"
             for extension in DOC_EXTENSIONS}
    pages["docs/ipynb-page.ipynb"] = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# A notebook\n", "\n", "Its text.\n"]}]})
    pages["docs/asciidoc-page.asciidoc"] = "= AsciiDoc page\n\n== Its section\n\nThe section's text.\n"
    make_repo(tmp_path / "repo", {**pages, "src/tool.py": "print('not a document')\n"})
    limits = cloner.CloneLimits(sparse_threshold_files=0 if sparse else 20_000)

    checkout = cloner.clone(str(tmp_path / "repo"), None, tmp_path / "checkout", limits=limits)
    scan = scanner.scan(checkout.path)

    documents = {f.path for f in scan.files if f.is_documentation}
    assert documents == set(pages)
    archive = pack_documents(checkout.path, scan.files)
    loaded, problems = load_documents(archive, sorted(documents), {p: "utf-8" for p in documents}, 2_000_000)
    assert set(loaded) == set(pages) and not problems
    asciidoc = loaded["docs/asciidoc-page.asciidoc"].parsed
    assert asciidoc.title == "AsciiDoc page" and "Its section" in [s.heading.text for s in asciidoc.sections if s.heading]
