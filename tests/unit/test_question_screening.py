"""The offline engine never emits a question a learner cannot answer (issue 21): one whose options
repeat, or whose prompt asks about nothing ("Which command does docs/a.md run for “Configure them”?").
The checker's other rules are measured, not screened, so the flaw rate stays a true figure."""
from __future__ import annotations

from services.modules.engine.commands import command_facts
from services.modules.engine.question_flaws import UNASKABLE, askable, flaws
from services.modules.engine.questions import askable_only, build_assessment, command_question
from services.modules.engine.sources import SourceDoc
from services.modules.models import Citation, Question
from shared.docs.parsing import parse
from tests.support.committed_docs import committed_docs
from tests.support.offline_course import by_package, offline_course

SOURCE = Citation(path="docs/a.md", heading="Brokers", anchor="brokers")
QUOTE = "From docs/a.md, section 'Brokers': “A broker is a server process that stores messages.”"

# A section about "them": its command makes a question about nothing, among three sound ones.
SKYLINE = """# Skyline

Skyline is a message broker for small teams.

## Configure them

Topics are configured with the command line.

```bash
skyline topics configure --retention 7d
```

## Starting the broker

The broker starts with one command.

```bash
skyline serve --port 7000
```

## Listing topics

```bash
skyline topics list --all
```
"""


def choice(prompt: str, options: list[str], answer: str, heading: str = "Brokers") -> Question:
    return Question(kind="multiple_choice", prompt=prompt, options=options, answer=answer,
                    explanation=QUOTE, source=Citation(path="docs/a.md", heading=heading))


def test_a_question_with_repeated_options_or_about_nothing_is_not_askable_and_others_are():
    repeated = choice("Which term is a server process?", ["broker", "Broker", "topic", "log"], "broker")
    about_nothing = choice("Which command is used for 'Features'?",
                           ["pip install httpx", "pip install h2", "httpx --help"], "pip install httpx", "Features")
    weak_but_answerable = choice("Which term is a server process?", ["broker", "topic"], "broker")
    sound = choice("Which term does docs/a.md describe as “a server process that stores messages”?",
                   ["broker", "topic", "consumer"], "broker")
    assert "identical_options" in flaws(repeated) and "heading_not_concept" in flaws(about_nothing)
    assert flaws(weak_but_answerable) == ["too_few_options"]
    assert askable_only([repeated, sound, about_nothing, weak_but_answerable]) == [sound, weak_but_answerable]
    assert not askable(repeated) and not askable(about_nothing) and askable(sound)


def test_the_engine_drops_the_question_it_built_about_a_section_named_for_them():
    doc = SourceDoc(parse("docs/a.md", SKYLINE), "Skyline", "guide", ("broker",), (), "")
    facts = command_facts([doc])
    built = {fact.section_title: command_question(fact, facts) for fact in facts}
    assert flaws(built["Configure them"]) == ["heading_not_concept"]  # what the writer built …
    emitted = build_assessment([doc])
    prompts = [question.prompt for question in emitted]
    assert built["Configure them"].prompt not in prompts  # … is not what the learner gets
    assert built["Starting the broker"].prompt in prompts
    # the same three commands again would be answered by elimination: asked once
    assert built["Listing topics"].prompt not in prompts
    assert all(askable(question) for question in emitted)


def test_no_unaskable_question_is_emitted_over_real_documentation():
    packages = by_package(committed_docs())
    checked = 0
    for name in sorted(packages):
        for content in offline_course(packages[name]).contents:
            for question in content.assessment:
                checked += 1
                assert not UNASKABLE.intersection(flaws(question)), (name, question.prompt, question.options)
    assert checked >= 100
