"""Stage 4's offline engine: a module written from its documents alone — content in reading order
with citations, code examples, key points, and an assessment built from real statements."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from shared.docs.parsing import parse
from services.modules.engine import content
from services.modules.engine.engine import SourceDoc, write_module
from services.modules.engine.question_flaws import FlawCount
from services.modules.models import Citation, ModuleContent, ModuleSpec, Question

ARCHITECTURE_PATH, GETTING_STARTED_PATH = "docs/concepts/architecture.md", "docs/getting-started.md"
ARCHITECTURE = """# Architecture

Skyline is a streaming platform for small teams. This page explains its moving parts.

## Brokers

A broker is a server process that stores messages and serves them to clients.
Brokers replicate every topic to two peers, so losing one machine loses no data.

## Topics

A topic is a named log of messages that producers append to.
Each topic is split into partitions that brokers share between them.

## Consumers

A consumer is a client that reads messages from one or more topics.
Consumers remember their offset, so a restart resumes where it stopped.
"""
GETTING_STARTED = """# Getting started

This guide installs Skyline and starts a broker on your own machine.

## Installation

Install the package with pip:

```bash
pip install skyline
```

## Starting the broker

Run the server on a port of your choice to start the broker. The default port is 7000.

```bash
skyline serve --port 7000
```

Then check that it answers:

