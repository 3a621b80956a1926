"""An upgrade or migration guide is a how-to (issue 19): it walks a reader through a task, moving a
project to a new version, and a book without its navigation reads it among the how-tos, as Click's
authors list upgrade-guides.md, not among its reference pages. "Guide" in its name does not make it
a general guide."""
from __future__ import annotations

import pytest

from services.doc_analyser.engine.doctype import classify
from services.doc_analyser.engine.profile import build_profile
from shared.docs.parsing import parse

UPGRADE = ("# Upgrade Guides\n\nVersion 9.0 removes what 8.x deprecated. The notes below give a brief "
           "explanation of each removal and what to write instead.\n\n## Version 9.0\n\nThe parser no "
           "longer accepts the old option names; the new names have worked since 8.0.\n")


def doc_type(path: str, text: str) -> str:
    doc = parse(path, text)
    return classify(doc, [sentence.text for sentence in build_profile(doc).sentences])


@pytest.mark.parametrize("path", ["docs/upgrade-guides.md", "docs/upgrading.md", "docs/migration.md",
                                  "docs/migrating-from-v1.md"])
def test_an_upgrade_or_migration_guide_is_a_how_to(path):
    assert doc_type(path, UPGRADE) == "how-to"


def test_a_guide_about_something_else_stays_a_guide():
    assert doc_type("docs/user-guide.md", UPGRADE.replace("Upgrade Guides", "User Guide")) == "guide"
