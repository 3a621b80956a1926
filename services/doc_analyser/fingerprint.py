"""What a stage 2 run produced, as one value (`DocsAnalysed.fingerprint`). Pure.

Two runs with the same fingerprint gave the later stages the same input, so what those stages
built on the earlier run is not out of date (services/gateway/domain/lineage.py). It covers every
analysed document by path: its content and each analysis field a later stage reads — not the run
that produced it (task id), what it cost (usage) or whether the cache answered (cached): a refresh
of an unchanged repository answers from the cache and must give the very same fingerprint."""
from __future__ import annotations

import hashlib
import json
from typing import Iterable, Mapping

from shared.events.catalogue import DocAnalysedPayload

# What stages 3 and 4 read of an analysis (services/pathway/inputs.py, services/modules/inputs.py).
FIELDS = ("path", "content_hash", "title", "doc_type", "complexity_level", "key_concepts", "learning_objectives",
          "summary", "prerequisites", "prerequisite_concepts", "related_topics", "related_documents", "word_count",
          "reading_minutes", "position")


def analysis_fingerprint(documents: Iterable[DocAnalysedPayload]) -> str:
    """A sha256 over the documents' fields in FIELDS, in path order (the order they were analysed in
    does not matter)."""
    return fingerprint_of_rows({document.path: analysis_row(document) for document in documents})


def analysis_row(document: DocAnalysedPayload) -> str:
    """One document's part of the fingerprint, as text: a run keeps this of each document it
    announced, not the whole analysis."""
    return json.dumps([getattr(document, name) for name in FIELDS], ensure_ascii=False, separators=(",", ":"))


def fingerprint_of_rows(rows: Mapping[str, str]) -> str:
    """The fingerprint of documents' `analysis_row`s by path: the sha256 of their JSON list in path
    order, written row by row."""
    digest = hashlib.sha256(b"[")
    for number, path in enumerate(sorted(rows)):
        digest.update((b"," if number else b"") + rows[path].encode())
    digest.update(b"]")
    return digest.hexdigest()