```python
import skyline
client = skyline.connect("localhost:7000")
print(client.ping())
```
"""
DOCUMENTS = {ARCHITECTURE_PATH: ARCHITECTURE, GETTING_STARTED_PATH: GETTING_STARTED}


def architecture() -> SourceDoc:
    return SourceDoc(parse(ARCHITECTURE_PATH, ARCHITECTURE), title="Architecture", doc_type="concept",
                     key_concepts=["broker", "topic", "consumer"],
                     learning_objectives=["Explain what a broker does"],
                     summary="How Skyline's brokers, topics and consumers fit together.")


def getting_started() -> SourceDoc:
    return SourceDoc(parse(GETTING_STARTED_PATH, GETTING_STARTED), title="Getting started",
                     doc_type="tutorial", key_concepts=["installation"],
                     learning_objectives=["Install Skyline", "Start a broker"])


SPEC = ModuleSpec(module_id="m1", position=1, title="Skyline essentials", description="",
                  documents=[ARCHITECTURE_PATH, GETTING_STARTED_PATH], estimated_minutes=30)


@pytest.fixture(scope="module")
def module() -> ModuleContent:
    return write_module(SPEC, [architecture(), getting_started()])


def headings_of(path: str) -> set[str]:
    return {heading.text for heading in parse(path, DOCUMENTS[path]).headings} | {""}


def test_a_definition_becomes_a_what_is_question_answered_by_the_source_sentence(module):
    topic = [q for q in module.assessment if q.prompt == "What is a topic?"]
    assert len(topic) == 1
    assert "named log" in topic[0].answer
    assert topic[0].source == Citation(path=ARCHITECTURE_PATH, heading="Topics", anchor="topics")
    assert topic[0].explanation.startswith(f"From `{ARCHITECTURE_PATH}`, section 'Topics': ")
    assert "A topic is a named log of messages" in topic[0].explanation


def test_a_definition_asks_for_its_term_among_other_terms_the_course_defines(module):
    choice = next(q for q in module.assessment if q.kind == "multiple_choice" and "describe as" in q.prompt)
    assert choice.answer == "broker" and "“A server process that stores messages" in choice.prompt
    assert len(choice.options) >= 3
    for option in choice.options:                     # every option is a term the documents define
        assert f"{option} is " in ARCHITECTURE or f"{option[:1].upper()}{option[1:]} is " in ARCHITECTURE


def test_every_question_cites_a_real_section_of_one_of_the_modules_documents(module):
    assert 3 <= len(module.assessment) <= 8
    assert len({q.prompt for q in module.assessment}) == len(module.assessment)
    for question in module.assessment:
        assert question.source.path in SPEC.documents
        assert question.source.heading in headings_of(question.source.path)
        assert question.source.path in question.explanation
        if question.kind != "short_answer":
            assert question.answer in question.options


def test_a_false_statement_is_its_source_wrong_in_one_word_and_its_explanation_gives_the_real_sentence(module):
    false = [q for q in module.assessment if q.kind == "true_false" and q.answer == "False"]
    assert false, [q.prompt for q in module.assessment]
    claim = false[0].prompt.removeprefix("True or false: ")
    assert claim == "A consumer is a client that writes messages from one or more topics."
    quoted = false[0].explanation.split("“")[1].split("”")[0]
    assert quoted == "A consumer is a client that reads messages from one or more topics."
    assert "It says “reads”, not “writes”." in false[0].explanation


def test_a_command_question_asks_for_the_job_its_section_says_the_command_does(module):
    serve = next(q for q in module.assessment if q.answer == "skyline serve --port 7000")
    assert serve.prompt == "Which command would you run to start the broker?"
    assert serve.kind == "short_answer"  # one other command is too few wrong options to choose from
    install = next(q for q in module.assessment if q.answer == "pip install skyline")
    assert install.prompt == f"Which command does `{GETTING_STARTED_PATH}` give to install the package?"
    assert serve.source.heading == "Starting the broker" and serve.source.path == GETTING_STARTED_PATH
    assert "“Run the server on a port of your choice to start the broker.”" in serve.explanation


def test_code_stays_in_its_section_right_after_the_sentence_that_introduces_it(module):
    installation = next(s for s in module.sections if s.title == "Installation")
    assert installation.body_markdown == "Install the package with pip:\n\n```bash\npip install skyline\n```"
    assert installation.source == Citation(path=GETTING_STARTED_PATH, heading="Installation",
                                           anchor="installation")
    starting = next(s for s in module.sections if s.title == "Starting the broker")
    prose_code_prose = ["Run the server on a port", "```bash\nskyline serve --port 7000\n```",
                        "Then check that it answers:"]
    places = [starting.body_markdown.index(part) for part in prose_code_prose]
    assert places == sorted(places)
    assert module.code_examples == []    # nothing is moved away from where the source put it


def test_a_long_code_block_is_cut_to_its_first_lines_and_says_so():
    code = "\n".join(f"print({n})" for n in range(100))
    doc = SourceDoc(parse("docs/long.md", f"# Guide\n\n## Run\n\nRun this:\n\n```python\n{code}\n```\n\nDone."))
    section = write_module(SPEC.model_copy(update={"documents": ["docs/long.md"]}), [doc]).sections[0]
    assert "print(59)\n```" in section.body_markdown and "print(60)" not in section.body_markdown
    assert "*The first 60 of 100 lines.*\n\nDone." in section.body_markdown


def test_sections_follow_the_pathways_document_order_and_cite_real_headings():
    spec = SPEC.model_copy(update={"documents": [GETTING_STARTED_PATH, ARCHITECTURE_PATH]})
    content = write_module(spec, [architecture(), getting_started()])
    paths = [section.source.path for section in content.sections]
    assert paths == sorted(paths, key=spec.documents.index) and paths[0] == GETTING_STARTED_PATH
    assert [s.title for s in content.sections if s.source.path == ARCHITECTURE_PATH] == \
        ["Architecture", "Brokers", "Topics", "Consumers"]
    for section in content.sections:
        assert section.source.heading in headings_of(section.source.path)
    brokers = next(s for s in content.sections if s.title == "Brokers")
    assert brokers.body_markdown.startswith("A broker is a server process")


def test_key_points_pair_each_key_concept_with_its_defining_sentence(module):
    broker = next(point for point in module.key_points if "broker" in point.lower())
    assert broker.startswith("**broker**: A broker is a server process")
    assert ARCHITECTURE_PATH in broker


def test_introduction_objectives_conclusion_and_summary_come_from_the_sources(module):
    assert module.learning_objectives == ["Explain what a broker does", "Install Skyline", "Start a broker"]
    assert f"`{ARCHITECTURE_PATH}`" in module.introduction
    assert f"`{GETTING_STARTED_PATH}`" in module.introduction
    assert "- Install Skyline" in module.introduction
    assert "broker, topic, consumer" in module.conclusion
    assert "How Skyline's brokers, topics and consumers fit together." in module.summary


def test_why_it_matters_does_not_repeat_the_sentence_the_description_ends_with():
    source = SourceDoc(parse(ARCHITECTURE_PATH, ARCHITECTURE), title="Architecture", doc_type="concept",
                       summary="Skyline is a streaming platform. Brokers replicate every topic.")
    spec = SPEC.model_copy(update={"description": "Covers brokers in 1 document, about 5 minutes. "
                                                  "Skyline is a streaming platform."})
    introduction = write_module(spec, [source]).introduction
    assert introduction.count("Skyline is a streaming platform.") == 1
    assert "Why it matters: Brokers replicate every topic." in introduction


def test_concepts_one_sentence_explains_share_its_key_point_and_unexplained_ones_come_last():
    text = ("# Starlette\n\nStarlette is a lightweight ASGI framework and toolkit for web services.\n\n"
            "## Installation\n\nSee below.\n")
    source = SourceDoc(parse("docs/index.md", text), title="Starlette", doc_type="overview",
                       key_concepts=["installation", "framework", "toolkit"])
    points = write_module(SPEC.model_copy(update={"documents": ["docs/index.md"]}), [source]).key_points
    assert points == ["**framework**, **toolkit**, **Starlette**: Starlette is a lightweight ASGI framework and toolkit for "
                      "web services. (`docs/index.md`)", "**installation** (see `docs/index.md`)"]
    many = SourceDoc(source.parsed, "Starlette", "overview", key_concepts=[
        "installation", "framework", "toolkit", "web services", "ASGI", "lightweight ASGI framework"])
    points = write_module(SPEC.model_copy(update={"documents": ["docs/index.md"]}), [many]).key_points
    assert points[0].startswith("**framework**, **toolkit**, **web services**: Starlette is"), points


def test_key_points_why_it_matters_and_the_summary_keep_the_sources_inline_code():
    text = ("Templates\n=========\n\nThe ``{% extends %}`` tag is the key here: it names the parent "
            "template.\n\nA block is a part of the page that a child template fills in with ``{% block %}``.\n")
    source = SourceDoc(parse("docs/templates.rst", text), title="Templates", doc_type="guide",
                       key_concepts=["block"])
    spec = SPEC.model_copy(update={"documents": ["docs/templates.rst"]})
    written = write_module(spec, [source])
    assert any("`{% block %}`" in point for point in written.key_points), written.key_points
    assert "Why it matters: The `{% extends %}` tag is the key here" in written.introduction
    assert "The `{% extends %}` tag is the key here" in written.summary


def test_the_same_sources_always_give_the_same_module(module):
    again = write_module(SPEC, [getting_started(), architecture()])   # order of the list does not matter
    assert again.model_dump() == module.model_dump()


def test_a_long_section_is_shortened_at_a_sentence_and_points_to_its_document():
    sentences = " ".join(f"Sentence number {n} explains one more detail." for n in range(150))
    long_text = f"# Guide\n\n## Details\n\n{sentences}"
    doc = SourceDoc(parse("docs/long.md", long_text))
    section = write_module(SPEC.model_copy(update={"documents": ["docs/long.md"]}), [doc]).sections[0]
    assert len(section.body_markdown.split()) < content.MAX_SECTION_WORDS + 20
    assert section.body_markdown.rstrip().endswith("*Shortened here: the rest is in `docs/long.md`.*")


def test_plain_statements_give_fill_in_and_true_false_questions_and_no_prose_gives_none():
    prose = ("# Notes\n\n## Limits\n\nEvery message must be smaller than one megabyte.\n\n"
             "## Retention\n\nBrokers delete log segments older than seven days.\n")
    doc = SourceDoc(parse("docs/notes.md", prose), key_concepts=["segment"])
    questions = write_module(SPEC.model_copy(update={"documents": ["docs/notes.md"]}), [doc]).assessment
    assert [(q.kind, q.answer) for q in questions] == [("true_false", "True"), ("short_answer", "segments")]
    assert "Every message must be smaller than one megabyte." in questions[0].explanation
    assert questions[1].prompt == "Fill in the blank: “Brokers delete log _____ older than seven days.”"
    assert questions[1].source.heading == "Retention"
    code_only = SourceDoc(parse("docs/code.md", "# Code\n\n```python\nprint(1)\n```\n"))
    assert write_module(SPEC.model_copy(update={"documents": ["docs/code.md"]}), [code_only]).assessment == []


def test_a_module_draws_its_wrong_answers_from_its_own_documents_only():
    """Wrong answers from the rest of the course would change a module whenever another document
    changes, and a refresh would rewrite modules none of whose documents changed."""
    text = "# Brokers\n\nA broker is a server process that stores messages.\n"
    alone = SourceDoc(parse("docs/broker.md", text), key_concepts=["broker"])
    spec = SPEC.model_copy(update={"documents": ["docs/broker.md"]})
    assert write_module(spec, [alone]).assessment[0].kind == "short_answer"
    together = write_module(spec.model_copy(update={"documents": ["docs/broker.md", "docs/concepts/architecture.md"]}),
                            [alone, architecture()]).assessment
    widened = next(q for q in together if q.answer == "broker")
    assert widened.kind == "multiple_choice" and widened.source.path == "docs/broker.md"
    assert {"topic", "consumer"} <= set(widened.options)


def test_the_schema_is_json_friendly_and_round_trips(module):
    schema = ModuleContent.model_json_schema()
    assert schema["properties"]["assessment"]["type"] == "array"
    assert ModuleContent.model_validate_json(module.model_dump_json()) == module


def test_a_choice_question_whose_answer_is_not_offered_is_rejected():
    with pytest.raises(ValidationError, match="one of the options"):
        Question(kind="multiple_choice", prompt="?", options=["a", "b"], answer="c", explanation="x",
                 source=Citation(path="a.md"))


def test_every_document_of_a_big_module_is_shown_and_a_long_one_says_what_it_leaves_out():
    texts = {f"docs/d{n:02d}.md": f"# Doc {n}\n\nIntro {n}.\n\n" + "".join(
        f"## Part {n}.{k}\n\nText {n}.{k}.\n\n" for k in range(30 if n == 0 else 3)) for n in range(30)}
    sources = [SourceDoc(parse(path, text)) for path, text in texts.items()]
    spec = SPEC.model_copy(update={"documents": sorted(texts)})
    content = write_module(spec, sources)
    assert {section.source.path for section in content.sections} == set(texts)
    first = [section for section in content.sections if section.source.path == "docs/d00.md"]
    assert first[-1].body_markdown.endswith("*`docs/d00.md` also has Part 0.1, Part 0.2, Part 0.3, "
                                            "Part 0.4 and 25 more: read them there.*")


# Flask's installation page in short: the steps a beginner needs come after notes on dependencies.
INSTALLATION = """Installation
============

