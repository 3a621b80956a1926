"""The sections of a repository's own navigation (the authors' name for what a run of pages teaches),
from stage 1's scan through the files it announces to stage 3's module titles."""
from __future__ import annotations

import json
from pathlib import Path

from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.prompts import document_table, pathways_prompt
from services.pathway.inputs import plan_inputs
from services.repo_clone.announce import discovered
from services.repo_clone.navigation import MOST_SECTION_CHARS, navigation
from services.repo_clone.scanner import scan
from shared.events.catalogue import (DocAnalysed, PathwaysRequested, RepoCloned, RepoCloneRequested,
                                     RepoFilesDiscovered)
from tests.support.offline_course import course_of_checkout
from tests.support.reading_order import BOOKS


def write(root: Path, files: dict[str, str]) -> set[str]:
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return set(files)


MKDOCS = """\
site_name: x
nav:
  - Home: index.md
  - User Guide:
      - Writing: guide/writing.md
      - "Styling: themes": guide/styling.md
      - Advanced:
          - guide/deep.md
      - guide/after.md
  - 'About':
    - about/license.md
  - release-notes.md
"""


def test_mkdocs_pages_carry_the_innermost_section_holding_them(tmp_path):
    docs = write(tmp_path, {"mkdocs.yml": MKDOCS, **{f"docs/{p}": "# P" for p in (
        "index.md", "guide/writing.md", "guide/styling.md", "guide/deep.md", "guide/after.md",
        "about/license.md", "release-notes.md")}})
    found = navigation(tmp_path, docs - {"mkdocs.yml"})
    assert found.order[0] == "docs/index.md" and found.order[-1] == "docs/release-notes.md"
    assert found.sections == {"docs/guide/writing.md": "User Guide", "docs/guide/styling.md": "User Guide",
                              "docs/guide/deep.md": "Advanced", "docs/guide/after.md": "User Guide",
                              "docs/about/license.md": "About"}


def test_summary_parts_are_sections_and_the_files_own_title_is_none(tmp_path):
    summary = ("# Summary\n\n[Introduction](README.md)\n\n# User Guide\n\n- [Install](install.md)\n"
               "  - [Details](details.md)\n\n## Working with C# ##\n\n- [Interop](interop.md)\n"
               "## [Appendix](appendix.md)\n")
    docs = write(tmp_path, {"SUMMARY.md": summary, "README.md": "r", "install.md": "i", "details.md": "d",
                            "interop.md": "c", "appendix.md": "a"})
    found = navigation(tmp_path, docs)
    assert found.order == ["README.md", "install.md", "details.md", "interop.md", "appendix.md"]
    assert found.sections == {"install.md": "User Guide", "details.md": "User Guide",
                              "interop.md": "Working with C#", "appendix.md": "Appendix"}


def test_a_summary_link_is_read_on_its_own_line(tmp_path):
    # The file is searched whole: a link broken across lines (any line break Python splits on)
    # is no link, blanks of any script around a target still are.
    summary = ("# Part\n[A](\na.md)\n[B](\u2028b.md)\n[C](\u3000c.md\t'title')\n"
               "# Next\r\n[D](d.md \"t\"\r\n)\n[E](<e.md>)")
    docs = write(tmp_path, {"SUMMARY.md": summary, **{f"{n}.md": n for n in "abcde"}})
    found = navigation(tmp_path, docs)
    assert found.order == ["c.md", "e.md"] and found.sections == {"c.md": "Part", "e.md": "Next"}


INDEX_RST = """\
Project
=======

.. toctree::
   :caption: Contents:

   intro

Getting Started
---------------

.. toctree::

   install
   tutorial/index

.. toctree::
   :caption: API Reference

   api
"""
TUTORIAL_RST = """\
Tutorial
========

.. toctree::
   :caption: Contents:

   layout
   views
"""
GUIDE_MD = """\
# Guide

## How-to guides

```{toctree}
:maxdepth: 1

recipes
```
"""


