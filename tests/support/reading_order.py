"""How well the offline engines recover a book's reading order (issue 19): real documentation whose
authors' order is known (tests/fixtures/ordered_books, each with its mkdocs.yml nav or Sphinx
toctrees) goes through stage 1's scan, stage 2's offline analysis and linking and stage 3's
planner, as the services call them; the foundations-first pathway's document order is compared
with the authors' order by Kendall's τ, once with the navigation and once with it stripped."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from services.pathway.engine.corpus import Corpus as PathwayCorpus
from services.pathway.engine.engine import build_pathway
from services.pathway.engine.variants import variants_for
from services.repo_clone.scanner import scan
from tests.support.offline_course import checkout, linked_analyses, pathway_documents

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books"
NAVIGATION_FILES = ("mkdocs.yml", "mkdocs.yaml", "SUMMARY.md", "sidebars.js", "sidebars.ts", "sidebars.json")
# Every other navigation format's files (issue 50): VitePress, Starlight, Docusaurus categories,
# docsify, Jupyter Book / MyST, Antora, Nextra, MkDocs awesome-pages, Zensical.
OTHER_NAVIGATION_FILES = ("_category_.json", "_category_.yml", "_category_.yaml", "astro.config.mjs",
                          "astro.config.ts", "astro.config.js", "astro.config.mts", "_sidebar.md", "_navbar.md",
                          "_toc.yml", "myst.yml", "nav.adoc", ".pages", "zensical.toml", "zensical.yml", "zensical.yaml",
                          *(f"_meta{e}" for e in (".ts", ".tsx", ".js", ".jsx", ".mjs", ".json")))
NAVIGATION_FOLDERS = (".vitepress",)
# docsify's `loadSidebar: 'path/to/sidebar.md'` in its index.html
DOCSIFY_SIDEBAR = re.compile(r"loadSidebar\s*:\s*['\"]([^'\"]+)['\"]")
# Front-matter keys that order or nest pages in a navigation: Docusaurus `sidebar_position`, Hugo
# `weight`, just-the-docs `nav_order` / `parent` / `grand_parent`, Starlight `sidebar:` (order).
ORDER_KEYS = ("sidebar_position", "weight", "nav_order", "parent", "grand_parent", "sidebar")
FRONT_MATTER = re.compile(r"\A(---[ \t]*\r?\n)(.*?)(\r?\n---[ \t]*(?:\r?\n|\Z))", re.S)
TOCTREE = re.compile(r"^(`{3,}|:{3,})\s*\{toctree\}.*?^\1\s*$|^\.\. toctree::.*?(?=^\S|\Z)", re.M | re.S)
PATHWAY = "foundations-first"
WITH_NAVIGATION = "fast-track"  # the pathway that follows the navigation as it is


@dataclass(frozen=True)
class BookOrder:
    book: str
    documents: int
    tau_with_navigation: float
    tau_without_navigation: float


def books() -> list[Path]:
    return sorted(path for path in BOOKS.iterdir() if path.is_dir())


def kendall_tau(order: list[str], reference: list[str]) -> float:
    """τ-a over the documents both orders hold: (concordant − discordant) / pairs."""
    position = {path: index for index, path in enumerate(order)}
    common = [path for path in reference if path in position]
    pairs = list(combinations(common, 2))
    if not pairs:
        return 1.0
    agreeing = sum(1 if position[a] < position[b] else -1 for a, b in pairs)
    return agreeing / len(pairs)


def strip_navigation(book: Path, into: Path) -> Path:
    """A copy of the book as a repository without a navigation: no nav file, no toctree, no
    navigation configuration of any format the benchmark measures and no front-matter order key."""
    shutil.copytree(book, into)
    for name in NAVIGATION_FILES:
        for found in into.rglob(name):
            found.unlink()
    for found in [*into.rglob("index.html")]:  # docsify's sidebar file is named in its index.html
        for sidebar in DOCSIFY_SIDEBAR.findall(found.read_text(encoding="utf-8", errors="replace")):
            (found.parent / sidebar).unlink(missing_ok=True)
    for name in OTHER_NAVIGATION_FILES:
        for found in into.rglob(name):
            found.unlink()
    for name in NAVIGATION_FOLDERS:
        for found in list(into.rglob(name)):
            shutil.rmtree(found)
    for document in [*into.rglob("*.md"), *into.rglob("*.rst"), *into.rglob("*.mdx"), *into.rglob("*.markdown")]:
        text = document.read_text(encoding="utf-8")
        stripped = without_order_keys(TOCTREE.sub("", text))
        if stripped != text:
            document.write_text(stripped, encoding="utf-8")
    return into


def without_order_keys(text: str) -> str:
    """The page with its front matter's ORDER_KEYS removed (a nested `sidebar:` block whole)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return text
    kept: list[str] = []
    dropping = False
    for line in match.group(2).splitlines():
        indented = line[:1] in (" ", "\t")
        if dropping and (indented or not line.strip()):
            continue
        dropping = False
        key = line.split(":", 1)[0].strip() if ":" in line and not indented else None
        if key in ORDER_KEYS:
            dropping = True
            continue
        kept.append(line)
    body = "\n".join(kept)
    if body == match.group(2):
        return text
    return match.group(1) + body + match.group(3) + text[match.end():]


def pathway_order(root: Path, level: str = "beginner", pathway: str = PATHWAY) -> list[str]:
    """The pathway's documents, in order, for the documentation under `root`."""
    found = checkout(root)
    _, linked = linked_analyses(found.texts, level, found.navigation)
    documents = pathway_documents(linked.values(), found.navigation, found.inferred, found.sections)
    # Built directly: plan_pathways passes over a pathway repeating an earlier one (small books).
    corpus = PathwayCorpus.build(documents, None, "", 45)
    variant = next(v for v in variants_for(corpus, "") if v.key == pathway)
    return build_pathway(variant, corpus).document_paths()


def measure(book: Path, scratch: Path) -> BookOrder:
    authors = scan(book).navigation
    with_navigation = kendall_tau(pathway_order(book, pathway=WITH_NAVIGATION), authors)
    without = kendall_tau(pathway_order(strip_navigation(book, scratch / book.name)), authors)
    return BookOrder(book.name, len(authors), round(with_navigation, 3), round(without, 3))
