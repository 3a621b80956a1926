"""What a stage 2 run produced, as one value (`DocsAnalysed.fingerprint`). Pure.

Two runs with the same fingerprint gave the later stages the same input, so what those stages
built on the earlier run is not out of date (services/gateway/domain/lineage.py). It covers every
analysed document by path: its content and each analysis field a later stage reads — not the run
that produced it (task id), what it cost (usage) or whether the cache answered (cached): a refresh
of an unchanged repository answers from the cache and must give the very same fingerprint."""
from __future__ import annotations

import hashlib
import json
from typing import Iterable

from shared.events.catalogue import DocAnalysedPayload

# What stages 3 and 4 read of an analysis (services/pathway/inputs.py, services/modules/inputs.py).
FIELDS = ("path", "content_hash", "title", "doc_type", "complexity_level", "key_concepts", "learning_objectives",
          "summary", "prerequisites", "prerequisite_concepts", "related_topics", "related_documents", "word_count",
          "reading_minutes", "position")


def analysis_fingerprint(documents: Iterable[DocAnalysedPayload]) -> str:
    """A sha256 over the documents' fields in FIELDS, in path order (the order they were analysed in
    does not matter)."""
    rows = sorted(([getattr(d, name) for name in FIELDS] for d in documents), key=lambda row: row[0])
    canonical = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
