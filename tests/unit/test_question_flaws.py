"""The rule-based checker of assessment questions (services/modules/engine/question_flaws.py), on
sound and flawed questions; and the offline engine's questions over real documentation judged by it."""
from __future__ import annotations

import pytest

from services.modules.engine.question_flaws import FlawCount, flaws, kind_of
from services.modules.models import Citation, Question
from tests.support.committed_docs import committed_docs
from tests.support.offline_course import by_package, offline_course

SOURCE = Citation(path="docs/a.md", heading="Brokers", anchor="brokers")
QUOTE = "From docs/a.md, section 'Brokers': “A broker is a server process that stores messages.”"


def choice(prompt: str, options: list[str], answer: str, source: Citation = SOURCE) -> Question:
    return Question(kind="multiple_choice", prompt=prompt, options=options, answer=answer,
                    explanation=QUOTE, source=source)


def false(statement: str, explanation: str = QUOTE) -> Question:
    return Question(kind="true_false", prompt=f"True or false: {statement}", options=["True", "False"],
                    answer="False", explanation=explanation, source=SOURCE)


GOOD = [
    choice("Which term does docs/a.md describe as “a server process that stores messages”?",
           ["broker", "topic", "consumer", "partition"], "broker"),
    choice("Which command would you run to start the broker?",
           ["skyline serve --port 7000", "pip install skyline", "skyline topics list"], "skyline serve --port 7000",
           Citation(path="docs/a.md", heading="Starting the broker", anchor="starting-the-broker")),
    choice("Which file format does the broker write its log in?", ["segments", "pages", "blocks"], "segments"),
    Question(kind="short_answer", prompt="Fill in the blank: “Brokers delete log _____ older than seven days.”",
             answer="segments", explanation=QUOTE, source=SOURCE),
    Question(kind="short_answer", prompt="Fill in the blank: “Every query is written in _____.”",
             answer="SQL", explanation=QUOTE, source=SOURCE),
    false("A broker is a client process that stores messages."),
    Question(kind="short_answer", prompt="What is a broker?", answer="A broker is a server process.",
             explanation=QUOTE, source=SOURCE),
]


@pytest.mark.parametrize("question", GOOD, ids=lambda q: q.prompt[:40])
def test_a_sound_question_breaks_no_rule(question):
    assert flaws(question) == []


@pytest.mark.parametrize("question, rule", [
    (choice("Which term is a server process?", ["broker", "Broker", "topic"], "broker"), "identical_options"),
    (choice("Which command installs it?", ["client = OpenAI(", "client = OpenAI()", "pip x"], "pip x"),
     "identical_options"),
    (choice("Which term is a server process?", ["broker", "topic", "All of the above"], "broker"),
     "all_or_none_of_the_above"),
    (choice("Which term is a server process?", ["broker", "topic"], "broker"), "too_few_options"),
    (choice("What is a broker?", ["A server process that stores messages and serves them to many clients",
                                  "A log", "A client"], "A server process that stores messages and serves them "
                                                        "to many clients"), "answer_longest_by_far"),
    (choice("Which command installs skyline?", ["pip install skyline", "Skyline Cloud", "The Skyline Server"],
            "pip install skyline"),
     "option_of_another_kind"),
    (false("Async is an optional file name which can be set to None."), "trivially_false"),
    (false("A broker is a server process.", explanation="False. No source given."), "trivially_false"),
    (choice("Which command is used for 'Features'?", ["pip install httpx", "pip install h2", "httpx --help"],
            "pip install httpx", Citation(path="README.md", heading="Features", anchor="features")),
     "heading_not_concept"),
    (choice("Which command is used for 'Run it'?", ["uv run app", "uv add app", "uv sync app"], "uv run app",
            Citation(path="README.md", heading="Run it", anchor="run-it")), "heading_not_concept"),
    (choice("Which line of code belongs to the example docs/faqs.md gives for “Answer”?",
            ["def run(): ...", "class Group:", "import click"], "def run(): ...",
            Citation(path="docs/faqs.md", heading="Answer", anchor="answer")), "heading_not_concept"),
    (choice("Which command does docs/a.md run for “Starting the broker”?",
            ["skyline serve --port 7000", "pip install skyline", "skyline topics list"], "skyline serve --port 7000",
            Citation(path="docs/a.md", heading="Starting the broker", anchor="starting-the-broker")), "asks_where"),
    (choice("Which line of code belongs to the example docs/faqs.md gives for “Retries”?",
            ["def run(): ...", "class Group:", "import click"], "def run(): ...",
            Citation(path="docs/faqs.md", heading="Retries", anchor="retries")), "asks_where"),
    (choice("Which file contains the broker's settings?", ["skyline.toml", "setup.cfg", "env.toml"],
            "skyline.toml"), "asks_where"),
    (Question(kind="short_answer", prompt="Fill in the blank: “_____ joined the team to write the first hero.”",
              answer="Deadpond", explanation=QUOTE, source=SOURCE), "blank_in_a_name"),
    (Question(kind="short_answer", prompt="Fill in the blank: “The heroes formed the _____.”",
              answer="Preventers Team", explanation=QUOTE, source=SOURCE), "blank_in_a_name"),
    (choice("Which part stores messages on disk for consumers?",
            ["the part that stores messages", "a topic", "a consumer"], "the part that stores messages"),
     "answer_in_prompt"),
])
def test_a_flawed_question_is_caught_by_its_rule(question, rule):
    assert rule in flaws(question)


def test_options_are_told_apart_by_kind():
    assert [kind_of(o) for o in ["pip install x", "uvicorn main:app", "client = OpenAI()", "broker",
                                 "A server process that stores messages"]] == \
        ["code", "code", "code", "term", "statement"]


def test_a_count_sums_questions_and_rules_for_the_event():
    count = FlawCount().add([*GOOD, choice("Which term?", ["a", "a"], "a")])
    assert count.as_payload() == {"checked": len(GOOD) + 1, "flawed": 1,
                                  "by_rule": {"identical_options": 1, "too_few_options": 1}}
    assert count.rate == pytest.approx(1 / (len(GOOD) + 1))


def test_the_offline_engine_writes_fewer_than_one_flawed_question_in_ten_over_real_documentation():
    packages = by_package(committed_docs())
    assert len(packages) >= 4, sorted(packages)
    count = FlawCount()
    for name in sorted(packages):
        for content in offline_course(packages[name]).contents:
            count.add(content.assessment)
    assert count.checked >= 30
    assert count.rate < 0.10, count.as_payload()


def test_a_question_offering_an_earlier_questions_options_is_counted_within_one_assessment():
    commands = ["skyline serve --port 7000", "pip install skyline", "skyline topics list"]
    again = choice("Which command does docs/a.md give to install the package?", list(reversed(commands)),
                   "pip install skyline")
    count = FlawCount().add([*GOOD, again])
    assert count.by_rule == {"options_of_an_earlier_question": 1} and count.flawed == 1
    assert FlawCount().add(GOOD).add([again]).flawed == 0  # another module's assessment may
