"""Every document's most similar documents by TF-IDF cosine, all at once (stage 2's linking asks
for each document's few most similar).

A document's cosines with all the others are the sums over its words' postings (corpus.Postings):
a common word is held by most documents, so one document's sums cost in proportion to the corpus,
and every document's, to its square. Each pair's cosine is the same number from either side (the
shared words' products, summed in the order of the words, both vectors' order), so each is summed
once: document i sums only with the documents after it, then offers each of them its cosine with
i. A document's list is complete once every document before it has offered: half the sums of asking
document by document. The offers stay in numpy but for those that can enter a list (a cosine at
least the list's current last): over a run, about `kept` times the log of the corpus a document."""
from __future__ import annotations

from bisect import insort
from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from services.doc_analyser.engine.corpus import Postings
    from services.doc_analyser.engine.corpus_documents import WordVector

# Linking asks each document for its MOST_RELATED + MOST_PREREQUISITES most similar (linking.py);
# a larger ask is summed for that document alone.
MOST_SIMILAR_KEPT = 8


def most_similar(postings: Postings, vectors: list[WordVector], paths: list[str],
                 kept: int) -> list[list[tuple[str, float]]]:
    """For each vector (by position, `paths` naming them), the `kept` others with the largest
    positive cosine, as (path, cosine), largest first and equal cosines by path — exactly what
    summing each document's own row and sorting it gives."""
    size = len(vectors)
    best: list[list[tuple[float, str]]] = [[] for _ in range(size)]  # (-cosine, path), best first
    # The cosine an offer must reach to enter each list: 0 while it is not full (and must be
    # positive), else its last one's.
    floor = numpy.zeros(size, dtype=numpy.float64)
    # By word: where its holders after the current document begin. Documents go in the order of
    # the postings (ascending), so a word's moves on by one at each document holding it.
    firsts = postings.starts()
    for position, vector in enumerate(vectors):
        if not vector:
            continue
        firsts[numpy.frombuffer(vector.numbers, dtype=numpy.int32)] += 1  # past this document
        later = postings.weighted_sums(vector.numbered(), size, firsts)[position + 1:]
        _take_largest(best, floor, position, later, paths, kept)
        _offer(best, floor, position, later, paths, kept)
    return [[(path, -negative) for negative, path in entries] for entries in best]


def _take_largest(best: list[list[tuple[float, str]]], floor: numpy.ndarray, position: int,
                  later: numpy.ndarray, paths: list[str], kept: int) -> None:
    """The documents after `position` that enter its own list: its `kept` largest, and every one
    tied with the last of them (the path decides among equals)."""
    shared = numpy.flatnonzero(later > 0.0)
    if len(shared) > kept:
        cut = numpy.partition(later[shared], len(shared) - kept)[len(shared) - kept]
        shared = shared[later[shared] >= cut]
    first = position + 1
    for offset in shared.tolist():
        _enter(best, floor, position, float(later[offset]), paths[first + offset], kept)


def _offer(best: list[list[tuple[float, str]]], floor: numpy.ndarray, position: int,
           later: numpy.ndarray, paths: list[str], kept: int) -> None:
    """`position`'s cosine offered to each document after it, entering the lists it can."""
    first = position + 1
    reaching = numpy.flatnonzero((later > 0.0) & (later >= floor[first:]))
    path = paths[position]
    for offset in reaching.tolist():
        _enter(best, floor, first + offset, float(later[offset]), path, kept)


def _enter(best: list[list[tuple[float, str]]], floor: numpy.ndarray, owner: int, cosine: float,
           path: str, kept: int) -> None:
    entries = best[owner]
    entry = (-cosine, path)
    if len(entries) == kept:
        if entry >= entries[-1]:
            return
        entries.pop()
    insort(entries, entry)
    if len(entries) == kept:
        floor[owner] = -entries[-1][0]
