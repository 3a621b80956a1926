"""Module titles and objectives read like a person wrote them (issue 19): a stage 3 module is named
by what it teaches, not by a list of its documents; stage 2 turns headings into objectives with
correct grammar (gerunds, questions, nouns that look like verbs)."""
from __future__ import annotations

import pytest

from services.doc_analyser.engine.objective_phrasing import concept_objective, heading_objective, sentence_objective
from services.doc_analyser.engine.offline import analyse_document
from shared.docs.parsing import parse
from services.pathway.engine.grouping import ModuleStyle, build_modules, module_subject
from services.pathway.engine.models import PathwayDocument


def doc(path: str, title: str, concepts: list[str], doc_type: str = "concept") -> PathwayDocument:
    return PathwayDocument(path=path, title=title, doc_type=doc_type, complexity_level="beginner",
                           reading_minutes=5, key_concepts=concepts, word_count=1100,
                           learning_objectives=[], summary=f"{title} explained. More follows.")


CLIENTS = [doc("docs/why-client.md", "Why use a Client?", ["client", "connection pooling"]),
           doc("docs/async.md", "Async Support", ["async client", "client"]),
           doc("docs/http2.md", "HTTP/2 Support", ["HTTP/2", "client"]),
           doc("docs/proxies.md", "Proxies", ["proxy", "client"]),
           doc("docs/timeouts.md", "Timeouts", ["timeout", "client", "connection pooling"])]
STYLE = ModuleStyle(target_minutes=45, practice_ratio=0.0, topic=lambda document: "all")


@pytest.mark.parametrize("heading, objective", [
    ("Passing parameters in URLs", "Pass parameters in URLs"),
    ("Why use a Client?", "Explain why to use a client"),
    ("Configuring TLS", "Configure TLS"),
    ("Handling Binary Data", "Handle binary data"),
    ("Making requests", "Make requests"),
    ("Testing your app", "Test your app"),
    ("When to use streaming", "Decide when to use streaming"),
    ("Logging configuration", "Understand logging configuration"),   # a kind of configuration
    ("Floating point numbers", "Understand floating point numbers"),
    ("Sync code", "Understand sync code"),                           # a noun, not an order
    ("Install the CLI", "Install the CLI"),
    ("Query Parameters", "Understand query parameters"),   # Title Case gives every word a capital
    ("Request Files", "Understand request files"),
    ("Install HTTPX", "Install HTTPX"),                     # an order before a name
    # Found in the eleven real books (Starlette, structlog, click, Flask, Werkzeug):
    ("Reading or modifying the environment", "Read or modify the environment"),
    ("Sending and receiving messages", "Send and receive messages"),
    ("Why HTTPX?", "Explain why HTTPX is used"),
    ("Why Hardcoded Behaviors?", "Explain why hardcoded behaviors are used"),
    ("Why Blueprints?", "Explain why blueprints are used"),
    ("Pasting Errors", "Paste errors"),                                   # not "Past errors"
    ("Login Required Decorator", "Understand login required decorator"),  # "login" names, not orders
    ("Templating Decorator", "Understand templating decorator"),          # not "Template decorator"
    ("Firing Before/After Request", "Fire Before/After request"),         # not "Fir"
    ("Piping input and output", "Pipe input and output"),                 # not "Pip"
])
def test_a_heading_becomes_an_objective_with_correct_grammar(heading, objective):
    assert heading_objective(heading, "guide")[0] == objective


@pytest.mark.parametrize("heading, objective", [
    ("Users", "Work with users"), ("Background tasks", "Work with background tasks"),
    ("Client.publish", "Use Client.publish"), ("HTTPEndpoint", "Use HTTPEndpoint"),
    ("TestClient", "Use TestClient"), ("send_push_promise()", "Use send_push_promise()"),
])
def test_a_reference_heading_naming_code_is_used_and_one_naming_a_thing_is_worked_with(heading, objective):
    assert heading_objective(heading, "reference")[0] == objective


@pytest.mark.parametrize("sentence, objective", [
    ("Request headers can be accessed by using the headers attribute:", None),   # Werkzeug's quickstart
    ("Store state is kept per request.", None),
    ("Request a token from the server.", "Request a token from the server"),
    ("Update the config that is used.", "Update the config that is used"),
    ("Install click with pip.", "Install click with pip"),
    ("Fetch is the modern, built-in JavaScript solution to making requests.", None),
    ("Debug mode shows an interactive debugger whenever a page raises an exception.", None),  # Flask
])
def test_a_sentence_opening_with_a_noun_that_is_also_a_verb_is_an_order_only_without_an_auxiliary(sentence, objective):
    assert sentence_objective(sentence) == objective


