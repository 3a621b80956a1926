"""Every document's most similar documents by TF-IDF cosine, all at once (stage 2's linking asks
for each document's few most similar).

A document's cosines with all the others are the sums over its words' postings (corpus.Postings):
a common word is held by most documents, so one document's sums cost in proportion to the corpus,
and every document's, to its square. Each pair's cosine is the same number from either side (the
shared words' products, summed in the order of the words, both vectors' order), so each is summed
once: document i sums only with the documents after it, then offers each of them its cosine with
i. A document's list is complete once every document before it has offered: half the sums of asking
document by document. The lists are arrays (MostSimilar); one document's offers enter the later
documents' lists in numpy at once, only its own largest enter its list one by one."""
from __future__ import annotations

from typing import TYPE_CHECKING

import numpy

if TYPE_CHECKING:
    from services.doc_analyser.engine.corpus import Postings
    from services.doc_analyser.engine.corpus_documents import WordVector

# Linking asks each document for its MOST_RELATED + MOST_PREREQUISITES most similar (linking.py);
# a larger ask is summed for that document alone.
MOST_SIMILAR_KEPT = 8


def most_similar(postings: Postings, vectors: list[WordVector], paths: list[str], kept: int) -> MostSimilar:
    """For each vector (by position, `paths` naming them), the `kept` others with the largest
    positive cosine (`.of(position)`) — exactly what summing each document's own row and sorting
    it gives."""
    lists = MostSimilar(len(vectors), kept, paths)
    # By word: where its holders after the current document begin. Documents go in the order of
    # the postings (ascending), so a word's moves on by one at each document holding it.
    firsts = postings.starts()
    for position, vector in enumerate(vectors):
        if not vector:
            continue
        firsts[numpy.frombuffer(vector.numbers, dtype=numpy.int32)] += 1  # past this document
        later = postings.weighted_sums(vector.numbered(), len(vectors), firsts)[position + 1:]
        lists.take_largest(position, later)
        lists.offer(position, later)
    return lists


class MostSimilar:
    """Each document's best `kept` so far, in arrays (12 bytes an entry: a list of tuples took 15 MB
    at 20,000 documents), unsorted, with the slot of its worst: the lowest cosine, of equal ones
    the latest path."""

    def __init__(self, size: int, kept: int, paths: list[str]) -> None:
        self.kept, self.paths = kept, paths
        order = sorted(range(size), key=paths.__getitem__)
        self.rank = numpy.empty(size, dtype=numpy.int32)  # a path's place among the paths sorted
        self.rank[order] = numpy.arange(size, dtype=numpy.int32)
        self.cosines = numpy.zeros((size, kept), dtype=numpy.float64)
        self.others = numpy.zeros((size, kept), dtype=numpy.int32)
        self.count = numpy.zeros(size, dtype=numpy.int32)
        self.worst = numpy.zeros(size, dtype=numpy.int32)
        # The cosine an offer must reach to enter each list: 0 while it is not full (and must be
        # positive), else its worst one's.
        self.floor = numpy.zeros(size, dtype=numpy.float64)

    def take_largest(self, position: int, later: numpy.ndarray) -> None:
        """The documents after `position` that enter its own list: its `kept` largest, and every
        one tied with the last of them (the path decides among equals)."""
        shared = numpy.flatnonzero(later > 0.0)
        if len(shared) > self.kept:
            cut = numpy.partition(later[shared], len(shared) - self.kept)[len(shared) - self.kept]
            shared = shared[later[shared] >= cut]
        for offset in shared.tolist():
            self._enter(position, float(later[offset]), position + 1 + offset)

    def offer(self, position: int, later: numpy.ndarray) -> None:
        """`position`'s cosine offered to each document after it, entering the lists it can: in
        numpy, each document at most once an offer."""
        first = position + 1
        reaching = numpy.flatnonzero((later > 0.0) & (later >= self.floor[first:]))
        owners, cosines = reaching + first, later[reaching]
        room = self.count[owners] < self.kept
        growing, grown_cosines = owners[room], cosines[room]
        slots = self.count[growing]
        self.cosines[growing, slots], self.others[growing, slots] = grown_cosines, position
        self.count[growing] += 1
        full, full_cosines = owners[~room], cosines[~room]
        worst = self.worst[full]
        worst_cosines = self.cosines[full, worst]
        better = (full_cosines > worst_cosines) | (
            (full_cosines == worst_cosines) & (self.rank[position] < self.rank[self.others[full, worst]]))
        replaced = full[better]
        self.cosines[replaced, worst[better]], self.others[replaced, worst[better]] = full_cosines[better], position
        changed = numpy.concatenate([growing[self.count[growing] == self.kept], replaced])
        if len(changed):
            self._find_worst(changed)

    def _find_worst(self, owners: numpy.ndarray) -> None:
        rows = self.cosines[owners]
        lowest = rows.min(axis=1)
        ranks = numpy.where(rows == lowest[:, None], self.rank[self.others[owners]], -1)
        self.worst[owners] = ranks.argmax(axis=1)
        self.floor[owners] = lowest

    def _enter(self, owner: int, cosine: float, other: int) -> None:
        count = int(self.count[owner])
        if count < self.kept:
            slot = count
            self.count[owner] = count + 1
        else:
            slot = int(self.worst[owner])
            worst = float(self.cosines[owner, slot])
            if cosine < worst or (cosine == worst and self.rank[other] > self.rank[self.others[owner, slot]]):
                return
        self.cosines[owner, slot], self.others[owner, slot] = cosine, other
        if count + 1 >= self.kept:
            self._find_worst(numpy.array([owner]))

    def of(self, position: int) -> list[tuple[str, float]]:
        """The document's list as (path, cosine), largest first and equal cosines by path."""
        count = int(self.count[position])
        entries = [(float(cosine), self.paths[other]) for cosine, other
                   in zip(self.cosines[position, :count].tolist(), self.others[position, :count].tolist())]
        return [(path, cosine) for cosine, path in sorted(entries, key=lambda item: (-item[0], item[1]))]
