"""One `DocumentAnalysis` of a document from the analyses of its parts (parts.py), in order:

- title: the first part's (it holds the document's start and its first heading);
- doc_type: the first part's (the opening says what kind of document it is; a tutorial with a
  reference appendix stays a tutorial); complexity: the highest of any part;
- key concepts, objectives, topics: de-duplicated case-insensitively, ranked by how high and in
  how many parts they were named (a part's first item counts 1, its second 1/2, …), so every
  part's most important ones come before anyone's minor ones; capped at the model's own limits;
- summary: the parts' sentences, first sentences of every part before second ones, kept in the
  document's order, within the summary's length limit;
- assumed knowledge: what any part assumed, minus what any part teaches (a concept explained in
  one section is not assumed by the document because another section uses it)."""
from __future__ import annotations

from typing import Sequence

from annotated_types import MaxLen

from shared.concepts import distinct
from shared.vocabulary import COMPLEXITY_LEVELS

from .lexicon import sentences
from .models import DocumentAnalysis


def merge_analyses(parts: Sequence[DocumentAnalysis]) -> DocumentAnalysis:
    if not parts:
        raise ValueError("nothing to merge: a document has at least one part")
    if len(parts) == 1:
        return parts[0]
    first = parts[0]
    taught = {_key(concept) for part in parts for concept in part.key_concepts}
    assumed = [[item for item in part.assumed_knowledge if _key(item) not in taught] for part in parts]
    return DocumentAnalysis(
        title=first.title,
        doc_type=first.doc_type,
        complexity_level=max((part.complexity_level for part in parts), key=COMPLEXITY_LEVELS.index),
        key_concepts=ranked([part.key_concepts for part in parts], _cap("key_concepts")),
        learning_objectives=ranked([part.learning_objectives for part in parts], _cap("learning_objectives")),
        summary=merged_summary([part.summary for part in parts], _cap("summary")),
        assumed_knowledge=ranked(assumed, _cap("assumed_knowledge")),
        topics=ranked([part.topics for part in parts], _cap("topics")),
    )


def ranked(lists: Sequence[Sequence[str]], most: int) -> list[str]:
    """The items of ranked lists as one ranked list: scored 1/(rank + 1) in each list that names
    them, summed; ties keep the order first seen. Spelled as first seen, blanks dropped."""
    score: dict[str, float] = {}
    spelling: dict[str, str] = {}
    for items in lists:
        for rank, item in enumerate(distinct(items, key=_key)):
            key = _key(item)
            spelling.setdefault(key, item.strip())
            score[key] = score.get(key, 0.0) + 1.0 / (rank + 1)
    order = {key: index for index, key in enumerate(spelling)}
    best = sorted(score, key=lambda key: (-score[key], order[key]))
    return [spelling[key] for key in best[:most]]


def merged_summary(summaries: Sequence[str], most_chars: int) -> str:
    """Sentences of every summary, taken round by round (each summary's first, then each one's
    second, …) while they fit `most_chars`, then put back in the document's order."""
    split = [sentences(summary) for summary in summaries]
    chosen: set[tuple[int, int]] = set()
    used = 0
    for rank in range(max((len(s) for s in split), default=0)):
        for part, found in enumerate(split):
            if rank < len(found):
                cost = len(found[rank]) + (1 if chosen else 0)
                if used + cost <= most_chars:
                    chosen.add((part, rank))
                    used += cost
    return " ".join(split[part][rank] for part, rank in sorted(chosen))


def _key(item: str) -> str:
    return " ".join(item.casefold().split())


def _cap(field: str) -> int:
    """The model's own limit on `field` (its max_length): one source for both."""
    return next(m.max_length for m in DocumentAnalysis.model_fields[field].metadata if isinstance(m, MaxLen))
