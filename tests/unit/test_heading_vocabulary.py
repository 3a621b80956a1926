"""One vocabulary of headings that name no subject (shared/docs/headings.py), read the same way by
stage 1's navigation sections, stage 2's objectives, stage 4's module content and its question
checker: each group does what its part needs, from the one list."""
from __future__ import annotations

import pytest

from services.doc_analyser.engine.objective_phrasing import heading_objective, names_a_subject
from services.modules.engine.engine import write_module
from services.modules.engine.question_flaws import flaws
from services.modules.engine.sources import SourceDoc
from services.modules.models import Citation, ModuleSpec, Question
from services.repo_clone.navigation import navigation
from shared.docs.headings import (FIRST_STEPS, LICENCE, NAVIGATION_TITLES, PROJECT_NOTES, TABLE_OF_CONTENTS,
                                  about_funding)
from shared.docs.parsing import parse

GROUPS = {"TABLE_OF_CONTENTS": TABLE_OF_CONTENTS, "NAVIGATION_TITLES": NAVIGATION_TITLES, "LICENCE": LICENCE,
          "PROJECT_NOTES": PROJECT_NOTES, "FIRST_STEPS": FIRST_STEPS}


@pytest.mark.parametrize("name", GROUPS)
def test_entries_are_lower_case_single_spaced_headings(name):
    assert all(entry == " ".join(entry.casefold().split()) and entry for entry in GROUPS[name])


@pytest.mark.parametrize("heading", sorted(TABLE_OF_CONTENTS | PROJECT_NOTES | FIRST_STEPS))
def test_no_heading_of_the_vocabulary_becomes_a_learning_objective(heading):
    title = heading.capitalize()
    assert heading_objective(title, "guide") is None and not names_a_subject(title)


@pytest.mark.parametrize("heading", ["Changes", "Breaking changes", "What’s new", "Setup"])
def test_release_and_setup_headings_no_longer_give_garbled_objectives(heading):
    assert heading_objective(heading, "guide") is None  # were "Understand changes", "Break changes", …


@pytest.mark.parametrize("heading", sorted(PROJECT_NOTES | FIRST_STEPS))
def test_a_question_about_a_heading_of_the_vocabulary_is_flawed(heading):
    title = heading.capitalize()
    question = Question(kind="multiple_choice", prompt=f"Which command is used for “{title}”?",
                        options=["pip install skyline", "skyline serve", "skyline topics list"],
                        answer="pip install skyline", explanation="From README.md.",
                        source=Citation(path="README.md", heading=title, anchor=heading.replace(" ", "-")))
    assert "heading_not_concept" in flaws(question)


def test_table_of_contents_licence_and_funding_sections_are_no_module_content():
    text = ("# Skyline\n\nSkyline is a message broker for small teams.\n\n## Table of Contents\n\n- Brokers\n\n"
            "## Brokers\n\nA broker stores messages on disk.\n\n## Licence\n\nMIT.\n\n## Our sponsors\n\nAcme.\n")
    source = SourceDoc(parse("README.md", text), title="Skyline", doc_type="overview")
    spec = ModuleSpec(module_id="m01", position=1, title="Skyline", description="", learning_objectives=[],
                      documents=["README.md"], estimated_minutes=5, complexity_level="beginner")
    written = write_module(spec, [source])
    assert [section.source.heading for section in written.sections] == ["Skyline", "Brokers"]
    assert about_funding("Our sponsors") and not about_funding("Brokers")


def test_a_navigation_title_names_no_section(tmp_path):
    (tmp_path / "SUMMARY.md").write_text("# Summary\n\n- [Intro](intro.md)\n\n# Chapters\n\n- [Brokers](brokers.md)\n\n"
                                         "# Operating\n\n- [Backups](backups.md)\n", encoding="utf-8")
    docs = {"SUMMARY.md", "intro.md", "brokers.md", "backups.md"}
    for name in docs - {"SUMMARY.md"}:
        (tmp_path / name).write_text(f"# {name}", encoding="utf-8")
    found = navigation(tmp_path, docs)
    assert found.order == ["intro.md", "brokers.md", "backups.md"]
    assert found.sections == {"backups.md": "Operating"}
