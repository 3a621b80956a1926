"""What the corpus knows about each of its documents, computed from the parsed document alone:
the phrases it uses, the concepts it defines, the corpus documents it links to, its offline doc
type, and (once document frequencies are known) its TF-IDF vector."""
from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from services.doc_analyser.engine.definitions import definitions
from services.doc_analyser.engine.doctype import classify
from services.doc_analyser.engine.lexicon import normal
from services.doc_analyser.engine.doc_profile import Profile, build_profile
from services.doc_analyser.engine.link_targets import normalise_path, resolve_link
from services.doc_analyser.engine.phrase_index import PhraseFrequency, StoredTerms, Terms
from shared import linear_regex
from shared.docs.model import ParsedDocument
from shared.docs.parsing import parse
from shared.spill import SpillFile
from shared.vocabulary import doc_type_table

_LONGEST_PHRASE = 4
WORDS_PER_MINUTE, CODE_LINES_PER_MINUTE = 200, 25
_VECTOR_TERMS = 150
REFERENCE = "\x02ref:"  # a kept target that is a Sphinx label, not a path (no written target starts so)
ONWARD_SHARE = 0.4  # a document's closing part, where its links send the reader on (split_by_position)
# A Markdown link's or image's target as the parser writes it: `](target)` or `](<target>)`.
# A Markdown link's target, of which the first _LONGEST_TARGET characters are read.
_MARKDOWN_LINK_TARGET = linear_regex.compile(r"\]\(<?([^()<>\s]+)")
_TARGET_AFTER_PARENTHESIS = linear_regex.compile(r"\(<?([^()<>\s]+)")
_LONGEST_TARGET = 2000
# How foundational each kind of document is: overviews first, changelogs last.
TYPE_LEVEL = doc_type_table({"overview": 0, "concept": 1, "guide": 2, "tutorial": 2, "how-to": 2,
                             "example": 3, "reference": 3, "api": 3, "other": 3, "troubleshooting": 4,
                             "faq": 4, "contributing": 5, "changelog": 5})


@dataclass(frozen=True, slots=True)
class CorpusDocument:
    # Not the parsed document: a corpus outlives the parses (stage 2 lets each go once analysed).
    word_count: int
    reading_minutes: int
    doc_type: str                   # the offline classification, used for reading order
    terms: Terms | StoredTerms      # concept keys of every 1–4-word phrase the document uses
    defines: dict[str, int]         # concept key → strength of its definition here
    # Corpus paths it links to (cross-references too), itself excluded, in order, first named before
    # its closing part: what it builds on (split_by_position).
    links: tuple[str, ...]
    vector: WordVector              # unit-length TF-IDF over single words
    onward_links: tuple[str, ...] = ()  # first named in its last part: where to read on, not what to read first


def document_terms(profile: Profile) -> tuple[Terms, Counter]:
    """(keys of every phrase of up to four words, word counts with headings counted twice)."""
    terms: set[str] = set()
    counts: Counter = Counter()
    headings = [profile.title_runs] + [runs for _, runs in profile.heading_runs]
    for weight, runs in [(2, runs) for runs in headings] + [(1, s.runs) for s in profile.sentences]:
        for run in runs:
            keys = list(map(normal, run))
            counts.update(keys * weight)
            for size in range(1, min(_LONGEST_PHRASE, len(keys)) + 1):
                terms.update(" ".join(keys[i:i + size]) for i in range(len(keys) - size + 1))
    return Terms.of(terms), counts


@dataclass(frozen=True)
class DocumentIndex:
    """What the corpus keeps of one document that depends on that document alone: stage 2 computes
    it as each document comes from the parser (services/doc_analyser/document_feed.py), so the
    corpus is ready soon after the last document is parsed."""
    doc_type: str
    terms: Terms
    defines: dict[str, int]
    counts: dict[str, int]


def index_document(doc: ParsedDocument) -> DocumentIndex:
    profile = build_profile(doc)
    prose = [s.text for s in profile.sentences]
    terms, counts = document_terms(profile)
    return DocumentIndex(classify(doc, prose), terms, definitions(doc, prose), dict(counts))


def parse_and_index(path: str, text: str, includes: dict[str, str] | None = None,
                    ) -> tuple[ParsedDocument, DocumentIndex]:
    """A parser child's function (shared/docs/parse_worker.py) that indexes in the child too: the
    parsed document and its index. Measured on a busy 2-core machine, indexing in the service's
    thread finished sooner (a child waits for the service between documents), so stage 2 parses
    with the plain parser; tests use this one."""
    parsed = parse(path, text, includes)
    return parsed, index_document(parsed)