def test_a_toctree_is_the_section_of_its_caption_or_heading_but_never_the_projects_title(tmp_path):
    docs = write(tmp_path, {"docs/conf.py": "", "docs/index.rst": INDEX_RST, "docs/intro.rst": "I",
                            "docs/install.rst": "I", "docs/tutorial/index.rst": TUTORIAL_RST,
                            "docs/tutorial/layout.rst": "L", "docs/tutorial/views.md": GUIDE_MD,
                            "docs/tutorial/recipes.md": "R", "docs/api.rst": "A"})
    found = navigation(tmp_path, docs - {"docs/conf.py"})
    assert found.order == ["docs/index.rst", "docs/intro.rst", "docs/install.rst", "docs/tutorial/index.rst",
                           "docs/tutorial/layout.rst", "docs/tutorial/views.md", "docs/tutorial/recipes.md",
                           "docs/api.rst"]
    # "Contents:" names a table of contents, and "Project" (the root's title) the whole book: no
    # section; a chapter's own title is its pages' section; a caption wins over the heading above.
    assert found.sections == {"docs/install.rst": "Getting Started", "docs/tutorial/index.rst": "Getting Started",
                              "docs/tutorial/layout.rst": "Tutorial", "docs/tutorial/views.md": "Tutorial",
                              "docs/tutorial/recipes.md": "How-to guides", "docs/api.rst": "API Reference"}


def test_a_section_title_is_short_plain_text(tmp_path):
    docs = write(tmp_path, {"mkdocs.yml": f"nav:\n- '**The `{'very ' * 100}long` part**':\n  - a.md\n",
                            "docs/a.md": "# A"})
    section = navigation(tmp_path, docs - {"mkdocs.yml"}).sections["docs/a.md"]
    assert section.startswith("The very very") and len(section) == MOST_SECTION_CHARS
    assert not set("*`") & set(section)


def test_the_announced_files_carry_their_section_and_unlisted_ones_none(tmp_path):
    write(tmp_path, {"mkdocs.yml": "nav:\n- index.md\n- Guide:\n  - a.md\n", "docs/index.md": "# I",
                     "docs/a.md": "# A", "docs/b.md": "# B"})
    scanned = scan(tmp_path)
    sections = {f["path"]: f["navigation_section"] for f in discovered(scanned.files, scanned.navigation)}
    assert sections["docs/a.md"] == "Guide"
    assert sections["docs/index.md"] is None and sections["docs/b.md"] is None


def document(path: str, section: str | None, index: int, doc_type: str = "guide", minutes: int = 10) -> PathwayDocument:
    return PathwayDocument(path=path, title=path, doc_type=doc_type, complexity_level="beginner",
                           key_concepts=["widgets"], reading_minutes=minutes, navigation_index=index,
                           navigation_section=section)


def test_modules_follow_the_navigations_sections_and_are_titled_by_them():
    documents = [document("index.md", None, 0, "overview", 5), document("start.md", "Tutorials", 1, "tutorial"),
                 document("next.md", "Tutorials", 2, "tutorial"), document("cli.md", "Command line", 3),
                 document("flags.md", "Command line", 4), document("api.md", "API Reference", 5, "api"),
                 document("api2.md", "API Reference", 6, "api")]
    pathway = plan_pathways(documents, 1, target_minutes=45).pathways[0]
    assert [module.documents for module in pathway.modules] == [
        ["index.md", "start.md", "next.md"], ["cli.md", "flags.md", "api.md", "api2.md"]]
    assert pathway.modules[0].title.startswith("Getting started")  # the overview opens the course
    # no section holds more than half of the second module's documents: its kind of reading names it
    assert not pathway.modules[1].title.startswith(("Command line", "API Reference", "Getting started"))
    shorter = plan_pathways(documents[1:], 1, target_minutes=30).pathways[0]
    assert [module.title.split(":")[0] for module in shorter.modules] == [
        "Tutorials", "Command line", "API Reference"]


