"""The main content of a module, taken from its documents: their sections re-presented in order
(prose, lists, tables, callouts and code blocks where the source put them, trimmed), and key points
built from the key concepts and the sentences that define them."""
from __future__ import annotations

from typing import Sequence

from shared.docs.headings import LICENCE, TABLE_OF_CONTENTS, about_funding
from shared.docs.markdown_out import fenced_block, fenced_code, markdown_blocks
from shared.docs.model import Section

from ..markdown_text import code_span, escape_markdown
from ..models import ContentSection
from .sources import (Definition, SourceDoc, Statement, citation_for, concept_key, mention_of,
                      prose_chunks, section_title, sentences, statements)

MAX_SECTION_WORDS = 300     # of prose: code blocks are not counted
MAX_SECTION_CODE_BLOCKS = 6
MAX_SECTIONS = 48          # per module, shared fairly among its documents
MIN_SECTIONS_PER_DOCUMENT = 2
MORE_TITLES_NAMED = 4
MAX_EXAMPLE_LINES = 60
MAX_KEY_POINTS = 8
# Sections that are about the file rather than the subject.
_SKIPPED_HEADINGS = TABLE_OF_CONTENTS | LICENCE


def content_sections(sources: Sequence[SourceDoc]) -> list[ContentSection]:
    """Every document of the module, in order, each with its sections up to its fair share of
    MAX_SECTIONS (at least MIN_SECTIONS_PER_DOCUMENT): a document longer than its share ends with a
    note naming the headings not shown, so no document of the module is left out unsaid."""
    share = max(MIN_SECTIONS_PER_DOCUMENT, MAX_SECTIONS // max(1, len(sources)))
    found: list[tuple[ContentSection, str]] = []
    for doc in sources:
        sections = _document_sections(doc)
        if len(sections) > share:
            shown = _worth_showing([(section, level) for section, level, _ in sections], share)
            rest = [section.title for index, (section, _, _) in enumerate(sections) if index not in shown]
            kept = [(section, within) for index, (section, _, within) in enumerate(sections) if index in shown]
            last, within = kept[-1]
            kept[-1] = (last.model_copy(
                update={"body_markdown": f"{last.body_markdown}\n\n{_more_in(doc.path, rest)}"}), within)
            found += kept
        else:
            found += [(section, within) for section, _, within in sections]
    return _told_apart(found)


def _told_apart(found: list[tuple[ContentSection, str]]) -> list[ContentSection]:
    """A section titled as the one before it ("Example request" under each of two headings, or
    on two pages) is titled with what it sits under, so no heading shows twice in a row."""
    titled: list[ContentSection] = []
    previous_within = ""
    for section, within in found:
        if titled and _same(titled[-1].title, section.title):
            if within and not _same(within, section.title):
                section = section.model_copy(update={"title": f"{section.title} ({within})"[:300]})
            elif previous_within and not _same(previous_within, titled[-1].title):
                titled[-1] = titled[-1].model_copy(update={"title": f"{titled[-1].title} ({previous_within})"[:300]})
        titled.append(section)
        previous_within = within
    return titled


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def _worth_showing(sections: list[tuple[ContentSection, int]], share: int) -> set[int]:
    """Which `share` of a document's sections a module shows: its opening, then the sections
    that show how (code: Flask's installation page showed its optional dependencies' greenlet
    note and left out creating an environment and installing Flask), then the main sections
    before their subsections, earlier first; shown in the document's order."""
    def worth(index: int) -> tuple[bool, bool, int, int]:
        section, level = sections[index]
        return (index != 0, "```" not in section.body_markdown, level, index)
    return set(sorted(range(len(sections)), key=worth)[:share])


def _document_sections(doc: SourceDoc) -> list[tuple[ContentSection, int, str]]:
    """The document's sections worth a place in a course, each with its heading's level (0 for the
    text before the first heading) and the heading it sits under (the document's title at the top)."""
    found: list[tuple[ContentSection, int, str]] = []
    above: list[tuple[int, str]] = []  # the open headings, outermost first
    for section in doc.parsed.sections:
        title = section_title(doc, section)
        level = section.heading.level if section.heading else 0
        while above and above[-1][0] >= level:
            above.pop()
        within = above[-1][1] if above else doc.display_title
        if section.heading:
            above.append((level, section.heading.text))
        if title.strip().lower() in _SKIPPED_HEADINGS or about_funding(title):
            continue
        body = (section_markdown(section.markdown, doc.path) if section.markdown
                else _with_code(prose_markdown(section.text, doc.path), section))
        if not body:
            continue
        previous = found[-1][0] if found else None
        if previous and previous.title.strip().lower() == title.strip().lower()[:300] \
                and (not previous.source.heading or within.strip().lower() == title.strip().lower()):
            # The text before the first heading is titled after the document, and the first
            # heading often is the document's title; or a heading sits right under one of the
            # same words: one section, not the heading twice in a row.
            found[-1] = (ContentSection(title=previous.title, source=citation_for(doc, section),
                                        body_markdown=f"{previous.body_markdown}\n\n{body}"), 0, found[-1][2])
            continue
        found.append((ContentSection(title=title[:300], source=citation_for(doc, section), body_markdown=body),
                      level, within))
    return found


def _more_in(path: str, titles: list[str]) -> str:
    named = ", ".join(escape_markdown(title) for title in titles[:MORE_TITLES_NAMED])
    more = f" and {len(titles) - MORE_TITLES_NAMED} more" if len(titles) > MORE_TITLES_NAMED else ""
    return f"*{code_span(path)} also has {named}{more}: read them there.*"


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
    """A section's Markdown as its parser kept it — prose, lists, tables, callouts and code blocks
    in the source's order — cut after the block, or in a paragraph the sentence, that reaches
    `max_words` of prose. A code block right after the last prose kept stays with it (the sentence
    that introduces it), a long one is cut to its first lines."""
    kept, words, code_blocks, shortened = [], 0, 0, False
    for block in markdown_blocks(markdown):
        code = fenced_code(block)
        if code is not None:
            if code_blocks >= MAX_SECTION_CODE_BLOCKS:
                shortened = True
                break
            kept.append(_first_lines(*code))
            code_blocks += 1
            continue
        if words >= max_words and kept:
            shortened = True
            break
        size = len(block.split())
        if words + size > max_words and kept and not _is_code_lead(block):
            shortened = True
            break
        if size > max_words and not block.startswith((">", "- ", "|")) and not block[:1].isdigit():
            block = _first_sentences(block, max_words)
            shortened = True
        kept.append(block)
        words += size
    if shortened:
        kept.append(f"*Shortened here: the rest is in {code_span(path)}.*")
    return "\n\n".join(kept)


def _with_code(prose: str, section: Section) -> str:
    """A section built without Markdown (by hand, or by an older parser): its code after its prose."""
    code = [_first_lines(block.language, block.code) for block in section.code[:MAX_SECTION_CODE_BLOCKS]]
    return "\n\n".join(part for part in [prose, *code] if part)


def _is_code_lead(block: str) -> bool:
    """A short paragraph ending in a colon introduces what follows (usually code)."""
    return block.rstrip().endswith(":") and len(block.split()) <= 40


def _first_lines(language: str, code: str) -> str:
    lines, language = code.split("\n"), normalised_language(language, code)
    if len(lines) <= MAX_EXAMPLE_LINES:
        return fenced_block(code, language)
    shown = fenced_block("\n".join(lines[:MAX_EXAMPLE_LINES]), language)
    return f"{shown}\n\n*The first {MAX_EXAMPLE_LINES} of {len(lines)} lines.*"


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


def normalised_language(language: str, code: str) -> str:
    language = language.strip().lower().split(" ")[0] if language.strip() else ""
    lines = [line for line in code.split("\n") if line.strip()]
    if not language and lines and lines[0].startswith("$ "):    # a terminal session
        return "console"
    return language


MOST_NAMED_PER_POINT = 3


def key_points(sources: Sequence[SourceDoc], definitions: Sequence[Definition]) -> list[str]:
    """Each key concept with the sentence that defines or first mentions it; concepts that one
    sentence covers share its point ("**framework**, **toolkit**: Starlette is a lightweight ASGI
    framework/toolkit…") rather than repeating it."""
    by_concept = {definition.concept: definition.statement for definition in definitions}
    all_statements = [statement for doc in sources for statement in statements(doc)]
    found: list[tuple[list[str], Statement | None, str]] = []  # (concepts, statement, path)
    covered: set[str] = set()

    def add(concept: str, statement: Statement | None, path: str) -> None:
        shared = next((point for point in found if statement is not None and point[1] == statement), None)
        if shared is not None:
            shared[0].append(concept)
        else:
            found.append(([concept] if concept else [], statement, path))

    for doc in sources:
        for concept in doc.key_concepts:
            key = concept_key(concept)
            if key in covered or not concept.strip():
                continue
            covered.add(key)
            add(concept, by_concept.get(key) or next(
                (s for s in all_statements if mention_of(concept, s.sentence)), None), doc.path)
    for definition in definitions:
        if definition.concept not in covered:
            covered.add(definition.concept)
            add(definition.term, definition.statement, definition.statement.source.path)
    # A concept no sentence explains ("**installation** (see …)") only fills what room is left.
    found.sort(key=lambda point: point[1] is None)
    points = [_point(concepts, statement, path) for concepts, statement, path in found]
    if not points:   # nothing named or defined: each document's first statement
        points = [_point([], next(statements(doc), None), doc.path) for doc in sources]
    return [point for point in points if point][:MAX_KEY_POINTS]


def _point(concepts: list[str], statement: Statement | None, path: str) -> str:
    # The first few name the point; seven bold names before one sentence (Click's "beautiful
    # command line interfaces, Python package, little code, python, command, …") bury it.
    named = [concept.strip() for concept in concepts if concept.strip()][:MOST_NAMED_PER_POINT]
    name = ", ".join(f"**{escape_markdown(concept)}**" for concept in named)
    if statement is None:
        return f"{name} (see {code_span(path)})" if name else ""
    quote = f"{statement.markdown} ({code_span(statement.source.path)})"
    return f"{name}: {quote}" if name else quote
