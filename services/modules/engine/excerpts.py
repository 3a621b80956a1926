"""A module's source document cut into excerpts a prompt can take or leave: one per section (its
Markdown: prose, lists, tables and code blocks in the source's order), a section too big for one cut at paragraph boundaries (a
paragraph too big at line, then word boundaries) into parts that keep its heading, so each part
still cites the right place. One pass over the text, no regular expressions."""
from __future__ import annotations

from dataclasses import dataclass

from shared import linear_regex
from shared.docs.headings import about_funding
from shared.docs.markdown_out import fenced_code, markdown_blocks
from shared.docs.model import Heading, Section
from shared.llm.prompt_size import CHARS_PER_TOKEN

from ..markdown_text import fenced_block
from .sources import SourceDoc, section_title

PARAGRAPH_BREAK = "\n\n"  # how shared.docs' builder joins a section's paragraphs
# Text that would end a fence of the prompt early: kept, as data, with the slash escaped.
_CLOSING_TAG = linear_regex.compile(r"</(source|excerpt)", linear_regex.IGNORECASE)


@dataclass(frozen=True)
class Excerpt:
    path: str
    section: int            # the section's place among the document's excerpted sections
    title: str              # its heading, or the document's title for its top
    heading: Heading | None
    part: int               # 1-based, of `parts`
    parts: int
    body: str               # as the prompt shows it: paragraphs, then fenced code

    @property
    def is_opening(self) -> bool:
        return self.section == 0 and self.part == 1


def excerpts_of(doc: SourceDoc, max_tokens: int) -> list[Excerpt]:
    """The document's sections in reading order, each in parts of at most about `max_tokens`.
    Sections with neither prose nor code are left out: there is nothing in them to show."""
    limit = max(1, int(max_tokens * CHARS_PER_TOKEN))
    found: list[Excerpt] = []
    for index, section in enumerate(_sections_with_all_code(doc)):
        bodies = _packed(_units(section, limit), limit)
        title = section_title(doc, section)
        found += [Excerpt(doc.path, index, title, section.heading, n, len(bodies), body)
                  for n, body in enumerate(bodies, start=1)]
    return found


def _units(section: Section, limit: int) -> list[str]:
    """The section's blocks in reading order, each cut to fit `limit`. Each part of a long code
    block is fenced on its own, so every part is valid Markdown."""
    if section.markdown:
        blocks = [(fenced_code(block), block) for block in markdown_blocks(section.markdown)]
    else:   # a section built by hand: its prose, then its code
        blocks = [(None, paragraph.strip()) for paragraph in section.text.split(PARAGRAPH_BREAK)
                  if paragraph.strip()] + [((block.language, block.code), "") for block in section.code]
    units: list[str] = []
    for code, block in blocks:
        if code is None:
            units += _cut(block, limit, " ")
        else:
            language, text = code
            fence_room = max(1, limit - len(language) - 16)
            units += [fenced_block(piece, language) for piece in _cut(text, fence_room, "\n")]
    return units


def rendered(excerpt: Excerpt) -> str:
    heading = excerpt.heading
    where = (f'heading="{attribute(heading.text)}" anchor="{attribute(heading.anchor)}"' if heading
             else 'heading="" anchor=""')
    part = f' part="{excerpt.part} of {excerpt.parts}"' if excerpt.parts > 1 else ""
    return f"<excerpt {where}{part}>\n{as_data(excerpt.body)}\n</excerpt>"


def as_data(text: str) -> str:
    return _CLOSING_TAG.sub(lambda match: "<\\/" + match.group(1), text)


def attribute(text: str) -> str:
    return as_data(" ".join(text.split()).replace('"', "'"))


def _sections_with_all_code(doc: SourceDoc) -> list[Section]:
    """The sections with something to show, none about funding the project; code a parser did not
    attach to a section is shown at the document's top, where stage 4's other readers cite it too
    (content.py)."""
    sections = [s for s in doc.parsed.sections
                if (s.text.strip() or s.code) and not (s.heading and about_funding(s.heading.text))]
    attached = {id(block) for s in doc.parsed.sections for block in s.code}
    loose = tuple(block for block in doc.parsed.code_blocks if id(block) not in attached)
    if loose:
        sections.append(Section(heading=None, text="", code=loose))
    return sections


def _cut(text: str, limit: int, separator: str) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut at `separator` where there is one
    within reach, else hard. Linear: each character is looked at a bounded number of times."""
    pieces, start = [], 0
    while len(text) - start > limit:
        end = text.rfind(separator, start + 1, start + limit + 1)
        end = end if end > start else start + limit
        pieces.append(text[start:end].strip(separator))
        start = end + (len(separator) if text.startswith(separator, end) else 0)
    pieces.append(text[start:].strip(separator))
    return [piece for piece in pieces if piece.strip()]


def _packed(units: list[str], limit: int) -> list[str]:
    """Consecutive units joined into bodies of at most `limit` characters (a unit is never split
    here: _cut made each one small enough)."""
    bodies: list[list[str]] = []
    size = 0
    for unit in units:
        if bodies and size + len(PARAGRAPH_BREAK) + len(unit) <= limit:
            bodies[-1].append(unit)
            size += len(PARAGRAPH_BREAK) + len(unit)
        else:
            bodies.append([unit])
            size = len(unit)
    return [PARAGRAPH_BREAK.join(body) for body in bodies]
