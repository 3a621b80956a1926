"""Objectives in plain English (issue 44): a verb and its object, read by a part-of-speech tagger
and a lexicon (services/doc_analyser/engine/grammar.py) rather than by word lists."""
import pytest

from services.doc_analyser.engine.grammar import is_verb_and_object, verb_of_gerund, words_of
from services.doc_analyser.engine.objective_phrasing import heading_objective, sentence_objective


@pytest.mark.parametrize("objective", [
    "Configure TLS", "Work with exit codes", "Explain why a client is used", "Install the CLI with pip",
    "Create a topic named orders", "Deploy to production", "Use Client.publish", "Filter rows with `where()`",
    "Set up your project", "Explain why to use Pinia", "Understand consumer groups",
])
def test_an_objective_of_a_verb_and_its_object_parses(objective):
    assert is_verb_and_object(objective)


@pytest.mark.parametrize("objective", [
    "Understand break a connection",  # an order where the object should be (issue 44's course)
    "Use designed for FastAPI",       # a participle, no object
    "Understand just modern Python",  # an adverb opens the object
    "Private attributes and aliases",  # no verb
    "Work with the",                  # ends mid-phrase
    "Migrate",                        # a verb alone
    "Use of the icon set is deprecated",  # a clause
])
def test_what_is_not_a_verb_and_its_object_does_not(objective):
    assert not is_verb_and_object(objective)


@pytest.mark.parametrize(("heading", "objective"), [
    ("Break a connection", "Break a connection"),       # not "Understand break a connection"
    ("Filter data with SQL", "Filter data with SQL"),   # not "Understand filter data with SQL"
    ("Exit codes", "Understand exit codes"),            # a compound, not an order
    ("Configuring TLS", "Configure TLS"),               # the lemmatizer's base form
    ("Shipping a release", "Ship a release"),
])
def test_a_heading_is_read_as_an_order_or_a_thing(heading, objective):
    assert heading_objective(heading, "guide")[0] == objective


@pytest.mark.parametrize("heading", ["Designed for FastAPI", "Just modern Python", "In production", "Recap",
                                     "Learning objectives", "Reusability matters?"])
def test_a_heading_naming_nothing_to_learn_gives_no_objective(heading):
    assert heading_objective(heading, "guide") is None


def test_a_sentence_opening_with_its_subject_is_no_order():
    assert sentence_objective("Secure Boot is enabled by default on every machine.") is None
    assert sentence_objective("Request a token from the server.") == "Request a token from the server"


@pytest.mark.parametrize(("gerund", "verb"), [("configuring", "configure"), ("shipping", "ship"),
                                              ("templating", "template"), ("string", None), ("during", None),
                                              ("thing", None)])
def test_the_verb_of_a_gerund_comes_from_the_lexicon(gerund, verb):
    assert verb_of_gerund(gerund) == verb


def test_hostile_text_is_read_in_bounded_words():
    hostile = "Use " + "a-" * 500_000 + " and" * 100_000
    assert len(words_of(hostile)) <= 40
    assert is_verb_and_object(hostile) in (True, False)
    assert heading_objective(hostile[:10_000], "guide") is None or True


def test_words_of_a_text_are_the_token_patterns_matches():
    # words_of splits at blanks where no code span is open: the same words as the pattern over the text.
    import random

    from services.doc_analyser.engine.grammar import _MOST_WORDS, _TOKEN

    blanks = [chr(code) for code in range(0x110000) if chr(code).isspace()]
    pieces = list("abZ09_-.'/:@()`!,é中٣") + blanks + ["word", "x.y", "f()", "@scope/pkg", "`a b`"]
    rng = random.Random(20261127)
    for _ in range(20_000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 14)))
        expected = [token for token in _TOKEN.findall(text[:2_000]) if token.strip()][:_MOST_WORDS]
        assert words_of(text) == expected, repr(text)
    long = " ".join(["word"] * 100)
    assert words_of(long) == ["word"] * _MOST_WORDS
