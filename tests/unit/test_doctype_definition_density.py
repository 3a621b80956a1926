"""Definitions as evidence of a concept page count by density (issue 19): Click's complex.md, a
long reference page that defines three of its terms on the way, read as a concept page and went
before every guide. A short page that mostly explains stays a concept page, and so does a long
explanation with no evidence of another kind (Flask's reqcontext.rst)."""
from __future__ import annotations

from tests.support.doc_types import doc_type


def test_a_long_reference_page_with_a_few_definitions_is_not_a_concept_page():
    steps = "\n\n".join(f"The loader reads section {n} of the file and stores its values in the context "
                        f"object for the command number {n}." for n in range(40))
    text = ("# Complex Applications\n\nThe context is an object that holds the state. A group is a command "
            "that has subcommands. The root context means the first one created.\n\n" + steps +
            "\n\n```python\ndef cli(ctx):\n    pass\n```\n\n```python\ndef load(ctx, path):\n    pass\n```\n")
    assert doc_type("docs/complex.md", text) != "concept"


def test_a_short_page_that_mostly_explains_is_a_concept_page():
    text = ("# Windows Console Notes\n\nThe console is a program that shows text. A code page is a table "
            "that maps bytes to characters. Unicode means one code for every character. The shell is "
            "responsible for the input. A pipe refers to output sent to another program.\n")
    assert doc_type("docs/wincmd.md", text) == "concept"


def test_a_long_explanation_with_sparse_definitions_and_nothing_else_is_still_a_concept_page():
    story = "\n\n".join(f"When the application handles request {n}, the framework pushes its context and "
                         f"pops it again after the response went out." for n in range(40))
    text = ("# The Request Context\n\nThe request context is an object that keeps track of the request. "
            "A context local means a value bound to the current worker.\n\n" + story + "\n")
    assert doc_type("docs/reqcontext.md", text) == "concept"


def test_a_few_question_headings_among_others_do_not_make_a_faq():
    # Click's exceptions.md: a reference page asking three questions among five headings.
    code = "\n\n```python\ndef main(args: list) -> int: ...\n```\n\n```python\ndef exit(code: int) -> None: ...\n```\n"
    reference = ("# Exception Handling and Exit Codes\n\nClick raises exceptions for bad input." + code +
                 "\n## Where are Errors Handled?\n\nIn the main function.\n\n## What if I Don't Want That?\n\n"
                 "Pass the flag.\n\n## Which Exceptions Exist?\n\nSeveral.\n\n## Help Pages and Exit Codes\n\nSee below.\n")
    assert doc_type("docs/exceptions.md", reference) == "reference"
    faq = ("# Questions\n\n## Why does the build fail?\n\nThe cache is stale.\n\n## How do I reset it?\n\n"
           "Remove the folder.\n\n## Where are logs kept?\n\nIn the home folder.\n")
    assert doc_type("docs/help.md", faq) == "faq"


def test_a_page_of_references_generated_from_code_is_api_reference():
    # Werkzeug's middleware pages hold nothing but `.. automodule::`: API, not project notes.
    assert doc_type("docs/middleware/lint.rst", ".. automodule:: werkzeug.middleware.lint\n") == "api"
    assert doc_type("docs/urls.rst", "URL Helpers\n===========\n\n.. automodule:: werkzeug.urls\n   :members:\n") == "api"
    assert doc_type("docs/applications.md", "Starlette includes an application class.\n\n"
                                            "::: starlette.applications.Starlette\n") == "api"