Python Version
--------------

We recommend using the latest version of Python.

Dependencies
------------

These distributions will be installed automatically when installing Flask.

Optional dependencies
~~~~~~~~~~~~~~~~~~~~~

These distributions will not be installed automatically.

greenlet
~~~~~~~~

You may choose to use gevent with your application.

Virtual environments
--------------------

Use a virtual environment to manage the dependencies for your project.

Create an environment
~~~~~~~~~~~~~~~~~~~~~

Create a project folder and a :file:`.venv` folder within:

.. code-block:: sh

    $ mkdir myproject
    $ python3 -m venv .venv

Install Flask
-------------

Within the activated environment, use the following command to install Flask:

.. code-block:: sh

    $ pip install Flask
"""


def test_a_long_document_shows_its_opening_then_its_steps_then_its_main_sections_in_its_order():
    texts = {f"docs/d{n:02d}.md": f"# Doc {n}\n\nIntro {n}.\n" for n in range(15)}
    texts["docs/installation.rst"] = INSTALLATION  # 16 documents: a share of 3 sections each
    sources = [SourceDoc(parse(path, text)) for path, text in texts.items()]
    content = write_module(SPEC.model_copy(update={"documents": sorted(texts)}), sources)
    shown = [section for section in content.sections if section.source.path == "docs/installation.rst"]
    assert [section.title for section in shown] == ["Python Version", "Create an environment", "Install Flask"]
    assert shown[-1].body_markdown.endswith("*`docs/installation.rst` also has Dependencies, Optional "
                                            "dependencies, greenlet, Virtual environments: read them there.*")


def test_questions_quote_their_sentences_with_the_inline_code_and_never_turn_a_word_inside_code():
    from services.modules.engine.questions import statement_question, turned_statement
    from services.modules.engine.sources import statements
    text = ("Reading\n=======\n\nCall ``read()`` once: it always returns the whole file.\n\n"
            "A stream is always opened in binary mode by ``open_stream()``.\n")
    doc = SourceDoc(parse("docs/reading.rst", text), title="Reading", doc_type="guide")
    found = {s.sentence: s for s in statements(doc)}
    call = found["Call read() once: it always returns the whole file."]
    assert statement_question(call).prompt == "True or false: Call `read()` once: it always returns the whole file."
    turned = turned_statement(call)  # "read" is in the code span: only "always" can turn
    assert turned.prompt == "True or false: Call `read()` once: it never returns the whole file."
    assert "“Call `read()` once: it always returns the whole file.”" in turned.explanation
    assert turned.explanation.startswith("False. From `docs/reading.rst`, section 'Reading'")


@pytest.mark.parametrize("sentence, term", [
    ("Installing means you can import it no matter where you run from.", None),   # Flask's tutorial
    ("Editable mode means that you only re-install when the metadata changes.", None),
    ("When the user is a guest, the page shows a login form.", None),                  # a clause
    ("Serialization means turning an object into a string of bytes.", "Serialization"),
    ("A broker is a server process that stores messages for clients.", "broker"),
    # a ranking says where X stands, not what X is (structlog's "plugin definition", "only commonality")
    ("The plugin definition is the best place to do it.", None),
    ("The only commonality is the binding methods like bind().", None),
    ("A fixture is a test helper that pytest injects.", "fixture"),
    # "the" and a kind of thing in code points back at what was just named (Starlette's request.url)
    ("The property is a string-like object that exposes the components of the URL.", None),
    ("A property is an attribute computed by a method when it is read.", "property"),
])
def test_a_sentence_saying_what_follows_from_a_term_or_opening_a_clause_is_no_definition(sentence, term):
    from services.modules.engine.sources import definition_in, statements
    doc = SourceDoc(parse("docs/a.md", f"# A\n\n{sentence}\n"), title="A")
    found = definition_in(next(statements(doc)))
    assert (found.term if found else None) == term


def test_a_what_is_question_writes_a_common_noun_as_its_section_does_and_a_name_as_it_is():
    from services.modules.engine.questions import _what_is
    from services.modules.engine.sources import definition_in, statements
    text = ("# Serving\n\nMiddleware is a layer that wraps the application.\n\n"
            "Add the middleware before the routes.\n\nWaitress is a pure Python WSGI server.\n")
    found = [definition_in(s) for s in statements(SourceDoc(parse("docs/serving.md", text), title="Serving"))]
    assert [_what_is(d) for d in found if d] == ["What is middleware?", "What is Waitress?"]


def test_a_which_term_question_quotes_the_description_with_its_inline_code():
    # structlog's processors page: "an instance of a class with a `__call__()` method" was written
    # "\__call_\_()", which a renderer shows as "_call_" in italics.
    from services.modules.engine.questions import _which_term
    from services.modules.engine.sources import definitions
    text = ("# Processors\n\nA processor is an instance of a class with a `__call__()` method.\n\n"
            "A broker is a server process that stores messages.\n\nA topic is a named log of records.\n\n"
            "A consumer is a program that reads the log.\n")
    found = definitions([SourceDoc(parse("docs/processors.md", text), title="Processors")])
    processor = next(d for d in found if d.term == "processor")
    question = _which_term(processor, found)
    assert question.prompt == ("Which term does `docs/processors.md` describe as “An instance of a class "
                               "with a `__call__()` method”?")


def test_no_two_questions_offer_the_same_options():
    # An installation page: three sections, one command each — three "Which command would you run
    # to …?" over the same three commands, the second and third answered by elimination
    steps = "".join(f"## {title}\n\n{intro}\n\n```sh\n{command}\n```\n\n" for title, intro, command in [
        ("Create an environment", "Run this command to create a project folder:", "mkdir myproject"),
        ("Activate the environment", "Before you work on your project, use this command to activate the environment:",
         ". venv/bin/activate"),
        ("Start the server", "Within the activated environment, run this command to start the server:",
         "skyline serve --port 7000")])
    doc = SourceDoc(parse("docs/install.md", f"# Installation\n\n{steps}"), "Installation", "how-to")
    assessment = write_module(SPEC, [doc, architecture()]).assessment
    commands = [q for q in assessment if q.kind == "multiple_choice" and "mkdir myproject" in q.options]
    assert len(commands) == 1, [q.prompt for q in assessment]
    assert FlawCount().add(assessment).by_rule.get("options_of_an_earlier_question") is None


def test_a_section_about_funding_the_project_is_no_module_content():
    text = ("# Starlette\n\nStarlette is a lightweight ASGI framework for web services.\n\n## Sponsorship\n\n"
            "Help us keep Starlette maintained and sustainable by becoming a sponsor.\n\n**Current sponsors:**\n\n"
            "## Installation\n\nInstall it with pip.\n")
    source = SourceDoc(parse("docs/index.md", text), title="Starlette", doc_type="overview")
    written = write_module(SPEC.model_copy(update={"documents": ["docs/index.md"]}), [source])
    assert [section.source.heading for section in written.sections] == ["Starlette", "Installation"]