def build_documents(docs: list[ParsedDocument], indexes: dict[str, DocumentIndex] | None = None,
                    ) -> tuple[dict[str, CorpusDocument], PhraseFrequency]:
    """Each document is indexed once (unless `indexes`, by the document's path, already holds it)."""
    builder = CorpusBuilder()
    for doc in docs:
        builder.add(doc, (indexes or {}).get(doc.path))
    return builder.documents()


class CorpusBuilder:
    """The corpus's documents, added one at a time, keeping only what the corpus keeps of each:
    its phrases as digests (phrase_index.py), its word counts as two arrays of numbers (each
    distinct word is a number of the corpus' vocabulary: most words recur across documents, and a
    dict of a page's 250 words and their counts takes about four times the room), never a
    document's sentences or its own copies of them — a 2,000-document corpus must not hold every
    document's index at once (stage 2's feed adds each document as it is parsed)."""

    def __init__(self) -> None:
        self._entries: dict[str, tuple] = {}
        self._frequency = PhraseFrequency()
        self._counted = Vocabulary()  # every word counted, numbered
        self._labels: set[tuple[str, str]] = set()  # (Sphinx label, the path declaring it)
        # Each document's phrases wait on disk (StoredTerms), read back when the corpus asks: the
        # file lives as long as the documents made from them (closed with the last of them).
        self._terms_file = SpillFile()

    def add(self, doc: ParsedDocument, index: DocumentIndex | None = None) -> None:
        """The first document of a path wins (`documents` can say which came first)."""
        path = normalise_path(doc.path)
        if not path or path in self._entries:
            return
        index = index or index_document(doc)
        self._frequency.add(index.terms)
        terms = StoredTerms(self._terms_file, index.terms)
        counts = (array("i", map(self._counted.number, index.counts)), array("i", index.counts.values()))
        leading, onward = split_by_position(doc)
        targets = leading + tuple(REFERENCE + label for label in doc.references)
        self._labels.update((label, path) for label in doc.labels)
        self._entries[path] = (doc.path, doc.word_count, reading_minutes(doc), (targets, onward), index.doc_type,
                               terms, index.defines, counts)

    def documents(self, order: dict[str, int] | None = None) -> tuple[dict[str, CorpusDocument], PhraseFrequency]:
        """Links resolved and vectors weighed, now that every document is in; in `order` (by the
        document's path as added) when given, else in the order added. Called once: the builder
        is empty after."""
        # Once: each entry is let go as its document is made (a document's word counts are only
        # for its vector, and a corpus of 20,000 documents would hold both for the whole run).
        entries, self._entries, words, self._counted = self._entries, {}, self._counted.words, Vocabulary()
        items = list(entries.items())
        if order is not None:
            last = len(order)
            items.sort(key=lambda item: order.get(item[1][0], last))
        paths = frozenset(entries)
        del entries
        folded = {path.lower(): path for path in sorted(paths, reverse=True)}
        declaring = label_owners(self._labels)
        documents = {}
        vocabulary = Vocabulary()  # the words the vectors keep, shared by them all
        items.reverse()  # taken from the end, each entry let go as its document is made
        while items:
            path, entry = items.pop()
            _, word_count, minutes, (targets, onward), doc_type, terms, defines, (numbers, counts) = entry
            links = _resolved_links(path, targets, paths, folded, declaring)
            leading = set(links)  # a page named both ways ("a.md" early, "./a.md" late) builds on it
            onward_links = tuple(target for target in _resolved_links(path, onward, paths, folded, declaring)
                                 if target not in leading)
            documents[path] = CorpusDocument(word_count, minutes, doc_type, terms, defines, links,
                                             _vector({words[number]: count for number, count in zip(numbers, counts)},
                                                     self._frequency, len(paths), vocabulary), onward_links)
        return documents, self._frequency


