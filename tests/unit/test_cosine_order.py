"""Linking's similarity is the same number whatever order the shared words are summed in: a set's
order changes with each process's string hashing, and equally similar documents must rank alike
in every run (services/doc_analyser/engine/corpus_documents.cosine)."""
import random
import tracemalloc
from pathlib import Path

import pytest

from services.doc_analyser.engine.corpus import Corpus, Postings
from services.doc_analyser.engine.corpus_documents import Vocabulary, WordVector, cosine
from shared.docs.parsing import parse


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


@pytest.mark.slow  # parses a real book of 74 pages
@pytest.mark.parametrize("most", [1, 5, 1000])
def test_a_documents_most_similar_documents_are_the_largest_positive_cosines_most_similar_first(most):
    # Summed over each word's postings at once (numpy), not pair by pair: the documents are those
    # of the largest positive `cosine`s, with its score (up to the order of summing), most similar first.
    book = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books" / "flask" / "docs"
    files = sorted(book.rglob("*.rst"))
    corpus = Corpus.build([parse(str(f.relative_to(book)), f.read_text(encoding="utf-8")) for f in files])
    documents = corpus._documents
    assert len(documents) > 50
    for path, entry in list(documents.items())[::4]:
        expected = {other: cosine(entry.vector.as_dict(), candidate.vector.as_dict()) for other, candidate in documents.items()
                    if other != path}
        assert all(corpus.similarity(path, other) == score for other, score in expected.items())
        positive = sorted((score for score in expected.values() if score > 0), reverse=True)
        found = corpus.similar(path, most)
        assert len(found) == min(most, len(positive))
        assert [score for _, score in found] == pytest.approx(positive[:most], rel=1e-12)
        assert all(score == pytest.approx(expected[other], rel=1e-12) for other, score in found)
        assert corpus.similar(path, most) == found  # asked again, the same list


def test_postings_hold_each_words_vectors_in_ascending_order_with_their_weights():
    rng = random.Random(11)
    words = [f"w{i}" for i in range(60)]
    vocabulary = Vocabulary()
    vectors = [WordVector({w: rng.random() for w in rng.sample(words, rng.randrange(0, 30))}, vocabulary)
               for _ in range(40)]
    postings = Postings(vectors)
    for word in words:
        expected = [(n, vector.as_dict()[word]) for n, vector in enumerate(vectors) if word in vector.words]
        if not expected:
            with pytest.raises(KeyError):
                postings[word]
            continue
        holders, weights = postings[word]
        assert list(zip(holders.tolist(), weights.tolist())) == expected


def test_building_the_postings_takes_no_room_beyond_them():
    rng = random.Random(5)
    vocabulary = Vocabulary()
    words = [f"w{i}" for i in range(3000)]
    vectors = [WordVector({w: rng.random() for w in rng.sample(words, 150)}, vocabulary) for _ in range(2000)]
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        postings = Postings(vectors)
        held, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    arrays = postings._holders.nbytes + postings._weights.nbytes
    assert held - before >= arrays
    # The two arrays, the word starts and a vector's worth of work: no sorted or concatenated copy.
    assert peak - before <= 1.1 * arrays, (peak - before, arrays)


@pytest.mark.parametrize("at_once", [1 << 18, 7], ids=["one sum", "in parts"])
def test_weighted_sums_add_each_words_weight_in_every_vector_holding_it(monkeypatch, at_once):
    import services.doc_analyser.engine.corpus as corpus_module
    monkeypatch.setattr(corpus_module, "SUMMED_AT_ONCE", at_once)
    rng = random.Random(3)
    words = [f"w{i}" for i in range(50)]
    vocabulary = Vocabulary()
    vectors = [WordVector({w: rng.random() for w in rng.sample(words, rng.randrange(1, 20))}, vocabulary)
               for _ in range(30)]
    postings = Postings(vectors)
    query = [(vocabulary.get(w), rng.random()) for w in rng.sample(words, 12) if vocabulary.get(w) is not None]
    sums = postings.weighted_sums(query, len(vectors) + 2)  # room for vectors beyond these: zeros
    expected = [0.0] * (len(vectors) + 2)
    for number, weight in query:  # one addition after another, in the query's order
        for n, vector in enumerate(vectors):
            if number in vector.numbers:
                expected[n] += vector.weights[list(vector.numbers).index(number)] * weight
    if at_once > 1000:
        assert sums.tolist() == expected  # one bincount adds as the loop does: the same floats
    else:
        assert sums.tolist() == pytest.approx(expected, rel=1e-12)
    assert postings.weighted_sums(query, len(vectors) + 2).tolist() == sums.tolist()
    assert postings.weighted_sums([], 4).tolist() == [0.0] * 4


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_documents_most_similar_made_at_once_are_those_of_its_own_sums(seed):
    # Each pair summed once, from the earlier document: the same lists, cosines and order as
    # summing each document's own row. Repeated vectors make equal cosines (the path decides),
    # an empty one shares nothing.
    from services.doc_analyser.engine.most_similar import most_similar
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(40)]
    vocabulary = Vocabulary()
    weights = [{w: rng.random() for w in rng.sample(words, rng.randrange(1, 12))} for _ in range(50)]
    weights += [weights[3], weights[3], {}, weights[10]]
    rng.shuffle(weights)
    vectors = [WordVector(w, vocabulary) for w in weights]
    paths = [f"docs/{rng.random():.6f}.md" for _ in vectors]
    postings = Postings(vectors)
    for kept in (1, 3, 8):
        found = most_similar(postings, vectors, paths, kept)
        for position, vector in enumerate(vectors):
            sums = postings.weighted_sums(vector.numbered(), len(vectors)).tolist()
            row = sorted(((paths[other], score) for other, score in enumerate(sums)
                          if other != position and score > 0.0), key=lambda item: (-item[1], item[0]))
            assert found.of(position) == row[:kept], (kept, position)


def test_linking_asks_for_no_more_most_similar_than_every_document_keeps():
    # A larger ask is summed document by document again: the all-at-once lists would be wasted.
    from services.doc_analyser.engine.linking import MOST_PREREQUISITES, MOST_RELATED
    from services.doc_analyser.engine.most_similar import MOST_SIMILAR_KEPT
    assert MOST_RELATED + MOST_PREREQUISITES <= MOST_SIMILAR_KEPT