@pytest.mark.parametrize("sentence, objective", [
    ("Check out the Quickstart for an overview of what Flask can do, then dive into the docs.",
     "Check out the Quickstart for an overview"),
    ("Use the --help option for a list of all available options.", "Use the --help option for a list"),
    # A phrase the limit may have left whole, or one ending in a verb, stays.
    ("Register a blueprint on an application at a URL prefix using the register method.",
     "Register a blueprint on an application at a URL prefix"),
    ("Check the changelog of the extension you want to use for the versions it supports.",
     "Check the changelog of the extension you want to use"),
    # Short of the word limit too: a verb keeps its pronoun, a purpose without its object goes.
    ("Create a project directory and enter it:", "Create a project directory and enter it"),
    ("Install them.", None),
    ("Use functools.wraps to handle this for you.", "Use functools.wraps"),
])
def test_a_sentence_cut_at_the_word_limit_ends_before_the_phrase_the_cut_broke(sentence, objective):
    assert sentence_objective(sentence) == objective


def test_a_verb_opening_one_item_of_a_feature_list_is_no_objective_but_a_list_of_steps_gives_them():
    features = ("# Starlette\n\nIt gives you the following:\n\n- WebSocket support.\n"
                "- Test client built on `httpx`.\n- Few hard dependencies.\n- Startup and shutdown events.\n")
    steps = "# Setup\n\nTo start:\n\n- Install the package with pip.\n- Run the server.\n- Open the page.\n"
    assert not any("Test client" in o for o in analyse_document(parse("docs/index.md", features), "beginner")
                   .learning_objectives)
    # an item of two sentences, and the same list in reStructuredText
    two_sentences = features.replace("- Few hard", "- Run tasks in the background. They run after the "
                                                    "response.\n- Few hard")
    rst = "Starlette\n=========\n\nIt gives you:\n\n" + "".join(
        f"* {item}\n" for item in ("WebSocket support.", "Test client built on httpx.",
                                   "Run tasks in the background. They run after the response.",
                                   "Few hard dependencies.", "Startup and shutdown events."))
    for path, text in (("docs/index.md", two_sentences), ("docs/index.rst", rst)):
        objectives = analyse_document(parse(path, text), "beginner").learning_objectives
        assert not any("Test client" in o or "Run tasks" in o for o in objectives), (path, objectives)
    objectives = analyse_document(parse("docs/setup.md", steps), "beginner").learning_objectives
    assert "Install the package with pip" in objectives and "Run the server" in objectives


@pytest.mark.parametrize("heading", ["Contribute", "Donate", "Do not use Ellipsis", "Use Annotated[Model",
                                     "Who uses this?", "Try it now", "A simple example",
                                     "Introducing Shortly", "Basics", "The Basics", "User's Guide", "Synopsis",
                                     "About Project", "About this documentation", "General"])
def test_a_heading_that_names_nothing_to_learn_gives_no_objective(heading):
    assert heading_objective(heading, "reference") is None


@pytest.mark.parametrize("concept, objective", [
    ("consumer groups", "Understand consumer groups"), ("mod_wsgi", "Use mod_wsgi"),
    ("markdown.preprocessors", "Use markdown.preprocessors"), ("MarkupSafe", "Understand MarkupSafe"),
    ("before_request callback", "Understand before_request callback"),
])
def test_a_concept_from_code_is_used_and_any_other_understood(concept, objective):
    assert concept_objective(concept) == objective


def test_a_module_is_named_by_its_pages_own_titles():
    """Issue 44: "Tutorial: tables" for the pages on SELECT and WHERE; the authors' titles say more."""
    pages = [doc("docs/select.md", "Read data with SELECT", ["select"], "tutorial"),
             doc("docs/where.md", "Filter data with WHERE", ["where"], "tutorial")]
    [module] = build_modules(pages, ModuleStyle(target_minutes=60, practice_ratio=0.0, topic=lambda d: "sql"))
    assert module.title.endswith("Read data with SELECT and Filter data with WHERE"), module.title


def test_a_module_whose_page_titles_name_no_subject_is_named_by_the_concepts_they_share():
    [module] = build_modules(CLIENTS, STYLE)  # "Why use a Client?" is a question, no subject
    assert module.title == "Core concepts: client and connection pooling"
    assert "more" not in module.title and "Why use a Client?" not in module.title
    assert module.documents == [d.path for d in CLIENTS]          # the documents are listed apart
    assert module.description.startswith("Covers client and connection pooling in 5 documents")


def test_a_lone_document_names_its_module_unless_its_title_is_a_question():
    assert module_subject([CLIENTS[1]]) == "Async Support"
    assert module_subject([CLIENTS[0]]) == "client and connection pooling"


def test_titles_stay_unique_and_short_within_a_pathway():
    long_concept = "a very long concept name " * 12
    documents = [doc(f"docs/{n}.md", "Same title", [long_concept.strip()], "reference") for n in range(6)]
    modules = build_modules(documents, ModuleStyle(target_minutes=5, practice_ratio=0.0, topic=lambda d: d.path))
    titles = [m.title for m in modules]
    assert len(modules) == 6 and len(set(titles)) == 6
    assert all(len(title) <= 200 for title in titles)
