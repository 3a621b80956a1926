"""A run's sources, parsed once before any module is written and set aside on disk (shared/spill.py),
each read back when a module that cites it is written: a pathway over 20,000 documents holds the
sources of the modules being written, not every parsed document of the course. Blocking: build it
in a thread."""
from __future__ import annotations

from typing import Iterator, Mapping

from shared.docs.loading import iter_documents
from shared.spill import SpillFile, Spilled

from .engine.sources import SourceDoc
from .inputs import SourceAnalysis


class SpilledSources:
    """Reads like a dict of SourceDoc by path: `sources[path]`, `pop`, `values()` (one at a time).
    Close it when the run is over."""

    def __init__(self) -> None:
        self._spill = SpillFile()
        self._places: dict[str, Spilled] = {}

    @classmethod
    def parsed(cls, archive: bytes, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
               analyses: Mapping[str, SourceAnalysis]) -> tuple["SpilledSources", dict[str, str]]:
        """The documents of `paths` parsed, with what stage 2 said of each, and the unreadable ones
        by path with the reason."""
        sources, problems = cls(), dict[str, str]()
        try:
            for path, document, problem in iter_documents(archive, paths, encodings, max_bytes):
                if document is None:
                    problems[path] = problem or "unreadable"
                    continue
                p = analyses.get(path)
                sources._places[path] = sources._spill.put(SourceDoc(
                    document.parsed, p.title if p else "", p.doc_type if p else "other",
                    p.key_concepts if p else (), p.learning_objectives if p else (),
                    p.summary if p else "", raw_text=document.raw_text))
        except BaseException:
            sources.close()
            raise
        return sources, problems

    def __getitem__(self, path: str) -> SourceDoc:
        return self._spill.take(self._places[path])

    def __contains__(self, path: object) -> bool:
        return path in self._places

    def __len__(self) -> int:
        return len(self._places)

    def pop(self, path: str, default: None = None) -> None:
        """Forgets `path` (no module left to write reads it); its bytes stay until the file is closed."""
        self._places.pop(path, default)

    def values(self) -> Iterator[SourceDoc]:
        for path in list(self._places):
            yield self[path]

    def close(self) -> None:
        self._spill.close()
