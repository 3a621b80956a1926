"""Linking's similarity is the same number whatever order the shared words are summed in: a set's
order changes with each process's string hashing, and equally similar documents must rank alike
in every run (services/doc_analyser/engine/corpus_documents.cosine)."""
import random

from services.doc_analyser.engine.corpus_documents import cosine


def test_the_similarity_does_not_depend_on_the_words_order():
    rng = random.Random(5)
    words = [f"w{i}" for i in range(400)]
    left = {w: rng.random() / 7 for w in rng.sample(words, 150)}
    right = {w: rng.random() / 3 for w in rng.sample(words, 200)}
    reordered = dict(sorted(left.items(), key=lambda item: rng.random()))
    assert cosine(left, right) == cosine(reordered, right) == cosine(right, reordered)


def test_the_similarity_of_documents_without_shared_words_is_zero():
    assert cosine({"a": 0.5}, {"b": 0.5}) == 0.0
    assert cosine({}, {"b": 1.0}) == 0.0
