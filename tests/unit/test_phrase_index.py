"""A corpus' phrases as digests (services/doc_analyser/engine/phrase_index.py) answer what the
strings answered: which document uses a phrase, and how many documents use each — folded in
batches or not."""
from __future__ import annotations

import pickle
import random
from collections import Counter

from services.doc_analyser.engine import phrase_index
from services.doc_analyser.engine.phrase_index import KeyDigests, PhraseFrequency, Terms

WORDS = ["widget", "panel", "cache", "route", "élan", "数据", "queue", "token"]


def documents(seed: int, count: int = 60) -> list[set[str]]:
    pick = random.Random(seed)
    return [{" ".join(pick.sample(WORDS, pick.randint(1, 4))) for _ in range(pick.randint(0, 30))}
            for _ in range(count)]


def test_terms_hold_exactly_the_document_phrases():
    for seed in range(5):
        for phrases in documents(seed):
            terms = Terms.of(phrases)
            assert len(terms) == len(phrases)
            for phrase in phrases:
                assert phrase in terms
            assert all(word + " x" not in terms for word in WORDS)
            assert pickle.loads(pickle.dumps(terms)) == terms


def test_shared_keys_are_those_a_document_uses():
    docs = documents(7)
    keys = KeyDigests(set().union(*docs[:10]))
    for phrases in docs:
        assert sorted(Terms.of(phrases).shared(keys)) == sorted(phrases & set(keys.key_of.values()))


def test_frequencies_equal_the_counted_strings_whenever_they_are_folded(monkeypatch):
    for fold_at in (1, 7, 10**9):
        monkeypatch.setattr(phrase_index, "_FOLD_AT", fold_at)
        docs = documents(fold_at)
        frequency, counted = PhraseFrequency(), Counter()
        for phrases in docs:
            frequency.add(Terms.of(phrases))
            counted.update(phrases)
        for phrase, count in counted.items():
            assert phrase in frequency and frequency[phrase] == count
        assert "no such phrase" not in frequency and frequency.get("no such phrase") == 0
        probes = list(counted) + ["missing one", "widget widget widget widget"]
        assert frequency.counts_of(probes) == [counted.get(p, 0) for p in probes]
    assert PhraseFrequency().counts_of(["anything"]) == [0]
