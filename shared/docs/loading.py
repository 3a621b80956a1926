"""Documents read from a stage 1 snapshot and parsed, for the stages that need their text, with
the files their includes name (any file of the snapshot, selected or not: stage 1 packs the files
documentation includes). Blocking: run in a thread."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Callable, Generator, Mapping

from shared.bus.snapshots import MAX_EXTRACTED_BYTES, Extracted, extract
from .includes import MAX_DEPTH, MAX_INCLUDED_FILE_BYTES, referenced_paths
from .model import ParsedDocument
from .parse_worker import PARSE, BudgetedParser, OverBudget

# Seconds one document may take to parse; ordinary documents take milliseconds, a document over
# it is skipped with the reason (see parse_worker).
PARSE_BUDGET_SECONDS = 10.0
# The included files handed to the parser with one document, at most: the parser shows at most
# includes.MAX_INCLUDED_BYTES of them, but a line range may take little of a large file.
MAX_INCLUDE_CANDIDATE_BYTES = 2_000_000
_NOTHING: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SourceDocument:
    parsed: ParsedDocument
    raw_text: str
    content_hash: str
    index: Any = None  # what a parser function gave besides the parsed document (see iter_documents)


def load_documents(archive: bytes, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
                   parse_budget_seconds: float = PARSE_BUDGET_SECONDS,
                   ) -> tuple[dict[str, SourceDocument], dict[str, str]]:
    """(documents by path, unreadable documents by path with the reason): missing, too large,
    or not parsed within `parse_budget_seconds`."""
    documents: dict[str, SourceDocument] = {}
    problems: dict[str, str] = {}
    for path, document, problem in iter_documents(archive, paths, encodings, max_bytes, parse_budget_seconds):
        if document is None:
            problems[path] = problem
        else:
            documents[path] = document
    return documents, problems


def iter_documents(archive: bytes, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
                   parse_budget_seconds: float = PARSE_BUDGET_SECONDS, parser: str | BudgetedParser = PARSE,
                   ) -> Generator[tuple[str, SourceDocument | None, str | None], None, None]:
    """(path, document, None) or (path, None, why it is unreadable) for each of `paths` in order,
    each as soon as it is parsed, so a caller can start on the first while the rest are parsed.
    `parser`: the child's function ("module:function"; one that returns (parsed document, anything)
    puts the anything in the document's `index`), or a started BudgetedParser to use. Closing the
    generator stops the child, the given one too."""
    # Each file's bytes wait on disk until it is parsed (a run of 20,000 documents would hold a
    # hundred megabytes); its text is decoded when wanted.
    extracted = extract(archive, set(paths), max_bytes, on_disk=True)
    try:
        snapshot = _IncludedFiles(archive, extracted.files, lambda path, data: _decode(data, encodings.get(path)))
        # Everything is read from the archive now: a caller that lets go of it too frees it for
        # the rest of the parse (a 20,000-document snapshot is tens of megabytes).
        del archive
        yield from _parsed(snapshot, paths, encodings, max_bytes, parse_budget_seconds, parser, extracted)
    finally:
        extracted.close()


def _parsed(snapshot: _IncludedFiles, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
            parse_budget_seconds: float, parser: str | BudgetedParser, extracted: Extracted,
            ) -> Generator[tuple[str, SourceDocument | None, str | None], None, None]:
    contents = extracted.files
    with BudgetedParser(parse_budget_seconds, parser) if isinstance(parser, str) else parser as child:
        for path in paths:
            data = contents.get(path)
            if path in extracted.too_large:
                yield path, None, f"{extracted.too_large[path]} bytes, more than the {max_bytes} a document may have"
            elif path in extracted.over_total:
                yield path, None, (f"the documents read together would pass {MAX_EXTRACTED_BYTES} bytes; "
                                   "select fewer folders")
            elif data is None:
                yield path, None, "not in the repository snapshot; run stage 1 again"
            else:
                del contents[path]
                text = _decode(data, encodings.get(path))
                included = snapshot.reachable_from(path, text)
                try:
                    parsed = child.parse(path, text, included or None)
                except OverBudget as exc:
                    yield path, None, str(exc)
                    continue
                parsed, index = parsed if isinstance(parsed, tuple) else (parsed, None)
                yield path, SourceDocument(parsed, text, _content_hash(data, included), index), None


def _content_hash(data: bytes, included: dict[str, str]) -> str:
    """The document's bytes, and the files it may include: an included file that changed makes
    the document's analysis change too (stage 2 caches by this hash)."""
    digest = hashlib.sha256(data)
    if not included:
        return digest.hexdigest()
    for path in sorted(included):
        digest.update(b"\0" + path.encode() + b"\0" + hashlib.sha256(included[path].encode()).digest())
    return digest.hexdigest()


class _IncludedFiles:
    """The snapshot's files that documents include, read from the archive once per level of
    nesting for all the documents together, and each document's share of them."""

    def __init__(self, archive: bytes, documents: Mapping[str, bytes], decode: Callable[[str, bytes], str]):
        """`documents`: each document's bytes, decoded by `decode(path, data)` one at a time: of
        the documents' texts only those another file names are kept. The archive is read
        here only, not kept."""
        self._references: dict[str, frozenset[str]] = {}
        self._known: dict[str, str | None] = {}   # path → text; None: not includable
        for path, data in documents.items():
            self._referenced(path, decode(path, data))
        named = frozenset().union(*self._references.values())
        self._keep_documents(named, documents, decode)
        for _ in range(MAX_DEPTH):
            wanted = named - documents.keys() - self._known.keys()
            if not wanted:
                break
            found = extract(archive, wanted, MAX_INCLUDED_FILE_BYTES).files
            frontier: dict[str, str] = {}
            for path in wanted:
                text = self._known[path] = _included_text(found.get(path))
                if text is not None:
                    frontier[path] = text
            named = frozenset(p for path, text in frontier.items() for p in self._referenced(path, text))
            self._keep_documents(named, documents, decode)

    def _keep_documents(self, named: frozenset[str], documents: Mapping[str, bytes],
                        decode: Callable[[str, bytes], str]) -> None:
        for path in named & documents.keys() - self._known.keys():
            self._known[path] = decode(path, documents[path])

    def reachable_from(self, path: str, text: str) -> dict[str, str]:
        """The files `path` may include, directly or through the files it includes (at most
        MAX_DEPTH levels, MAX_INCLUDE_CANDIDATE_BYTES in all)."""
        files: dict[str, str] = {}
        total, frontier = 0, [(path, text)]
        for _ in range(MAX_DEPTH):
            following = []
            for including, including_text in frontier:
                for candidate in sorted(self._referenced(including, including_text)):
                    found = self._known.get(candidate)
                    if found is None or candidate in files or candidate == path:
                        continue
                    total += len(found)
                    if total > MAX_INCLUDE_CANDIDATE_BYTES:
                        return files
                    files[candidate] = found
                    following.append((candidate, found))
            frontier = following
        return files

    def _referenced(self, path: str, text: str) -> frozenset[str]:
        if path not in self._references:
            # Most documents name no file: they share one empty set.
            self._references[path] = frozenset(referenced_paths(path, text)) or _NOTHING
        return self._references[path]


def _included_text(data: bytes | None) -> str | None:
    """A file's text as an include shows it; None for one too large or not text."""
    if data is None or len(data) > MAX_INCLUDED_FILE_BYTES or b"\0" in data[:8192]:
        return None
    return _decode(data, None)


def _decode(data: bytes, encoding: str | None) -> str:
    try:
        return data.decode(encoding or "utf-8-sig")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")