def split_by_position(doc: ParsedDocument) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The document's link targets as (first named before its last part, first named in it): a
    link in a page's closing part mostly sends the reader on ("Continue to …", "See also …") —
    on eleven real books with known order, links first written in the last 40 % of a page point
    to a later page 54 times in 75, those before it 48 in 107. A target not found in the
    section Markdown (written differently there) counts as leading. One pass over the Markdown."""
    markdown = "\n\n".join(section.markdown for section in doc.sections)
    last_part = len(markdown) * (1 - ONWARD_SHARE)
    first_at: dict[str, int] = {}
    for start, target in _markdown_link_targets(markdown):
        first_at.setdefault(target, start)
    leading: dict[str, None] = {}
    onward: dict[str, None] = {}
    for link in doc.links:
        at = first_at.get(link.target)
        (onward if at is not None and at >= last_part else leading)[link.target] = None
    return tuple(leading), tuple(onward)


def _markdown_link_targets(markdown: str) -> list[tuple[int, str]]:
    """(where the link starts, the first _LONGEST_TARGET characters of its target) for each link."""
    found: list[tuple[int, str]] = []
    at = 0
    while (match := _MARKDOWN_LINK_TARGET.search(markdown, at)) is not None:
        start = match.start()
        while match is not None:
            target = match.group(1)
            found.append((start, target[:_LONGEST_TARGET]))
            at = match.end()
            # The unread rest of a longer target is text like any other: its closing `]` can open
            # the next link, `](`.
            chained = len(target) > _LONGEST_TARGET and target.endswith("]")
            match = _TARGET_AFTER_PARENTHESIS.match(markdown, at) if chained else None
            start = at - 1
    return found


def reading_minutes(doc: ParsedDocument) -> int:
    code_lines = sum(block.code.count("\n") + 1 for block in doc.code_blocks)
    return max(1, int(doc.word_count / WORDS_PER_MINUTE + code_lines / CODE_LINES_PER_MINUTE + 0.5))


def label_owners(declared) -> dict[str, str]:
    """Sphinx label → the document declaring it, from (label, path) pairs. Sphinx warns about a
    label declared twice and keeps one; here the first path in sorted order, so the answer never
    depends on the order documents came in."""
    owners: dict[str, str] = {}
    for label, path in sorted(declared):
        owners.setdefault(label, path)
    return owners


def _resolved_links(path: str, targets: tuple[str, ...], paths: frozenset[str], folded: dict,
                    declaring: dict[str, str]) -> tuple:
    """Links in order; a cross-reference (`{ref}`options``) to the document declaring its label."""
    found: list[str] = []
    for link_target in targets:
        if link_target.startswith(REFERENCE):
            target = declaring.get(link_target[len(REFERENCE):])
        else:
            target = resolve_link(path, link_target, paths, folded)
        if target and target != path and target not in found:
            found.append(target)
    return tuple(found)


class Vocabulary:
    """Words numbered in the order they are first numbered: the words of a corpus's vectors, one
    list and one index for all of them."""
    __slots__ = ("words", "_numbers")

    def __init__(self) -> None:
        self.words: list[str] = []
        self._numbers: dict[str, int] = {}

    def number(self, word: str) -> int:
        found = self._numbers.get(word)
        if found is None:
            found = self._numbers[word] = len(self.words)
            self.words.append(word)
        return found

    def get(self, word: str) -> int | None:
        return self._numbers.get(word)

    def __len__(self) -> int:
        return len(self.words)


class WordVector:
    """A document's unit-length TF-IDF vector over single words: its words' numbers in a
    vocabulary the corpus's vectors share, in the order of the words, and their weights in an
    array beside them. A dict of 150 words and their float objects takes 6.9 KB, a tuple of the
    words and an array of weights 2.5 KB, this 1.9 KB: 20,000 documents' vectors take 38 MB."""
    __slots__ = ("numbers", "weights", "vocabulary")

    def __init__(self, weights: dict[str, float], vocabulary: Vocabulary | None = None) -> None:
        self.vocabulary = Vocabulary() if vocabulary is None else vocabulary
        words = sorted(weights)
        self.numbers = array("i", map(self.vocabulary.number, words))
        self.weights = array("d", [weights[word] for word in words])

    @property
    def words(self) -> tuple[str, ...]:
        """The words, sorted."""
        known = self.vocabulary.words
        return tuple(known[number] for number in self.numbers)

    def items(self) -> Iterator[tuple[str, float]]:
        """(word, weight) by word."""
        return zip(self.words, self.weights)

    def numbered(self) -> Iterator[tuple[int, float]]:
        """(the word's number, weight) by word."""
        return zip(self.numbers, self.weights)

    def as_dict(self) -> dict[str, float]:
        return dict(self.items())

    def __len__(self) -> int:
        return len(self.numbers)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordVector) and self.words == other.words and self.weights == other.weights

    def __repr__(self) -> str:
        return f"WordVector({self.as_dict()!r})"


def _vector(counts: dict[str, int], frequency: PhraseFrequency, size: int, vocabulary: Vocabulary) -> WordVector:
    found = frequency.counts_of(list(counts))
    weights = {word: (1 + math.log(count)) * (math.log((1 + size) / (1 + documents)) + 1)
               for (word, count), documents in zip(counts.items(), found)}
    kept = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:_VECTOR_TERMS]
    norm = math.sqrt(sum(weight * weight for _, weight in kept)) or 1.0
    return WordVector({word: weight / norm for word, weight in kept}, vocabulary)


def cosine(left: dict[str, float], right: dict[str, float]) -> float:
    # Over the shared words only, found by a set intersection (C speed): linking compares every
    # document with every other, and a loop over all of one vector's words was most of its time.
    # fsum: exactly rounded whatever the order, and a set's order changes with the process's
    # string hashing — a plain sum could then rank two equally similar documents differently per run.
    if len(left) > len(right):
        left, right = right, left
    return math.fsum([left[word] * right[word] for word in left.keys() & right.keys()])
