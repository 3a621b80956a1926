"""Stage 4's offline engine: writes a module's content from its source documents alone,
deterministically — the same documents always give the same module. It answers with the same
`ModuleContent` an LLM fills, so the rest of the stage does not care which wrote it."""
from __future__ import annotations

from typing import Sequence

from shared import linear_regex
from shared.docs.pointers import points_beside

from .content import content_sections, key_points
from ..markdown_text import code_span, escape_markdown
from ..models import ModuleContent, ModuleSpec
from .questions import build_assessment
from .quoting import quoted_sentences
from .sources import SourceDoc, concept_key, definitions, sentences

__all__ = ["SourceDoc", "write_module"]
MAX_OBJECTIVES = 6


def write_module(spec: ModuleSpec, sources: Sequence[SourceDoc]) -> ModuleContent:
    """`sources` are the module's documents, and all it draws on — wrong answers included: a module
    drawing on the rest of the course would change when another document changes, and a refresh
    would rewrite modules whose own documents did not change."""
    ordered = in_spec_order(spec, sources)
    objectives = objectives_for(spec, ordered)
    concepts = concepts_of(ordered)
    return ModuleContent(
        title=spec.title, introduction=introduction(spec, ordered, objectives),
        learning_objectives=objectives,
        sections=content_sections(ordered),
        key_points=key_points(ordered, definitions(ordered)), conclusion=conclusion(spec, ordered, concepts),
        assessment=build_assessment(ordered), summary=summary(spec, ordered))


def in_spec_order(spec: ModuleSpec, sources: Sequence[SourceDoc]) -> list[SourceDoc]:
    """The pathway's reading order; documents it does not list keep their order, after it."""
    rank = {path: n for n, path in enumerate(spec.documents)}
    return sorted(sources, key=lambda doc: rank.get(doc.path, len(rank)))


def objectives_for(spec: ModuleSpec, sources: Sequence[SourceDoc]) -> list[str]:
    if spec.learning_objectives:
        return list(spec.learning_objectives)
    found = _unique(objective for doc in sources for objective in doc.learning_objectives)
    if not found:
        found = [f"Explain what “{concept}” means and where it is used"
                 for concept in concepts_of(sources)[:3]]
    return (found or [f"Work through {doc.display_title}" for doc in sources])[:MAX_OBJECTIVES]


def concepts_of(sources: Sequence[SourceDoc]) -> list[str]:
    seen, concepts = set(), []
    for concept in (c.strip() for doc in sources for c in doc.key_concepts):
        if concept and concept_key(concept) not in seen:
            seen.add(concept_key(concept))
            concepts.append(concept)
    return concepts


def introduction(spec: ModuleSpec, sources: Sequence[SourceDoc], objectives: Sequence[str]) -> str:
    covered = _listed([doc.display_title for doc in sources])
    what = spec.description.strip() or (f"This module covers {covered}." if covered else spec.title)
    parts = [escape_markdown(what)]
    first = next((doc for doc in sources if _gist(doc)), None)
    why = _not_repeating(_gist(first), what) if first else ""
    if why:
        parts.append(f"Why it matters: {_as_written(why, first)}")
    if objectives:
        parts.append("By the end of it you should be able to:\n\n"
                     + "\n".join(f"- {escape_markdown(objective)}" for objective in objectives))
    if sources:
        parts.append("It draws on these documents:\n\n" + "\n".join(
            f"- {code_span(doc.path)}: {escape_markdown(doc.display_title)}" for doc in sources))
    if spec.estimated_minutes:
        parts.append(f"Expect about {spec.estimated_minutes} minutes at {spec.complexity_level} level.")
    return "\n\n".join(parts)


def conclusion(spec: ModuleSpec, sources: Sequence[SourceDoc], concepts: Sequence[str]) -> str:
    covered = _listed([doc.display_title for doc in sources]) or spec.title
    parts = [f"You have worked through {escape_markdown(covered)}."]
    if concepts:
        parts.append(f"The ideas to keep are {escape_markdown(_listed(list(concepts[:5])))}.")
    parts.append("Check your understanding with the questions of the assessment; each answer points "
                 "back to the section it comes from, so you can reread it.")
    return " ".join(parts)


def summary(spec: ModuleSpec, sources: Sequence[SourceDoc]) -> str:
    lines = [f"**{escape_markdown(spec.title)}** drew on {len(sources)} document"
             f"{'' if len(sources) == 1 else 's'}:", ""]
    for doc in sources:
        gist = _as_written(_gist(doc), doc) or escape_markdown("(no prose to summarise)")
        title = escape_markdown(doc.display_title)
        lines.append(f"- **{title}** ({code_span(doc.path)}): {gist}")
    return "\n".join(lines)


# A sentence's closing mark and the blank after it: the mark stays with the sentence.
_SENTENCE_END = linear_regex.compile(r"[.!?]\s+")


def _not_repeating(gist: str, said: str) -> str:
    """The gist without its opening sentence when that was just said (stage 3's module description
    ends with the first document's opening sentence)."""
    gist_text = gist.strip()
    end = _SENTENCE_END.search(gist_text)
    first, rest = (gist_text[:end.start() + 1], gist_text[end.end():]) if end else (gist_text, "")
    return rest.strip() if first and first in said else gist


def _gist(doc: SourceDoc) -> str:
    """Stage 2's summary, else the document's first two sentences."""
    complete = [sentence for sentence in sentences(doc.parsed.text)
                if sentence.endswith((".", "!")) and not points_beside(sentence)]
    return doc.summary.strip() or " ".join(complete[:2])


def _as_written(text: str, doc: SourceDoc) -> str:
    """A gist of `doc` as Markdown: each sentence as the section holding it writes it (inline code
    kept), where the gist quotes the document; stage 2's own wording is escaped."""
    return " ".join(quoted_sentences(sentences(text), doc.parsed.sections))


def _listed(items: list[str]) -> str:
    items = [item for item in items if item]
    if len(items) < 2:
        return items[0] if items else ""
    return f"{', '.join(items[:-1])} and {items[-1]}"


def _unique(items) -> list[str]:
    seen, unique = set(), []
    for item in (i.strip() for i in items):
        if item and item.lower() not in seen:
            seen.add(item.lower())
            unique.append(item)
    return unique
