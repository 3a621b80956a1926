"""The selected documents seen together (stage 2), built from the parsed documents
only — never from analyses, so each document can be linked as soon as it is analysed: document
frequencies of phrases, a TF-IDF vector per document, which documents define which concepts,
resolved links, and a foundational reading order."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy

from services.doc_analyser.engine.corpus_documents import (
    TYPE_LEVEL, CorpusDocument, DocumentIndex, Vocabulary, WordVector, build_documents, cosine,
)
from services.doc_analyser.engine.lexicon import concept_key
from services.doc_analyser.engine.phrase_index import KeyDigests, PhraseFrequency
from services.doc_analyser.engine.link_targets import normalise_path
from services.doc_analyser.engine.most_similar import MOST_SIMILAR_KEPT, most_similar
from shared.docs.model import ParsedDocument
from shared.once import once
from shared.tournament import Tournament

# A kind whose define-before-use tournament would count more votes than this sits it out (its
# time and memory grow with documents times shared phrases times their definers): its reading
# order falls back to links and paths. 1,616 documents of real documentation: 0.15 s; a million
# votes (300 pages defining the 40 phrases 300 others use): about half a second.
MOST_VOTES = 1_000_000


class Postings:
    """Word → the positions of the vectors holding it (ascending) and its weight in each, as
    slices of two arrays: one number per word and 12 bytes per posting (positions in 32 bits):
    20,000 documents hold three million postings. Filled vector by vector into their places (a
    counting sort: each word's share counted first), so building them takes no room beyond them;
    sorted by word with numpy's argsort and gathered from concatenated copies, they took 48 MB
    more for a moment, as lists of Python numbers 200 MB."""

    def __init__(self, vectors: list[WordVector]) -> None:
        self._vocabulary = vectors[0].vocabulary if vectors else Vocabulary()
        if any(vector.vocabulary is not self._vocabulary for vector in vectors):
            raise ValueError("the vectors of one Postings number their words in one vocabulary")
        words = len(self._vocabulary)
        counts = numpy.zeros(words, dtype=numpy.int64)
        for vector in vectors:
            counts[_numbers(vector)] += 1  # a vector holds each word once
        self._starts = numpy.zeros(words + 1, dtype=numpy.int64)
        numpy.cumsum(counts, out=self._starts[1:])
        del counts
        self._holders = numpy.empty(int(self._starts[-1]), dtype=numpy.int32)
        self._weights = numpy.empty(int(self._starts[-1]), dtype=numpy.float64)
        free = self._starts[:-1].copy()  # where each word's next posting goes
        for position, vector in enumerate(vectors):
            held = _numbers(vector)
            at = free[held]
            self._holders[at] = position
            self._weights[at] = numpy.frombuffer(vector.weights, dtype=numpy.float64)
            free[held] += 1

    def __getitem__(self, word: str) -> tuple[numpy.ndarray, numpy.ndarray]:
        """(the holders' positions, the word's weight in each); KeyError for a word no vector holds."""
        number = self._vocabulary.get(word)
        if number is None:
            raise KeyError(word)
        return self.of_number(number)

    def starts(self) -> numpy.ndarray:
        """A copy of where each word's postings start (by word number), its holders in ascending order."""
        return self._starts[:-1].copy()

    def of_number(self, number: int) -> tuple[numpy.ndarray, numpy.ndarray]:
        """As `[word]`, by the word's number in the vectors' vocabulary."""
        start, end = self._starts[number], self._starts[number + 1]
        return self._holders[start:end], self._weights[start:end]

    def weighted_sums(self, query: Iterable[tuple[int, float]], size: int,
                      firsts: numpy.ndarray | None = None) -> numpy.ndarray:
        """For each of the `size` vectors, the sum over the (word number, weight) pairs of `query`
        of that weight times the word's weight in the vector. With `firsts` (by word number, an
        index into the postings, as `starts()` gives them), only the holders from there on are summed.
        Added in the order of the query's words, each vector's sum one addition after another
        (numpy.bincount adds its weights in order): the same sums in every run. The postings of
        several words are added by one bincount, up to SUMMED_AT_ONCE of them, not word by word:
        a common word is held by most vectors, and one scatter-add per word cost 1.7 times as
        much; all of a document's postings at once took 22 MB a call at 20,000 documents."""
        sums: numpy.ndarray | None = None
        holders: list[numpy.ndarray] = []
        products: list[numpy.ndarray] = []
        gathered = 0
        for number, weight in query:
            if firsts is None:
                held, weights = self.of_number(number)
            else:
                start, end = firsts[number], self._starts[number + 1]
                held, weights = self._holders[start:end], self._weights[start:end]
            holders.append(held)
            products.append(weights * weight)
            gathered += len(held)
            if gathered >= SUMMED_AT_ONCE:
                sums = _added(sums, holders, products, size)
                holders, products, gathered = [], [], 0
        if holders or sums is None:
            sums = _added(sums, holders, products, size)
        return sums


# Postings summed by one numpy.bincount: a few megabytes of gathered copies at most.
SUMMED_AT_ONCE = 1 << 18


def _added(sums: numpy.ndarray | None, holders: list[numpy.ndarray], products: list[numpy.ndarray],
           size: int) -> numpy.ndarray:
    if not holders:
        return numpy.zeros(size, dtype=numpy.float64) if sums is None else sums
    part = numpy.bincount(numpy.concatenate(holders), numpy.concatenate(products), minlength=size)
    if sums is None:
        return part
    sums += part
    return sums


def _numbers(vector: WordVector) -> numpy.ndarray:
    """The vector's word numbers as an array over its own (no copy)."""
    return numpy.frombuffer(vector.numbers, dtype=numpy.int32)


class Corpus:
    def __init__(self, documents: dict[str, CorpusDocument], frequency: PhraseFrequency):
        self._documents = documents
        self._frequency = frequency
        self._inbound = Counter(target for entry in documents.values() for target in (*entry.links, *entry.onward_links))
        definers: dict[str, list[tuple[str, int]]] = {}
        for path, entry in documents.items():
            for key, strength in entry.defines.items():
                definers.setdefault(key, []).append((path, strength))
        # Sorted once: a phrase many pages define would otherwise be sorted again for each page asking.
        self._definers = {key: sorted(found, key=lambda item: (-item[1], item[0])) for key, found in definers.items()}
        # Word → (the documents whose vector holds it, its weight in each), as arrays: a document's
        # similarities to all the others are summed over its words' postings in C (numpy) rather
        # than compared pair by pair in Python. Only the few most similar leave numpy
        # (`similar(path, most)`): a list of every document sharing a word, built and sorted in
        # Python for each document, made linking quadratic (20,000 documents: 3× the time per
        # document of 1,000). Every document's few most similar are made at once (most_similar.py),
        # each pair summed once.
        self._paths = list(documents)
        self._position = {path: position for position, path in enumerate(self._paths)}
        self._postings = Postings([entry.vector for entry in documents.values()])
        self._orders: dict[tuple[str, ...], dict[str, int]] = {}
        self._teaching: Counter | None = None
        # Linking asks from several threads at once: the lists are made by the first of them.
        self._most_similar = once(lambda: most_similar(
            self._postings, [entry.vector for entry in documents.values()], self._paths, MOST_SIMILAR_KEPT))

    @classmethod
    def build(cls, docs: list[ParsedDocument], indexes: dict[str, DocumentIndex] | None = None) -> "Corpus":
        """`indexes`: documents already indexed (by path), e.g. by the parser's child process."""
        return cls(*build_documents(docs, indexes))

    @property
    def size(self) -> int:
        return len(self._documents)

    @property
    def paths(self) -> list[str]:
        return list(self._documents)

    def document(self, path: str) -> CorpusDocument | None:
        return self._documents.get(normalise_path(path))

    def document_frequency(self, concept: str) -> int:
        """How many documents use the concept; a phrase the index never saw as a whole (an LLM's
        "message brokers and queues") counts as its rarest word."""
        key = concept_key(concept)
        if not key:
            return 0
        if key in self._frequency:
            return self._frequency[key]
        return min((self._frequency.get(word, 0) for word in key.split(" ")), default=0)

    def definers(self, concept: str) -> list[tuple[str, int]]:
        """(path, strength) of the documents that define the concept, strongest first, then by path."""
        return self._definers.get(concept_key(concept), [])

    def similar(self, path: str, most: int) -> list[tuple[str, float]]:
        """The `most` documents most similar to this one by TF-IDF cosine (those sharing a word with
        it: the others' similarity is 0), most similar first, equal scores by path. The shared
        words' products are summed in the order of the words, so the scores are the same in every
        run whatever the hashing. Up to MOST_SIMILAR_KEPT, from every document's list, made on the
        first call for all of them at once (most_similar.py: each pair's cosine summed once, not
        once from each side); more, from this document's own sums."""
        path = normalise_path(path)
        entry = self._documents.get(path)
        if entry is None or not entry.vector or most < 1:
            return []
        if most <= MOST_SIMILAR_KEPT:
            return self._most_similar().of(self._position[path])[:most]
        sums = self._postings.weighted_sums(entry.vector.numbered(), len(self._paths))
        sums[self._position[path]] = 0.0
        shared = numpy.flatnonzero(sums > 0.0)
        if len(shared) > most:  # the `most` largest, and every one tied with the last of them
            cut = numpy.partition(sums[shared], len(shared) - most)[len(shared) - most]
            shared = shared[sums[shared] >= cut]
        scores = [(self._paths[position], float(sums[position])) for position in shared.tolist()]
        return sorted(scores, key=lambda item: (-item[1], item[0]))[:most]

    def similarity(self, path: str, other: str) -> float:
        """The TF-IDF cosine of two documents (0 when either is not in the corpus)."""
        left, right = self._documents.get(normalise_path(path)), self._documents.get(normalise_path(other))
        return cosine(left.vector.as_dict(), right.vector.as_dict()) if left is not None and right is not None else 0.0

    def reading_order(self, navigation: list[str] | None = None) -> dict[str, int]:
        """Path → rank, foundational first: the navigation's order for documents it lists, then
        by kind (overview, concepts, guides, reference, changelog), then define before use
        (_teaching_ranks), then by how many documents link to it, then shallower paths, then by
        path. A strict order, so prerequisites that must point to an earlier document can never
        form a cycle."""
        listed = self._navigation_paths(navigation or [])
        key = tuple(listed)
        if key not in self._orders:
            position = {path: index for index, path in enumerate(listed)}
            ranked = sorted(self._documents, key=lambda path: (
                (0, position[path]) if path in position else (1, 0), self._fallback_rank(path)))
            self._orders[key] = {path: rank for rank, path in enumerate(ranked)}
        return self._orders[key]

    def _fallback_rank(self, path: str) -> tuple:
        entry = self._documents[path]
        level = TYPE_LEVEL.get(entry.doc_type, 3)
        return level, self._teaching_ranks()[path], -self._inbound[path], path.count("/"), path

    def _teaching_ranks(self) -> Counter:
        """Path → losses minus wins in a define-before-use tournament among documents of the same
        kind: of two, the one defining more of the phrases the other uses (and does not define
        itself) wins, a link counting as one more such phrase for the page linked to (linking's
        own reading of a link). A tournament (Copeland's score) rather than edges: one shared
        phrase proves little, but over many pairs it tells the basics from what builds on them.
        Pages whose terms the others build on come first, so the prerequisites linking finds
        (which must point earlier) run from the basics to what builds on them. A phrase nearly
        every page uses counts too: the page defining "command" is the basics. A kind that would
        count more than MOST_VOTES votes sits out."""
        if self._teaching is None:
            self._teaching = teaching_ranks(self._documents)
        return self._teaching

    def _navigation_paths(self, navigation: list[str]) -> list[str]:
        """Navigation entries as corpus paths; entries relative to a docs folder ("install.md"
        for "docs/install.md") match the one corpus path they end with."""
        found: list[str] = []
        for entry in navigation:
            path = normalise_path(str(entry))
            if path not in self._documents:
                matches = [p for p in self._documents if p.endswith("/" + path)]
                path = matches[0] if len(matches) == 1 else ""
            if path and path not in found:
                found.append(path)
        return found


def teaching_ranks(documents: dict[str, CorpusDocument]) -> Counter:
    """See Corpus._teaching_ranks; a pure function of the corpus' documents."""
    by_kind: dict[int, list[str]] = {}
    for path, entry in documents.items():
        by_kind.setdefault(TYPE_LEVEL.get(entry.doc_type, 3), []).append(path)
    rank: Counter = Counter()
    for paths in by_kind.values():
        members = set(paths)
        definers: dict[str, list[str]] = {}
        for path in paths:
            for key in documents[path].defines:
                definers.setdefault(key, []).append(path)
        defined = KeyDigests(definers)
        used = {user: [key for key in documents[user].terms.shared(defined) if key not in documents[user].defines]
                for user in paths}  # phrases each page uses and others define
        if sum(len(definers[key]) for keys in used.values() for key in keys) > MOST_VOTES:
            continue
        tournament = Tournament(paths)  # (definer, user): phrases one defines and the other uses, links
        for user, keys in used.items():
            for key in keys:
                tournament.votes_for(definers[key], user)
            tournament.votes_for((target for target in documents[user].links if target in members), user)
        rank.update(tournament.ranks())
    return rank
