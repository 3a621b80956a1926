"""Sentences that point at something beside them on their page (shared/docs/pointers.py) are not
quoted alone: a summary, a gist, a key point or a question never shows "…looks like this:" without
what it points at, while the module's content keeps the sentence with its table."""
from __future__ import annotations

import pytest

from services.doc_analyser.engine.offline import analyse_document
from services.modules.engine.sources import SourceDoc, statements
from shared.docs.parsing import parse
from shared.docs.pointers import points_beside
from tests.support.offline_course import offline_course


@pytest.mark.parametrize("sentence", [
    "The table in the database looks more or less like this: Let's now see how to read data.",
    "The following options are supported by the run command.",
    "Install the package as follows:",
    "As shown below, the application starts a development server.",
    "The example above creates a session for every request.",
    "Here are the steps to deploy the application.",
    "Use the above configuration in production.",
    "Run the command below to create the database.",
    "A session keeps the state of a conversation, like so.",
    "Every request goes through these middlewares:",
])
def test_a_sentence_pointing_beside_it_is_recognised(sentence):
    assert points_beside(sentence)


@pytest.mark.parametrize("sentence", [
    "Values below zero are refused by the validator.",
    "Temperatures above 100 degrees make water boil.",
    "A broker stores messages until a consumer acknowledges them.",
    "The session object keeps the state between requests.",
])
def test_a_sentence_that_stands_alone_is_not(sentence):
    assert not points_beside(sentence)


TEAMS = """# Teams

A team is a group of heroes that work together on missions across the city.
The team table in the database looks more or less like this:

| id | name | headquarters |
| -- | ---- | ------------ |
| 1  | Preventers | Sharp Tower |
| 2  | Z-Force | Sister Margaret's Bar |

The example below creates a team and stores it in the team table of the database.

```python
team = Team(name="Preventers", headquarters="Sharp Tower")
session.add(team)
```

Each team has a headquarters where its heroes meet before every mission.
A hero belongs to at most one team at a time, and a team has many heroes.
The following columns are required when a team is created by the application.

## Reading teams

A query reads the rows of the team table and returns them as team objects.
Filtering a query keeps only the rows whose columns match a condition.
"""


def test_no_module_quotes_a_pointing_sentence_alone_but_its_content_keeps_it_with_its_table():
    course = offline_course({"docs/teams.md": TEAMS})
    quoted_alone = []
    for content in course.contents:
        quoted_alone += [content.introduction, content.conclusion, content.summary, *content.key_points]
        for q in content.assessment:
            quoted_alone += [q.prompt, q.explanation, *q.options]
    assert course.contents and any(content.assessment for content in course.contents)
    for text in quoted_alone:
        assert "like this" not in text and "The following columns" not in text and "example below" not in text, text
    bodies = "\n".join(s.body_markdown for content in course.contents for s in content.sections)
    assert "looks more or less like this:" in bodies and "Sharp Tower" in bodies


def test_stage_2_summary_and_stage_4_statements_leave_pointing_sentences_out():
    parsed = parse("docs/teams.md", TEAMS)
    analysis = analyse_document(parsed, "beginner")
    assert analysis.summary and "example below" not in analysis.summary and "like this" not in analysis.summary
    found = [s.sentence for s in statements(SourceDoc(parsed, "Teams", "tutorial", (), (), ""))]
    assert found and not [s for s in found if points_beside(s)]
    assert "Each team has a headquarters where its heroes meet before every mission." in found


def test_a_command_job_or_an_objective_that_points_beside_it_is_not_taken():
    from services.doc_analyser.engine.objective_phrasing import heading_objective, sentence_objective
    from services.modules.engine.commands import job_in
    assert job_in("To generate a GPG key, run:") == "generate a GPG key"
    assert job_in("Run this command to optimize your PDF as follows:") == ""
    assert sentence_objective("Install the CLI with pip:") == "Install the CLI with pip"
    assert sentence_objective("Add the following to your .testcaferc.json file:") is None
    assert heading_objective("Add the following to your config", "how-to") is None
