"""The corpus step: link resolution, corpus-filtered key concepts, prerequisites without cycles,
related documents — from parsed documents and per-document analyses, without any provider."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from services.doc_analyser.engine import corpus as stage2_corpus
from services.doc_analyser.engine.corpus_documents import split_by_position
from services.doc_analyser.engine.lexicon import concept_key
from services.doc_analyser.engine.linking import Corpus, LinkedAnalysis, link, link_one
from services.doc_analyser.engine.offline import analyse_document
from services.doc_analyser.engine.phrase_index import Terms
from shared.docs.parsing import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docs"
PATHS = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*") if p.is_file())


def fixture_documents():
    return [parse(path, (FIXTURES / path).read_text(encoding="utf-8")) for path in PATHS]


@pytest.fixture(scope="module")
def linked() -> dict[str, LinkedAnalysis]:
    docs = fixture_documents()
    analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
    return link(analyses, Corpus.build(docs))


def keys(concepts: list[str]) -> set[str]:
    return {concept_key(concept) for concept in concepts}


def test_a_linked_concept_document_is_a_prerequisite(linked):
    assert linked["docs/getting-started.md"].prerequisites == ["docs/concepts/architecture.md"]
    assert linked["docs/concepts/architecture.md"].prerequisites == []
    assert linked["README.md"].prerequisites == []


def test_a_document_defining_an_assumed_concept_is_a_prerequisite(linked):
    reference = parse("docs/api/reference.md", (FIXTURES / "docs/api/reference.md").read_text())
    assert reference.links == ()  # no link: the definition of "consumer group" is the reason
    assert "consumer group" in keys(linked["docs/api/reference.md"].prerequisite_concepts)
    assert linked["docs/api/reference.md"].prerequisites == ["docs/concepts/architecture.md"]
    assert "docs/concepts/architecture.md" in linked["docs/tutorial.mdx"].prerequisites


def test_rst_and_asciidoc_links_resolve_across_formats(linked):
    assert linked["docs/advanced.rst"].prerequisites == ["docs/concepts/architecture.md", "docs/guide.adoc"]
    assert linked["docs/guide.adoc"].prerequisites == ["docs/concepts/architecture.md"]


def test_prerequisites_are_other_corpus_documents_without_cycles(linked):
    for path, result in linked.items():
        assert path not in result.prerequisites and set(result.prerequisites) <= set(PATHS)
        for other in result.prerequisites:
            assert path not in linked[other].prerequisites


def test_the_project_name_is_not_a_key_concept_everywhere():
    docs = fixture_documents()
    analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
    before = [path for path, a in analyses.items() if "fluxmq" in keys(a.key_concepts)]
    after = [path for path, result in link(analyses, Corpus.build(docs)).items()
             if "fluxmq" in keys(result.key_concepts)]
    assert len(before) >= 5  # the offline engine sees it as important in most documents…
    assert after == ["README.md"]  # …the corpus keeps it only where it is defined


def test_key_concepts_related_documents_and_reading_time(linked):
    result = linked["docs/concepts/architecture.md"]
    assert {"broker", "partition", "replication"} <= keys(result.key_concepts)
    assert len(result.key_concepts) <= 8
    for path, result in linked.items():
        assert path not in result.related_documents and len(result.related_documents) <= 3
        assert not set(result.related_documents) & set(result.prerequisites)
        assert len(result.related_topics) <= 6 and result.reading_minutes >= 1
    assert linked["docs/getting-started.md"].related_documents[0] == "README.md"
    assert linked["docs/getting-started.md"].word_count == 125


def test_small_corpora_keep_the_analysis_key_concepts():
    doc = parse("README.md", (FIXTURES / "README.md").read_text())
    analysis = analyse_document(doc, "beginner")
    result = link_one("README.md", analysis, Corpus.build([doc]))
    assert result.key_concepts == analysis.key_concepts[:8]
    assert (result.prerequisites, result.related_documents) == ([], [])


A = "# Alpha\n\nAlpha links to [beta](b.md). A widget is a small thing that renders gadgets.\n"
B = "# Beta\n\nBeta links to [alpha](a.md) and explains that a gadget is a part of widgets.\n"


def _pair(navigation):
    docs = [parse("docs/a.md", A), parse("docs/b.md", B)]
    analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
    return link(analyses, Corpus.build(docs), navigation)


def test_mutual_prerequisites_keep_only_the_navigation_direction():
    forward = _pair(["docs/a.md", "docs/b.md"])
    assert (forward["docs/a.md"].prerequisites, forward["docs/b.md"].prerequisites) == ([], ["docs/a.md"])
    backward = _pair(["b.md", "a.md"])  # entries relative to the docs folder match too
    assert (backward["docs/a.md"].prerequisites, backward["docs/b.md"].prerequisites) == (["docs/b.md"], [])


def test_documents_defining_each_others_concepts_get_one_direction_only():
    widgets = ("# Widgets\n\nA widget is a small component that renders data. Widgets embed "
               "gadgets, and one widget may hold many gadgets.")
    gadgets = ("# Gadgets\n\nA gadget is a tiny helper. Every gadget reads the state of a widget "
               "and redraws the widget.")
    docs = [parse("docs/widgets.md", widgets), parse("docs/gadgets.md", gadgets)]
    analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
    result = link(analyses, Corpus.build(docs))
    assert "widget" in keys(analyses["docs/gadgets.md"].assumed_knowledge)
    assert "gadget" in keys(analyses["docs/widgets.md"].assumed_knowledge)
    directions = [(path, r.prerequisites) for path, r in result.items() if r.prerequisites]
    assert directions == [("docs/widgets.md", ["docs/gadgets.md"])]  # the earlier path wins a tie


def test_link_is_link_one_mapped_and_needs_no_other_analysis():
    docs = fixture_documents()
    corpus = Corpus.build(docs)
    analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
    alone = link_one("docs/getting-started.md", analyses["docs/getting-started.md"], corpus)
    assert alone == link(analyses, corpus)["docs/getting-started.md"]
    dotted = link_one("./docs/getting-started.md", analyses["docs/getting-started.md"], corpus)
    assert dotted.path == "./docs/getting-started.md" and dotted.prerequisites == alone.prerequisites
    missing = link_one("docs/unknown.md", analyses["README.md"], corpus)
    assert (missing.prerequisites, missing.word_count, missing.reading_minutes) == ([], 0, 1)


@pytest.mark.parametrize("source, target, expected", [
    ("docs/a.md", "../guide/install.md#x", "guide/install.md"),
    ("docs/a.md", "guide/setup", "docs/guide/setup.rst"),
    ("docs/a.md", "guide/setup.html#intro", "docs/guide/setup.rst"),
    ("docs/a.md", "/guide/setup", "docs/guide/setup.rst"),
    ("docs/a.md", "api/", "docs/api/index.md"),
    ("docs/a.md", "xref-target.adoc", "docs/xref-target.md"),
    ("docs/a.md", "../README.md", "README.md"),
    ("docs/a.md", "https://example.org/docs/a.md", None),
    ("docs/a.md", "#local-anchor", None),
    ("docs/a.md", "../../outside.md", None),
    ("docs/a.md", "missing.md", None),
])
def test_link_resolution(source, target, expected):
    paths = [source, "guide/install.md", "docs/guide/setup.rst", "docs/api/index.md",
             "docs/xref-target.md", "README.md"]
    corpus = Corpus.build([parse(path, f"# {path}\n\n[link]({target})") for path in paths])
    assert corpus.document(source).links == ((expected,) if expected else ())


def test_linking_is_deterministic_and_independent_of_input_order():
    docs = fixture_documents()
    analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
    first = link(analyses, Corpus.build(docs))
    again = link(analyses, Corpus.build(list(reversed(docs))))
    assert first == again


def test_without_navigation_the_page_defining_what_others_use_comes_first():
    # Three reference pages whose paths say nothing of their order (a, b, c against it): panels
    # are made of widgets, dashboards of panels and widgets.
    code = "\n\n```python\ndef show(data: dict) -> None: ...\n```\n\n```python\ndef hide() -> bool: ...\n```"
    docs = [parse("docs/a-dashboards.md", "# Dashboards\n\nA dashboard is a page of panel rows, where "
                  "each panel shows one widget." + code),
            parse("docs/b-panels.md", "# Panels\n\nA panel is a frame that holds a widget and its title." + code),
            parse("docs/c-widgets.md", "# Widgets\n\nA widget is a box that draws data on the screen." + code)]
    corpus = Corpus.build(docs)
    assert {corpus.document(d.path).doc_type for d in docs} == {"reference"}  # one kind: a tie
    order = corpus.reading_order()
    assert sorted(order, key=order.get) == ["docs/c-widgets.md", "docs/b-panels.md", "docs/a-dashboards.md"]


def test_a_kind_whose_tournament_would_count_too_many_votes_sits_it_out(monkeypatch):
    # Half the pages define the phrases the other half uses: votes grow with pages² × phrases.
    phrases = [f"phrase{i}" for i in range(10)]
    pages = {f"p{n}.md": SimpleNamespace(doc_type="reference", links=set(), terms=Terms.of(phrases),
                                         defines={p: 1.0 for p in phrases} if n % 2 else {})
             for n in range(20)}
    assert set(stage2_corpus.teaching_ranks(pages).values()) == {-10, 10}  # definers first
    monkeypatch.setattr(stage2_corpus, "MOST_VOTES", 10 * 10 * 10 - 1)  # 10 users × 10 phrases × 10 definers
    assert not any(stage2_corpus.teaching_ranks(pages).values())


# --- a link in a page's closing part sends the reader on ------------------------------------------

_PROSE = ("A router matches the path of each request against its routes and calls the endpoint of "
          "the first route that matches. ") * 6


def test_a_link_first_written_in_the_closing_part_is_onward_not_leading():
    document = parse("docs/routing.md", f"# Routing\n\nRoutes build on [requests](requests.md).\n\n{_PROSE}\n\n"
                     "See [the endpoint page](endpoints.md#methods) next, or [requests](requests.md) again.")
    assert split_by_position(document) == (("requests.md",), ("endpoints.md#methods",))


def test_a_link_written_first_in_the_opening_stays_leading_when_the_closing_part_repeats_it():
    document = parse("docs/routing.md", f"# Routing\n\nStart from [requests](requests.md).\n\n{_PROSE}\n\n"
                     "Back to [requests](requests.md).")
    assert split_by_position(document) == (("requests.md",), ())


def test_a_page_that_only_sends_the_reader_on_does_not_require_that_page():
    # `a-sessions.md` is read first either way (the navigation says so); a link at
    # the end of `routing.md` is what to read next, a link in its opening what it builds on.
    sessions = parse("docs/a-sessions.md", "# Sessions\n\nA session keeps cookies between visits. "
                     "Sessions expire after an hour of silence.")
    onward = parse("docs/b-routing.md", f"# Routing\n\n{_PROSE}\n\nContinue to [sessions](a-sessions.md).")
    builds_on = parse("docs/b-routing.md", f"# Routing\n\nRouting keeps [sessions](a-sessions.md).\n\n{_PROSE}")
    for routing, expected in ((onward, []), (builds_on, ["docs/a-sessions.md"])):
        docs = [sessions, routing]
        corpus = Corpus.build(docs)
        analyses = {doc.path: analyse_document(doc, "beginner") for doc in docs}
        linked = link(analyses, corpus, ["docs/a-sessions.md", "docs/b-routing.md"])
        assert linked["docs/b-routing.md"].prerequisites == expected
        entry = corpus.document("docs/b-routing.md")
        assert (*entry.links, *entry.onward_links) == ("docs/a-sessions.md",)  # kept either way, read differently
