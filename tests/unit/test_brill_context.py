"""The contextual rules applied indexed by tag (services/doc_analyser/engine/brill_context.py) give
exactly the tags TextBlob's own `Context.apply` gives: on every sentence of real documentation in
the fixtures, and on random word sequences drawn from the words the rules name (so every rule,
including the ones real text seldom meets, gets its chance to fire)."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from services.doc_analyser.engine.brill_context import apply_rules, english_rules, index_rules
from services.doc_analyser.engine.grammar import words_of

textblob_text = pytest.importorskip("textblob._text")
lexicon = pytest.importorskip("textblob.en").lexicon

# TextBlob's own application of the rules is the slow thing being replaced: seconds over the books.
pytestmark = pytest.mark.slow

BOOKS = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books"


def lexical_tags(tokens: list[str]) -> list[list[str]]:
    return textblob_text.find_tags(tokens, lexicon=lexicon, morphology=lexicon.morphology,
                                   default=("NN", "NNP", "CD"), language="en")


def textblob_tags(tokens: list[str]) -> list[tuple[str, str]]:
    return [(word, tag) for word, tag in lexicon.context.apply([list(t) for t in lexical_tags(tokens)])]


def indexed_tags(tokens: list[str]) -> list[tuple[str, str]]:
    return apply_rules([(word, tag) for word, tag in lexical_tags(tokens)], english_rules())


def real_sentences() -> list[list[str]]:
    sentences = []
    for path in sorted(BOOKS.rglob("*")):
        if path.suffix in (".md", ".rst") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            sentences.extend(words_of(line) for line in text.splitlines() if len(line.split()) >= 3)
    return [s for s in sentences if s]


def test_real_sentences_are_tagged_as_textblob_tags_them():
    sentences = real_sentences()
    assert len(sentences) > 2_000
    differing = [s for s in sentences if indexed_tags(s) != textblob_tags(s)]
    assert not differing, differing[:5]


def test_every_rule_fires_as_it_does_in_textblob_on_random_word_sequences():
    rules = list(lexicon.context)
    named = sorted({word for rule in rules for word in rule[3:5] if word and not word.isupper()})
    vocabulary = named + ["the", "a", "to", "of", "run", "set", "data", "Client", "quickly", "3", ",", "."]
    chooser = random.Random(50)
    changed = 0
    for _ in range(3_000):
        tokens = [chooser.choice(vocabulary) for _ in range(chooser.randint(1, 12))]
        ours = indexed_tags(tokens)
        assert ours == textblob_tags(tokens), tokens
        changed += ours != [(w, t) for w, t in lexical_tags(tokens)]
    assert changed > 300  # the rules did fire: the comparison was not between two no-ops


def test_a_rule_for_any_tag_and_an_unevaluated_command_keep_their_meaning():
    rules = [["NN", "VB", "PREVTAG", "TO"], ["*", "JJ", "CURWD", "blue"], ["NN", "NNS", "NEXT1OR2OR3WD", "x"]]
    indexed = index_rules(rules)
    assert apply_rules([("to", "TO"), ("run", "NN")], indexed) == [("to", "TO"), ("run", "VB")]
    assert apply_rules([("blue", "RB")], indexed) == [("blue", "JJ")]  # "*" meets a tag no rule names
    assert apply_rules([("cat", "NN"), ("x", "NN")], indexed) == [("cat", "NN"), ("x", "NN")]
