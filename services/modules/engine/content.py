"""The main content of a module, taken from its documents: their sections re-presented in order
(prose as Markdown, trimmed), their code blocks as examples, and key points built from the key
concepts and the sentences that define them."""
from __future__ import annotations

from typing import Iterator, Sequence

from shared.docs.model import Section

from ..markdown_text import code_span, escape_markdown
from ..models import CodeExample, ContentSection
from .sources import (Definition, SourceDoc, Statement, citation_for, concept_key, mention_of,
                      prose_chunks, section_title, sentences, statements)

MAX_SECTION_WORDS = 250
MAX_SECTIONS = 40
MAX_EXAMPLES = 12
MAX_EXAMPLE_LINES = 60
MAX_KEY_POINTS = 8
# Sections that are about the file rather than the subject.
_SKIPPED_HEADINGS = {"license", "licence", "table of contents", "contents", "toc", "index"}


def content_sections(sources: Sequence[SourceDoc]) -> list[ContentSection]:
    found = []
    for doc in sources:
        for section in doc.parsed.sections:
            title = section_title(doc, section)
            if title.strip().lower() in _SKIPPED_HEADINGS:
                continue
            body = (section_markdown(section.markdown, doc.path) if section.markdown
                    else prose_markdown(section.text, doc.path))
            if not body and not section.code:
                continue
            body = body or "The example below shows this part in code."
            previous = found[-1] if found else None
            if previous and previous.source.path == doc.path and not previous.source.heading \
                    and previous.title.strip().lower() == title.strip().lower()[:300]:
                # The text before the first heading is titled after the document, and the first
                # heading often is the document's title: one section, not the heading twice.
                found[-1] = ContentSection(title=previous.title, source=citation_for(doc, section),
                                           body_markdown=f"{previous.body_markdown}\n\n{body}")
                continue
            found.append(ContentSection(title=title[:300], source=citation_for(doc, section),
                                        body_markdown=body))
    return found[:MAX_SECTIONS]


def prose_markdown(text: str, path: str, max_words: int = MAX_SECTION_WORDS) -> str:
    """Plain prose → escaped Markdown paragraphs (and lists where the lines look like one), cut
    at a sentence boundary once `max_words` is reached, saying where the rest is."""
    blocks, words, paragraphs = [], 0, prose_chunks(text)
    for lines in paragraphs:
        if words >= max_words:
            break
        if _looks_like_list(lines):
            lead = [escape_markdown(lines[0])] if lines[0].endswith(":") else []
            items = lines[1:] if lead else lines
            blocks.append("\n\n".join(lead + ["\n".join(f"- {escape_markdown(item)}" for item in items)]))
            words += sum(len(line.split()) for line in lines)
            continue
        kept = []
        for sentence in sentences(" ".join(lines)):
            if words >= max_words:
                break
            kept.append(sentence)
            words += len(sentence.split())
        if kept:
            blocks.append(escape_markdown(" ".join(kept)))
    if words < sum(len(line.split()) for lines in paragraphs for line in lines):
        blocks.append(f"*Shortened here: the rest is in {code_span(path)}.*")
    return "\n\n".join(blocks)


def section_markdown(markdown: str, path: str, max_words: int = MAX_SECTION_WORDS) -> str:
    """A section's Markdown as its parser kept it (code spans, emphasis, links, callouts), cut
    after the block, or in a paragraph the sentence, that reaches `max_words`."""
    blocks, words, kept, shortened = [b for b in markdown.split("\n\n") if b.strip()], 0, [], False
    for block in blocks:
        size = len(block.split())
        if words + size <= max_words or not kept:
            if size > max_words and not block.startswith((">", "- ")):
                block = _first_sentences(block, max_words)
                shortened = True
            kept.append(block)
            words += size
        else:
            shortened = True
            break
    if shortened:
        kept.append(f"*Shortened here: the rest is in {code_span(path)}.*")
    return "\n\n".join(kept)


def _first_sentences(paragraph: str, max_words: int) -> str:
    kept, words = [], 0
    for sentence in sentences(paragraph):
        if words >= max_words:
            break
        kept.append(sentence)
        words += len(sentence.split())
    return " ".join(kept)


def _looks_like_list(lines: list[str]) -> bool:
    items = lines[1:] if lines[0].endswith(":") else lines
    short = all(len(item.split()) <= 12 for item in items)
    return len(items) >= 2 and short and (lines[0].endswith(":") or len(items) >= 3)


def code_examples(sources: Sequence[SourceDoc]) -> list[CodeExample]:
    found, seen = [], set()
    for doc, section, language, code in _code_blocks(sources):
        lines = code.strip("\n").rstrip().split("\n")
        text = "\n".join(lines[:MAX_EXAMPLE_LINES])
        if not text.strip() or text in seen:
            continue
        seen.add(text)
        caption = section_title(doc, section)
        if len(lines) > MAX_EXAMPLE_LINES:
            caption += f" (first {MAX_EXAMPLE_LINES} of {len(lines)} lines)"
        found.append(CodeExample(language=normalised_language(language, text), code=text,
                                 caption=caption, source=citation_for(doc, section)))
    return found[:MAX_EXAMPLES]


def _code_blocks(sources: Sequence[SourceDoc]) -> Iterator[tuple[SourceDoc, Section, str, str]]:
    for doc in sources:
        in_sections = set()
        for section in doc.parsed.sections:
            for block in section.code:
                in_sections.add(block)
                yield doc, section, block.language, block.code
        # Blocks a parser did not attach to a section are cited at the document's top.
        for block in doc.parsed.code_blocks:
            if block not in in_sections:
                yield doc, Section(heading=None, text=""), block.language, block.code


def normalised_language(language: str, code: str) -> str:
    language = language.strip().lower().split(" ")[0] if language.strip() else ""
    lines = [line for line in code.split("\n") if line.strip()]
    if not language and lines and lines[0].startswith("$ "):    # a terminal session
        return "console"
    return language


def key_points(sources: Sequence[SourceDoc], definitions: Sequence[Definition]) -> list[str]:
    by_concept = {definition.concept: definition.statement for definition in definitions}
    all_statements = [statement for doc in sources for statement in statements(doc)]
    points, covered = [], set()
    for doc in sources:
        for concept in doc.key_concepts:
            key = concept_key(concept)
            if key in covered or not concept.strip():
                continue
            covered.add(key)
            statement = by_concept.get(key) or next(
                (s for s in all_statements if mention_of(concept, s.sentence)), None)
            points.append(_point(concept, statement, doc.path))
    for definition in definitions:
        if definition.concept not in covered:
            covered.add(definition.concept)
            points.append(_point(definition.term, definition.statement, definition.statement.source.path))
    if not points:   # nothing named or defined: each document's first statement
        points = [_point("", next(statements(doc), None), doc.path) for doc in sources]
        points = [point for point in points if point]
    return points[:MAX_KEY_POINTS]


def _point(concept: str, statement: Statement | None, path: str) -> str:
    name = f"**{escape_markdown(concept.strip())}**" if concept.strip() else ""
    if statement is None:
        return f"{name} (see {code_span(path)})" if name else ""
    quote = f"{escape_markdown(statement.sentence)} ({code_span(statement.source.path)})"
    return f"{name}: {quote}" if name else quote
