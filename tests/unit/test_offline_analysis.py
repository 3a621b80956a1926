"""The offline engine's analysis of single documents: real values for real-shaped documents,
deterministic, and never derailed by text addressed to a model."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.doc_analyser.engine import complexity
from services.doc_analyser.engine.lexicon import concept_key
from services.doc_analyser.engine.models import DocumentAnalysis
from services.doc_analyser.engine.offline import analyse_document
from shared.docs.parsing import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "docs"


def analyse(path: str, level: str = "intermediate", info: str = "") -> DocumentAnalysis:
    return analyse_document(parse(path, (FIXTURES / path).read_text(encoding="utf-8")), level, info)


def keys(concepts: list[str]) -> set[str]:
    return {concept_key(concept) for concept in concepts}


@pytest.mark.parametrize("path, title, doc_types", [
    ("CHANGELOG.md", "Changelog", {"changelog"}),
    ("README.md", "Fluxmq", {"overview"}),
    ("docs/api/reference.md", "API reference", {"reference", "api"}),
    ("docs/getting-started.md", "Getting started", {"how-to", "tutorial", "guide"}),
    ("docs/concepts/architecture.md", "Architecture", {"concept"}),
    ("docs/tutorial.mdx", "Build an order pipeline with Fluxmq", {"tutorial"}),
    ("docs/faq.md", "Frequently asked questions", {"faq"}),
    ("notebooks/intro.ipynb", "Fluxmq in a notebook", {"example", "tutorial"}),
])
def test_title_and_doc_type(path, title, doc_types):
    analysis = analyse(path)
    assert analysis.title == title
    assert analysis.doc_type in doc_types


def test_getting_started_objectives_and_assumptions():
    analysis = analyse("docs/getting-started.md")
    objectives = analysis.learning_objectives
    assert objectives[0] == "Install the CLI with pip"
    assert "Create a topic named orders" in objectives and len(objectives) <= 8
    assert analysis.assumed_knowledge[:3] == ["Python 3.11", "Docker", "command line"]
    assert {"broker", "partition"} <= keys(analysis.assumed_knowledge)  # used, never explained
    assert analysis.complexity_level == "beginner"


def test_concept_document():
    analysis = analyse("docs/concepts/architecture.md")
    assert {"broker", "partition", "consumer group", "replication"} <= keys(analysis.key_concepts[:8])
    assert analysis.learning_objectives == ["Understand brokers", "Understand topics and partitions",
                                            "Understand consumer groups", "Understand replication"]
    assert "A broker is a server process that stores messages and serves them to clients." in analysis.summary
    # What the document defines is not assumed knowledge.
    assert not keys(analysis.assumed_knowledge) & {"broker", "partition", "consumer group", "replication"}


def test_reference_assumes_concepts_explained_elsewhere():
    analysis = analyse("docs/api/reference.md")
    assert "consumer group" in keys(analysis.assumed_knowledge)
    assert {"client.publish", "client.subscribe"} <= keys(analysis.key_concepts)
    assert "Use Client.publish" in analysis.learning_objectives


def test_summary_is_extractive_and_bounded():
    for path in ("README.md", "docs/getting-started.md", "docs/guide.adoc", "docs/advanced.rst"):
        analysis = analyse(path)
        document = parse(path, (FIXTURES / path).read_text(encoding="utf-8"))
        assert 0 < len(analysis.summary) <= 600
        assert analysis.summary.split(". ")[0] in document.text
    assert analyse("README.md").summary.startswith("Fluxmq is a lightweight message broker")


def test_a_summary_says_what_the_page_is_about_not_where_the_other_pages_are():
    # Flask's index, in short: its summary was the two sentences pointing at the other pages.
    index = ("Welcome to Flask\n================\n\nWelcome to Flask's documentation. Flask is a "
             "lightweight WSGI web application framework. It is designed to make getting started quick "
             "and easy, with the ability to scale up to complex applications.\n\nGet started with "
             "Installation and then get an overview with the Quickstart. There is also a more detailed "
             "Tutorial that shows how to create a small but complete application with Flask. The rest of "
             "the docs describe each component of Flask in detail, with a full reference in the API "
             "section.\n\nFlask depends on the Werkzeug WSGI toolkit, the Jinja template engine, and the "
             "Click CLI toolkit.\n")
    summary = analyse_document(parse("docs/index.rst", index), "beginner").summary
    assert "Flask is a lightweight WSGI web application framework." in summary
    assert "There is also" not in summary and "The rest of the docs" not in summary


def test_text_addressed_to_a_model_is_ignored():
    analysis = analyse("docs/faq.md")
    everything = " ".join([analysis.summary, *analysis.learning_objectives, *analysis.key_concepts,
                           *analysis.assumed_knowledge, *analysis.topics]).lower()
    for leaked in ("ignore", "instructions", "system prompt", "abandoned", "cookie"):
        assert leaked not in everything
    assert "Report a bug" in analysis.learning_objectives


def test_changelog_objectives_name_releases():
    assert analyse("CHANGELOG.md").learning_objectives == [
        "Review the unreleased changes", "Review the changes in 1.2.0", "Review the changes in 1.1.0"]


def test_complexity_follows_the_document():
    assert analyse("docs/advanced.rst", "beginner").complexity_level == "advanced"
    assert analyse("docs/getting-started.md", "advanced").complexity_level == "beginner"


@pytest.mark.parametrize("score, requested, expected", [
    (0.20, "advanced", "beginner"),        # clear signal: the request does not matter
    (0.34, "intermediate", "intermediate"),  # within the tie margin below a boundary
    (0.34, "advanced", "beginner"),        # not adjacent: no nudge
    (0.38, "beginner", "beginner"),        # within the margin above a boundary
    (0.45, "beginner", "intermediate"),
    (0.57, "intermediate", "intermediate"),
    (0.80, "beginner", "advanced"),
    (None, "advanced", "advanced"),        # no signal: the requested level
])
def test_requested_level_only_breaks_ties(monkeypatch, score, requested, expected):
    monkeypatch.setattr(complexity, "difficulty", lambda profile: score)
    assert complexity.complexity_level(None, requested) == expected


def test_additional_info_adds_a_practical_objective_when_there_is_code():
    plain = analyse("docs/getting-started.md")
    practical = analyse("docs/getting-started.md", info="Focus on practical, hands-on examples")
    assert practical.learning_objectives[:-1] == plain.learning_objectives[:7]
    assert practical.learning_objectives[-1] == "Run and adapt the code examples of Getting started"
    concept = analyse("docs/concepts/architecture.md", info="focus on practical examples")
    assert concept.learning_objectives == analyse("docs/concepts/architecture.md").learning_objectives
    theory = analyse("docs/concepts/architecture.md", info="I want to understand why it works")
    assert theory.learning_objectives[-1] == "Explain partitions in your own words"


def test_topics_and_key_concepts_are_bounded_and_distinct():
    for path in ("README.md", "docs/concepts/architecture.md", "docs/guide.adoc"):
        analysis = analyse(path)
        assert 0 < len(analysis.key_concepts) <= 15 and 0 < len(analysis.topics) <= 6
        assert len(keys(analysis.key_concepts)) == len(analysis.key_concepts)
        assert not keys(analysis.key_concepts) & {"example", "section", "note", "click", "see", "following"}


def test_empty_and_garbage_documents_still_analyse():
    empty = analyse_document(parse("docs/empty.md", ""), "advanced")
    assert (empty.title, empty.doc_type, empty.complexity_level) == ("Empty", "other", "advanced")
    garbage = parse("x.rst", bytes(range(256)).decode("utf-8", errors="replace") * 50)
    assert analyse_document(garbage, "beginner").title


def test_analysis_is_deterministic():
    for path in ("README.md", "docs/getting-started.md", "docs/advanced.rst", "notebooks/intro.ipynb"):
        assert analyse(path, "beginner", "examples") == analyse(path, "beginner", "examples")


def test_a_third_party_package_is_not_a_party_package_and_an_ordinal_is_one_word():
    # Starlette's "Third party packages" page gave the concept "party packages", its GraphQL page
    # "rd party library" (from "3rd").
    text = ("# Third party packages\n\nThird party packages extend Starlette with routing helpers.\n\n"
            "GraphQL support now comes from a 3rd party library such as Strawberry.\n")
    concepts = [c.lower() for c in analyse_document(parse("docs/third-party-packages.md", text), "beginner").key_concepts]
    assert "third party packages" in concepts or "third party package" in concepts, concepts
    assert not any(c.startswith(("party", "rd ")) for c in concepts), concepts


def test_a_heading_over_nothing_but_a_table_of_contents_names_no_concept_or_objective():
    # Werkzeug's index: prose, then headings whose sections are toctrees (left to the navigation)
    index = ("Werkzeug\n========\n\nWerkzeug is a comprehensive WSGI web application library. It began as a "
             "collection of utilities and became one of the most advanced utility libraries.\n\n"
             "Serving and Testing\n-------------------\n\n.. toctree::\n\n   serving\n   test\n\n"
             "Deployment\n----------\n\n.. toctree::\n\n   deployment/index\n\n"
             "Routing Rules\n-------------\n\nMatching\n~~~~~~~~\n\nA rule matches a URL against its pattern.\n")
    analysis = analyse_document(parse("docs/index.rst", index), "beginner")
    named = " ".join([*analysis.key_concepts, *analysis.learning_objectives]).lower()
    assert "serving" not in named and "testing" not in named and "deployment" not in named, named
    # a heading over a subsection heads content: it still counts
    assert "routing rules" in named, named
