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

# Three shell examples; only one section says what its command does.
SKYLINE = """# Skyline

Skyline is a message broker for small teams.

## Configure them

Topics are configured with the command line.

```bash
skyline topics configure --retention 7d
```

## Starting the broker

Run this command to start the broker.

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


def test_a_command_is_asked_about_by_the_job_its_section_states_and_never_by_where_it_is():
    doc = SourceDoc(parse("docs/a.md", SKYLINE), "Skyline", "guide", ("broker",), (), "")
    facts = command_facts([doc])
    built = {fact.section_title: command_question(fact, facts) for fact in facts}
    # "Which command does docs/a.md run for “Configure them”?" asked where a command is, not what it does
    assert built["Configure them"] is None and built["Listing topics"] is None
    serve = built["Starting the broker"]
    assert serve is not None and serve.prompt == "Which command would you run to start the broker?"
    assert serve.answer == "skyline serve --port 7000"
    assert "“Run this command to start the broker.”" in serve.explanation
    emitted = build_assessment([doc])
    assert serve.prompt in [question.prompt for question in emitted]
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
