"""Issue 19: a corpus of real-looking documents in every supported format (MkDocs, Docusaurus,
pymdown and GitBook Markdown, MDX, reStructuredText, AsciiDoc, a notebook, Markdown with HTML),
each with its family's callouts, includes and inline code, run through the whole offline course:
parsing, stage 2's analysis, stage 3's plan, stage 4's module writer, then the Markdown export,
the static site and the module content the API serves. No raw construct may survive anywhere;
inline code keeps its backticks and the blank before it; no first heading shows twice."""
from __future__ import annotations

import re

import pytest

from services.doc_analyser.engine.linking import Corpus, link_one
from services.doc_analyser.engine.offline import analyse_document
from services.modules.engine.engine import write_module
from services.modules.engine.sources import SourceDoc
from services.modules.export.export import CourseExport, html_files, markdown_files
from services.modules.models import ModuleSpec
from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from shared.docs.parsing import parse
from tests.support.markup_corpus import CORPUS, SPACED_CODE_HTML, SPACED_CODE_MARKDOWN, raw_markup_in


@pytest.fixture(scope="module")
def course():
    """The corpus as one repository's selected documents, through every offline stage. Each
    document is its own module too, so every format's text is written whatever the planner groups."""
    parsed = {path: parse(path, text) for path, text in CORPUS.items()}
    corpus = Corpus.build(list(parsed.values()))
    analyses = {path: link_one(path, analyse_document(doc, "beginner"), corpus) for path, doc in parsed.items()}
    plan = plan_pathways(sorted((PathwayDocument(
        path=a.path, title=a.title, doc_type=a.doc_type or "other", complexity_level=a.complexity_level,
        key_concepts=a.key_concepts, learning_objectives=a.learning_objectives, summary=a.summary,
        word_count=a.word_count, reading_minutes=max(1, a.reading_minutes)) for a in analyses.values()),
        key=lambda d: d.path), 3)
    sources = {path: SourceDoc(parsed[path], a.title, a.doc_type, tuple(a.key_concepts),
                               tuple(a.learning_objectives), a.summary) for path, a in analyses.items()}
    planned = [ModuleSpec(module_id=f"p{n}", position=n, title=m.title, description=m.description,
                          learning_objectives=m.learning_objectives, documents=m.documents)
               for n, m in enumerate(plan.pathways[0].modules, start=1)]
    single = [ModuleSpec(module_id=f"d{n}", position=len(planned) + n, title=sources[path].display_title,
                         documents=[path]) for n, path in enumerate(CORPUS, start=1)]
    modules = [(spec, write_module(spec, [sources[p] for p in spec.documents]))
               for spec in planned + single]
    export = CourseExport(title="HTTPX", description=plan.pathways[0].description,
                          pathway_title=plan.pathways[0].title, modules=modules)
    return {"analyses": analyses, "plan": plan, "modules": modules,
            "markdown": markdown_files(export), "site": {name: data.decode() for name, data in html_files(export).items()}}


def test_no_raw_markup_survives_into_the_analysis_or_the_plan(course):
    for path, analysis in course["analyses"].items():
        assert not raw_markup_in(f"{analysis.title}\n{analysis.summary}"), path
    for pathway in course["plan"].pathways:
        for module in pathway.modules:
            assert not raw_markup_in(f"{module.title}\n{module.description}"), module.title


def test_no_raw_markup_survives_into_the_module_content_the_api_serves(course):
    for spec, content in course["modules"]:
        assert not raw_markup_in(content.model_dump_json()), spec.title


def test_no_raw_markup_survives_into_the_markdown_export(course):
    for name, text in course["markdown"].items():
        assert not raw_markup_in(text), name


def test_no_raw_markup_survives_into_the_site(course):
    for name, text in course["site"].items():
        if name.endswith(".html"):
            assert not raw_markup_in(text), name


def test_every_format_keeps_inline_code_and_the_blanks_around_it(course):
    by_path = {spec.documents[0]: content for spec, content in course["modules"] if spec.module_id.startswith("d")}
    spaced = [path for path, text in CORPUS.items() if ".get()" in text]
    assert len(spaced) >= 6
    for path in spaced:
        assert SPACED_CODE_MARKDOWN in " ".join(s.body_markdown for s in by_path[path].sections), path
    exported = "\n".join(course["markdown"].values())
    assert exported.count(SPACED_CODE_MARKDOWN) >= len(spaced)
    assert "using.get()" not in exported and "using .get() ," not in exported
    site = "\n".join(course["site"].values())
    assert site.count(SPACED_CODE_HTML) >= len(spaced)


def test_callouts_are_labelled_block_quotes_in_the_export_and_styled_ones_in_the_site(course):
    exported = "\n".join(course["markdown"].values())
    assert "> **Note — TL;DR**" in exported and "> **Tip — Before you start**" in exported
    assert "> **Note — Digest authentication**" in exported and "> **Tip — Mock transports**" in exported
    site = "\n".join(course["site"].values())
    assert '<blockquote class="callout"><p class="callout-label">Note — TL;DR</p>' in site
    assert "blockquote.callout" in course["site"]["assets/style.css"]


def test_includes_are_a_note_naming_the_file(course):
    exported = "\n".join(course["markdown"].values())
    for included in ("docs/snippets/install.md", "../examples/auth.py", "partials/transport-options.adoc",
                     "docs_src/async_client.py"):
        assert f"An included file (`{included}`) is not shown here" in exported


def test_emphasis_and_links_survive_and_a_link_to_a_course_document_leads_to_its_module(course):
    page = course["markdown"]["modules/" + next(name for name in (n.split("/")[-1] for n in course["markdown"])
                                                if re.match(r"\d\d-httpx", name))]
    assert "**well-established** usability of *requests*" in page
    quickstart_stem = next(n for n in course["markdown"] if re.match(r"modules/\d\d-quickstart", n))
    assert f"[the quickstart]({quickstart_stem.split('/')[-1]})" in page


def test_a_first_heading_equal_to_the_title_is_shown_once(course):
    for name, text in course["markdown"].items():
        headings = re.findall(r"^### (.+)$", text, re.MULTILINE)
        doubled = [h for a, h in zip(headings, headings[1:]) if a == h]
        assert not doubled, (name, doubled)
    httpx = next(t for n, t in course["markdown"].items() if re.match(r"modules/\d\d-httpx", n))
    assert httpx.count("### HTTPX") == 1
