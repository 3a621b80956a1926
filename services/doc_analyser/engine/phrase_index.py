"""The phrases of a corpus held as numbers: each phrase key is its 64-bit BLAKE2b digest, a
document's phrases one sorted array of them, and the corpus' document frequencies two arrays
(digests, counts). A corpus uses every phrase of up to four words of every document; as strings,
one per distinct phrase plus a counter entry and a pointer in each document that uses it, they
were most of stage 2's memory and grew with the documentation (2,000 generated pages: 49 MB; as
digests, about 8 MB). Two phrases share a digest with a chance of about one in 10^19 per pair:
far below anything a reader of the links could notice."""
from __future__ import annotations

import hashlib
from typing import Iterable

import numpy

from shared.spill import SpillFile

_DIGEST = numpy.dtype("<u8")
# Documents' phrases gathered before they are folded into the counts: a fold copies the counts so
# far, so it is paid once per this many phrases, not once per document.
_FOLD_AT = 250_000


def phrase_digest(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def digests(keys: Iterable[str]) -> numpy.ndarray:
    """The keys' digests, sorted, each once."""
    found = numpy.fromiter((phrase_digest(key) for key in keys), dtype=_DIGEST)
    return numpy.unique(found)


class Terms:
    """A document's phrase keys, as their sorted digests: `key in terms` by binary search."""
    __slots__ = ("digests",)

    def __init__(self, sorted_digests: numpy.ndarray) -> None:
        self.digests = sorted_digests

    @classmethod
    def of(cls, keys: Iterable[str]) -> "Terms":
        return cls(digests(keys))

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _holds(self.digests, phrase_digest(key))

    def __len__(self) -> int:
        return len(self.digests)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Terms) and numpy.array_equal(self.digests, other.digests)

    __hash__ = None  # type: ignore[assignment]

    def shared(self, keys: "KeyDigests") -> list[str]:
        """Those of `keys` this document uses, in `keys`' order of digests."""
        found = numpy.intersect1d(keys.digests, self.digests, assume_unique=True)
        return [keys.key_of[digest] for digest in found.tolist()]

    def __reduce__(self):  # a parser child sends it whole
        return (Terms, (self.digests,))

    def load(self) -> "Terms":
        return self


class StoredTerms:
    """A document's Terms lying in a spill file, read back whenever asked (`load()` once for many
    questions): a page of the scale benchmark's generated documentation (640 words) uses about 450
    phrases, 3.5 KB of digests, which 20,000 documents would hold for the whole run (70 MB); the
    eleven real books' pages about 90 each. A corpus holds where each lies."""
    __slots__ = ("_file", "_where", "_count")

    def __init__(self, file: SpillFile, terms: Terms) -> None:
        self._file, self._count = file, len(terms)
        self._where = file.put_bytes(terms.digests.tobytes())

    def load(self) -> Terms:
        return Terms(numpy.frombuffer(self._file.read_bytes(self._where), dtype=_DIGEST))

    @property
    def digests(self) -> numpy.ndarray:
        return self.load().digests

    def __contains__(self, key: object) -> bool:
        return key in self.load()

    def __len__(self) -> int:
        return self._count

    def __eq__(self, other: object) -> bool:
        return isinstance(other, (Terms, StoredTerms)) and numpy.array_equal(self.digests, other.digests)

    __hash__ = None  # type: ignore[assignment]

    def shared(self, keys: "KeyDigests") -> list[str]:
        return self.load().shared(keys)


class KeyDigests:
    """A set of phrase keys with their digests sorted, for `Terms.shared`."""

    def __init__(self, keys: Iterable[str]) -> None:
        self.key_of = {phrase_digest(key): key for key in keys}
        self.digests = numpy.array(sorted(self.key_of), dtype=_DIGEST)


class PhraseFrequency:
    """How many documents use each phrase, counted document by document."""

    def __init__(self) -> None:
        self._digests = numpy.empty(0, dtype=_DIGEST)
        # Documents per phrase: far fewer than 2³¹, and 20,000 documents' corpus counts millions of phrases.
        self._counts = numpy.empty(0, dtype=numpy.int32)
        self._pending: list[numpy.ndarray] = []
        self._pending_size = 0

    def add(self, terms: Terms) -> None:
        self._pending.append(terms.digests)
        self._pending_size += len(terms.digests)
        if self._pending_size >= _FOLD_AT:
            self._fold()

    def get(self, key: str, default: int = 0) -> int:
        self._fold()
        digest = phrase_digest(key)
        at = int(numpy.searchsorted(self._digests, numpy.uint64(digest)))
        if at < len(self._digests) and int(self._digests[at]) == digest:
            return int(self._counts[at])
        return default

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key, -1) >= 0

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, PhraseFrequency):
            return NotImplemented
        self._fold()
        other._fold()
        return numpy.array_equal(self._digests, other._digests) and numpy.array_equal(self._counts, other._counts)

    __hash__ = None  # type: ignore[assignment]

    def counts_of(self, keys: list[str]) -> list[int]:
        """Each key's count (0 for a phrase no document uses), in the keys' order."""
        self._fold()
        if not len(self._digests):
            return [0] * len(keys)
        wanted = numpy.fromiter((phrase_digest(key) for key in keys), dtype=_DIGEST, count=len(keys))
        at = numpy.minimum(numpy.searchsorted(self._digests, wanted), len(self._digests) - 1)
        return numpy.where(self._digests[at] == wanted, self._counts[at], 0).tolist()

    def __getitem__(self, key: str) -> int:
        return self.get(key)

    def _fold(self) -> None:
        """The pending documents' phrases counted into the sorted arrays: a merge by binary search,
        whose room is the arrays once more, not a sort of everything counted so far."""
        if not self._pending:
            return
        new, counts = numpy.unique(numpy.concatenate(self._pending), return_counts=True)
        self._pending, self._pending_size = [], 0
        at = numpy.searchsorted(self._digests, new)
        known = at < len(self._digests)
        known[known] = self._digests[at[known]] == new[known]
        self._counts[at[known]] += counts[known]
        fresh = ~known
        self._digests = numpy.insert(self._digests, at[fresh], new[fresh])
        self._counts = numpy.insert(self._counts, at[fresh], counts[fresh])


def _holds(sorted_digests: numpy.ndarray, digest: int) -> bool:
    at = int(numpy.searchsorted(sorted_digests, numpy.uint64(digest)))
    return at < len(sorted_digests) and int(sorted_digests[at]) == digest
