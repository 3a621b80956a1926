"""No heading shows twice in a row in a module (issue 44, item 5): a section titled as the one
before it is titled with what it sits under, or is one section with it."""
from services.modules.engine.content import content_sections
from services.modules.engine.sources import SourceDoc
from shared.docs.parsing import parse


def titles(*documents: tuple[str, str]) -> list[str]:
    return [s.title for s in content_sections([SourceDoc(parse(path, text)) for path, text in documents])]


def test_headings_of_the_same_words_under_two_headings_are_told_apart():
    # "Server" and "Client" have no text of their own: their example requests come one after the other.
    text = ("# Subscriptions\n\nIntro.\n\n## Server\n\n### Example request\n\n"
            "Send it.\n\n## Client\n\n### Example request\n\nReceive it.\n")
    found = titles(("docs/subscriptions.md", text))
    assert "Example request" in found and "Example request (Client)" in found
    assert all(a.casefold() != b.casefold() for a, b in zip(found, found[1:]))


def test_a_heading_right_under_one_of_the_same_words_is_one_section():
    text = "# Directives\n\nEdit this page.\n\n## Directives\n\nDirectives change how a diagram looks.\n"
    found = content_sections([SourceDoc(parse("docs/directives.md", text))])
    assert [s.title for s in found] == ["Directives"]
    assert "Edit this page." in found[0].body_markdown and "change how a diagram looks" in found[0].body_markdown


def test_a_page_ending_on_the_title_of_the_next_page_names_its_page():
    first = "# Configuration\n\nSet things up.\n\n## Processors\n\nYou meet processors in the next chapter.\n"
    second = "# Processors\n\nA processor is a function that changes an event.\n"
    found = titles(("docs/configuration.md", first), ("docs/processors.md", second))
    assert found[-2:] == ["Processors (Configuration)", "Processors"]