def test_a_section_holding_nearly_every_document_names_no_module():
    # Starlette files 21 of its 25 pages under "Features": true of every module, telling none apart
    documents = [document("index.md", None, 0, "overview", 5),
                 *[document(f"f{n}.md", "Features", n, "guide", 20) for n in range(1, 8)]]
    titles = [module.title for module in plan_pathways(documents, 1, target_minutes=45).pathways[0].modules]
    assert len(titles) > 2 and not any(title.startswith("Features") for title in titles)


def test_only_the_opening_module_is_getting_started():
    # a chapter's own overview later in the pathway (Werkzeug's middleware index) opens no course
    documents = [document("index.md", None, 0, "overview", 30), document("a.md", None, 1, "guide", 30),
                 document("middleware/index.md", None, 2, "overview", 30), document("middleware/b.md", None, 3, "guide", 30)]
    titles = [module.title for module in plan_pathways(documents, 1, target_minutes=45).pathways[0].modules]
    assert titles[0].startswith("Getting started")
    assert not any(title.startswith("Getting started") for title in titles[1:])


def test_the_course_of_a_real_book_is_titled_by_its_authors_sections():
    course = course_of_checkout(BOOKS / "werkzeug")
    headings = [spec.title.split(":")[0] for spec in course.specs]
    assert headings[0] == "Getting started"  # the overview opens the course
    assert "Reference" in headings  # werkzeug/docs/index.rst's heading over a toctree
    assert "Getting started" not in headings[1:]  # the middleware and deployment indexes are no start


def test_stage3_reads_the_section_of_each_listed_document_from_the_scans_events():
    repo, course = "https://93.184.216.34/owner/repo.git", "c1"
    files = [{"path": "docs/index.md", "size": 1, "is_documentation": True, "navigation_index": 0},
             {"path": "docs/a.md", "size": 1, "is_documentation": True, "navigation_index": 1,
              "navigation_section": "Tutorials"},
             {"path": "docs/b.md", "size": 1, "is_documentation": True, "inferred_index": 0}]
    analysed = [DocAnalysed(course_id=course, actor="doc_analyser", payload={
        "task_id": "analysis1", "path": f["path"], "title": f["path"], "doc_type": "guide",
        "complexity_level": "beginner", "word_count": 100, "content_hash": f"h{n}", "position": n})
        for n, f in enumerate(files)]
    request = PathwaysRequested(course_id=course, actor="alice", payload={"task_id": "plan1",
                                                                           "analysis_task_id": "analysis1"})
    events = [RepoCloneRequested(course_id=course, actor="alice", payload={"task_id": "scan1", "repo_url": repo}),
              RepoFilesDiscovered(course_id=course, actor="repo_clone", payload={
                  "task_id": "scan1", "chunk_index": 0, "chunk_count": 1, "files": files}),
              RepoCloned(course_id=course, actor="repo_clone", payload={
                  "task_id": "scan1", "repo_url": repo, "repo_name": "repo", "commit_sha": "0" * 40,
                  "file_count": 3, "documentation_count": 3, "chunk_count": 1, "snapshot_ref": "s"}),
              request]
    sections = {d.path: d.navigation_section for d in plan_inputs(events, request, analysed).documents}
    assert sections == {"docs/index.md": None, "docs/a.md": "Tutorials", "docs/b.md": None}


def test_a_model_planning_pathways_is_shown_each_documents_section():
    documents = [document("index.md", None, 0, "overview"), document("start.md", "Tutorials", 1, "tutorial")]
    rows = {row["path"]: row for row in json.loads(document_table(documents))}
    assert rows["start.md"]["section"] == "Tutorials" and "section" not in rows["index.md"]
    assert '"section"' in pathways_prompt(documents, 2, "", None, 45, "repo").system
