"""Sphinx cross-references (issue 19): a MyST `(label)=` or rST `.. _label:` target is a label its
document declares, never prose; `{ref}`/`:ref:` names such a label; the corpus resolves the label
to the document declaring it, so stage 2 sees a link between the two documents (Click's
parameters.md links to six other pages only this way). Inputs written as Click and Flask write them."""
from __future__ import annotations

from services.doc_analyser.engine.corpus import Corpus
from shared.docs.parsing import parse

PARAMETERS = """(parameters)=

# Parameters

Click supports only two principle types of parameters: options and arguments.

(parameter-names)=

## Parameter Names

Options can be specified multiple times using {ref}`multiple-options`. For the types a
parameter may take, see {ref}`the parameter types <Parameter-Types>`.
"""
OPTIONS = """(options)=

# Options

Adding options to commands can be accomplished with the option decorator.

(multiple-options)=

## Multiple Options

Like {ref}`positional arguments <arguments>`, an option may be given more than once.
"""
PARAMETER_TYPES = "(parameter-types)=\n\n# Parameter Types\n\nA {ref}`parameter <parameters>` has a type.\n"


def test_a_myst_target_is_a_label_not_prose():
    doc = parse("docs/parameters.md", PARAMETERS)
    assert doc.labels == ("parameters", "parameter-names")
    assert doc.title == "Parameters"
    assert "(parameters)=" not in doc.text and "parameter-names" not in doc.text
    assert all("(parameters)=" not in section.markdown for section in doc.sections)


def test_myst_references_name_labels_in_lower_case_and_keep_their_text():
    doc = parse("docs/parameters.md", PARAMETERS)
    assert doc.references == ("multiple-options", "parameter-types")
    assert "see the parameter types." in doc.text
    # Without a title, the label reads as words, not as an identifier: in the text and the Markdown.
    assert "using Multiple options." in doc.text
    assert any("using Multiple options." in section.markdown for section in doc.sections)
    assert doc.links == ()  # a label is not a path: nothing for the path resolver


def test_rest_internal_targets_and_ref_roles():
    text = (".. _install-create-env:\n\nCreate an environment\n---------------------\n\n"
            "Create a project folder, see :ref:`install-activate-env` and :ref:`the server <Public-Server>`.\n\n"
            ".. _python: https://www.python.org/\n")
    doc = parse("docs/installation.rst", text)
    assert doc.labels == ("install-create-env",)  # `.. _python: url` is a link target, not a label
    assert doc.references == ("install-activate-env", "public-server")
    assert "install-create-env" not in doc.text
    assert "see Install activate env and the server." in doc.text


def test_a_target_inside_eval_rst_is_a_label_too():
    doc = parse("docs/api.md", "# API\n\n```{eval-rst}\n.. _testing:\n\nTesting\n-------\n\nHelpers.\n```\n")
    assert doc.labels == ("testing",)


def test_the_corpus_links_a_reference_to_the_document_declaring_its_label():
    corpus = Corpus.build([parse("docs/parameters.md", PARAMETERS), parse("docs/options.md", OPTIONS),
                           parse("docs/parameter-types.md", PARAMETER_TYPES)])
    assert corpus.document("docs/parameters.md").links == ("docs/options.md", "docs/parameter-types.md")
    assert corpus.document("docs/parameter-types.md").links == ("docs/parameters.md",)
    # `arguments` is declared nowhere in the corpus: no link, and no error.
    assert corpus.document("docs/options.md").links == ()


def test_a_reference_to_a_label_of_its_own_document_is_no_link():
    text = "(intro)=\n\n# Intro\n\nBack to {ref}`intro`.\n"
    corpus = Corpus.build([parse("docs/intro.md", text), parse("docs/other.md", "# Other\n\nText.\n")])
    assert corpus.document("docs/intro.md").links == ()


def test_a_label_declared_twice_resolves_to_the_first_path_whatever_the_input_order():
    first, second = parse("docs/a.md", "(x)=\n\n# A\n"), parse("docs/b.md", "(x)=\n\n# B\n")
    user = parse("docs/c.md", "# C\n\nSee {ref}`x`.\n")
    for docs in ([first, second, user], [user, second, first]):
        assert Corpus.build(docs).document("docs/c.md").links == ("docs/a.md",)
