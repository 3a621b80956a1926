"""The facts stage 4 builds a module from: each source document's parsed text and its stage 2
analysis, split into sentences that keep their place (path + section), and the definitional
sentences among them ("A broker is a server process that ..."). Pure functions, no I/O."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterator, Sequence

from shared import linear_regex
from shared.cjk import ends_sentence, has_cjk, sentence_pieces
from shared.docs.markdown_out import code_span, escape_markdown
from shared.docs.model import ParsedDocument, Section
from shared.docs.pointers import points_beside

from ..models import Citation
from .quoting import quoted


@dataclass(frozen=True)
class SourceDoc:
    """One document of a module: the parsed file and what stage 2 said about it."""
    parsed: ParsedDocument
    title: str = ""
    doc_type: str = "other"
    key_concepts: Sequence[str] = ()
    learning_objectives: Sequence[str] = ()
    summary: str = ""
    # The file as written, for the line ranges a claim's citation names (spans.py); "" when unknown.
    raw_text: str = field(default="", repr=False, compare=False)

    @property
    def path(self) -> str:
        return self.parsed.path

    @property
    def display_title(self) -> str:
        return (self.title or self.parsed.title or self.parsed.path).strip()


@dataclass(frozen=True)
class Statement:
    sentence: str
    source: Citation
    section_title: str      # the heading, or the document's title for its top
    section_markdown: str = field(default="", compare=False, repr=False)  # Section.markdown

    @property
    def markdown(self) -> str:
        """The sentence as the source's Markdown writes it: inline code and emphasis kept."""
        return quoted(self.sentence, self.section_markdown)


@dataclass(frozen=True)
class Definition:
    article: str            # "A", "An", "The" or "" as written
    term: str               # "broker"
    verb: str               # "is", "are", "refers to", "means"
    predicate: str          # "a server process that stores messages"
    statement: Statement

    @property
    def concept(self) -> str:
        return concept_key(self.term)


# Openers that point at something said before or around the sentence: out of context, such a
# sentence means nothing, so it makes no question.
_ANAPHORIC = {"it", "this", "that", "these", "those", "there", "here", "they", "he", "she", "which",
              "such", "see", "below", "above", "following", "next", "then", "so", "also"}
# Words that cannot be (part of) the term a definition defines.
_NOT_A_TERM = _ANAPHORIC | {"what", "who", "we", "you", "each", "every", "all", "one", "not", "now",
                            "result", "default", "goal", "idea",
                            # a ranking, not a thing: "The only commonality is…", "The main difference is…"
                            "only", "main", "best", "first", "last", "next", "other", "same",
                            # a clause's opening word: "When the user is logged in, …" defines no "When the user"
                            "when", "if", "while", "because", "since", "although", "once", "after", "before",
                            "until", "unless", "where", "how", "why", "whether", "as"}
_DEFINITION = linear_regex.compile(
    r"^(?:(?P<article>A|An|The)\s+)?(?P<term>[A-Za-z][\w.+#/-]*(?:[ -][A-Za-z][\w.+#/-]*){0,3})\s+"
    r"(?P<verb>is|are|refers to|means)\s+(?P<predicate>.+?)[.!]?$")
_CLAUSE_LED = linear_regex.compile(r"^(?:that|you|we|it|they|i|he|she|there|this|your|our)\b",
                                   linear_regex.IGNORECASE)
_ARTICLE_LED = linear_regex.compile(r"^(?:a|an|the|one|any)\s", linear_regex.IGNORECASE)
# "The property is a string-like object…" (Starlette, after "accessed as `request.url`"): "the"
# and a kind of thing in code points back at the thing just named; it defines no "property".
_KINDS_IN_CODE = frozenset("property method function class attribute object option parameter argument "
                           "value field variable module package command key setting flag decorator "
                           "instance type return".split())
# "The plugin definition is the best place" ranks X, it does not say what X is.
_RANKING = linear_regex.compile(r"^(?:a|an|the|one)\s+(?:best|worst|only|most|least|easiest|simplest|fastest|"
                                r"latest|newest|oldest|biggest|largest|smallest|same|recommended|preferred|right|"
                                r"wrong|main|next|last|first|ideal|perfect|obvious)\b", linear_regex.IGNORECASE)
# Between sentences: a closing mark, maybe a closing quote or bracket, blanks, then what opens the
# next sentence; the mark and the opening stay with their sentences (the group is what is cut out).
_SENTENCE_END = linear_regex.compile(r"[.!?](?P<gap>[\"')\]]?\s+)[A-Z0-9\"'(\[`]")


def citation_for(doc: SourceDoc, section: Section) -> Citation:
    if section.heading is None:
        return Citation(path=doc.path)
    return Citation(path=doc.path, heading=section.heading.text, anchor=section.heading.anchor)


def section_title(doc: SourceDoc, section: Section) -> str:
    heading = section.heading.text.strip() if section.heading is not None else ""
    return heading or doc.display_title


def source_phrase(citation: Citation) -> str:
    """How an explanation names its source, as Markdown: "From `docs/a.md`, section 'Brokers'"."""
    if citation.heading:
        return f"From {code_span(citation.path)}, section '{escape_markdown(citation.heading)}'"
    return f"From {code_span(citation.path)}"


def prose_chunks(text: str) -> list[list[str]]:
    """Paragraphs as lists of logical lines: a wrapped line (one that continues in lower case after
    a line without closing punctuation) is joined to the previous one; other lines stay apart,
    because parsers leave list items one per line without their markers."""
    paragraphs = []
    for paragraph in linear_regex.split(r"\n\s*\n", text.strip()):
        lines: list[str] = []
        for raw in paragraph.splitlines():
            line = " ".join(raw.split())
            if not line:
                continue
            if lines and not lines[-1].endswith((".", "!", "?", ":", ";")) and line[0].islower():
                lines[-1] = f"{lines[-1]} {line}"
            else:
                lines.append(line)
        if lines:
            paragraphs.append(lines)
    return paragraphs


def sentences(text: str) -> list[str]:
    return list(_sentences(text))


# Each section is read for every question kind and every module that cites it: a module's sections
# fit, a course's do not (4,096 of a 2,000-document course held 12 MB by stage 4's end, no faster).
@lru_cache(maxsize=1_024)
def _sentences(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for lines in prose_chunks(text) for line in lines
                 for part in _sentences_of(line) if part.strip())


def _sentences_of(line: str) -> list[str]:
    """The line cut at each gap between sentences. A sentence's opening character is never a
    closing mark, so gaps found after it are the same as gaps found from it."""
    parts = []
    for piece in sentence_pieces(line):  # Chinese and Japanese ends first: no blank follows them
        start = 0
        for gap in _SENTENCE_END.finditer(piece):
            parts.append(piece[start:gap.start("gap")])
            start = gap.end("gap")
        parts.append(piece[start:])
    return parts


def is_statement(sentence: str) -> bool:
    """A sentence that can stand alone as a fact: complete, declarative, not too short or long, not
    pointing at something beside it on its page (shared/docs/pointers.py)."""
    if has_cjk(sentence):
        return _is_cjk_statement(sentence)
    words = sentence.split()
    first = words[0].lower().strip(",:") if words else ""
    return (5 <= len(words) <= 40 and sentence.endswith(".") and sentence[0].isupper()
            and first not in _ANAPHORIC and "?" not in sentence and not points_beside(sentence))


# A Chinese or Japanese statement: its length in characters (no spaces to count words by), a
# full-width end (a Western one is what the parser gives a list item or a table row); "this", "it" and "these" opening it point back at what came before.
_CJK_STATEMENT_LENGTH = (12, 120)
_CJK_ANAPHORIC = ("这", "该", "其", "此", "它", "那", "これ", "それ", "この", "その")


def _is_cjk_statement(sentence: str) -> bool:
    return (_CJK_STATEMENT_LENGTH[0] <= len(sentence) <= _CJK_STATEMENT_LENGTH[1]
            and ends_sentence(sentence) and not sentence.startswith(_CJK_ANAPHORIC)
            and "?" not in sentence and "？" not in sentence and not points_beside(sentence))


def statements(doc: SourceDoc) -> Iterator[Statement]:
    for section in doc.parsed.sections:
        citation, title = citation_for(doc, section), section_title(doc, section)
        for sentence in sentences(section.text):
            if is_statement(sentence):
                yield Statement(sentence, citation, title, section.markdown)


def definition_in(statement: Statement) -> Definition | None:
    parts = _definition_parts(statement.sentence)
    return None if parts is None else Definition(*parts, statement)


@lru_cache(maxsize=4_096)  # every module looks for definitions in each sentence of its sources
def _definition_parts(sentence: str) -> tuple[str, str, str, str] | None:
    match = _DEFINITION.match(sentence)
    if match is None:
        return None
    term, verb, predicate = match["term"], match["verb"], match["predicate"].strip()
    if any(word.lower() in _NOT_A_TERM or word in ("is", "are") for word in term.split()):
        return None
    if (match["article"] or "").lower() == "the" and term.lower() in _KINDS_IN_CODE:
        return None
    # "X is easy to install" says something about X; "X is a/the ..." says what X is.
    if verb in ("is", "are") and (not _ARTICLE_LED.match(predicate) or _RANKING.match(predicate)):
        return None
    # "Installing means you can import it anywhere" says what follows from X, not what X is.
    if verb == "means" and _CLAUSE_LED.match(predicate):
        return None
    if len(predicate.split()) < 3:
        return None
    return match["article"] or "", term, verb, predicate


def definitions(sources: Sequence[SourceDoc]) -> list[Definition]:
    """The first definition of each concept, in reading order."""
    found: dict[str, Definition] = {}
    for doc in sources:
        for statement in statements(doc):
            definition = definition_in(statement)
            if definition is not None and definition.concept not in found:
                found[definition.concept] = definition
    return list(found.values())


def concept_key(phrase: str) -> str:
    """A concept's identity: lower case, without a leading article, last word singular."""
    words = linear_regex.sub(r"^(a|an|the)\s+", "", " ".join(phrase.lower().split())).split(" ")
    last = words[-1]
    if last.endswith(("sses", "ches", "shes", "xes")):
        last = last[:-2]
    elif last.endswith("s") and not last.endswith("ss") and len(last) > 3:
        last = last[:-1]
    return " ".join(words[:-1] + [last])


def mention_of(concept: str, sentence: str) -> tuple[int, int] | None:
    """Where (start, end) the sentence names the concept, as a whole word (singular or plural, any
    case), if it does."""
    name = concept.strip()
    if not name:
        return None
    # Case folding maps every character that matches an ASCII letter regardless of case (K, ſ) to
    # that letter: an ASCII name the folded sentence does not contain is not there.
    if name.isascii() and name.casefold() not in sentence.casefold():
        return None
    if name.isascii() and sentence.isascii():
        return _ascii_mention(name, sentence)
    if has_cjk(name):  # no blank marks a CJK word's edges: the name where it is written
        at = sentence.find(name)
        return (at, at + len(name)) if at >= 0 else None
    return _mention_by_pattern(name, sentence)


def _mention_by_pattern(name: str, sentence: str) -> tuple[int, int] | None:
    # Word boundaries in Python's Unicode sense ("café" is a word), spelt as the character beside
    # the name: a word character where the name's own edge is not one, and the other way round.
    # The plural endings are tried as a backtracking matcher would: "es", then "s", then none.
    plural_edge = r"(?:[^\w]|$)"
    before = r"(?:^|[^\w])" if is_word_char(name[0]) else r"[\w]"
    after = plural_edge if is_word_char(name[-1]) else r"[\w]"
    body = linear_regex.escape(name)
    found = linear_regex.search(rf"{before}(?:(?P<es>{body}es){plural_edge}|(?P<s>{body}s){plural_edge}"
                                rf"|(?P<bare>{body}){after})", sentence, linear_regex.IGNORECASE)
    if found is None:
        return None
    return next(found.span(group) for group in ("es", "s", "bare") if found.start(group) >= 0)


def _ascii_mention(name: str, sentence: str) -> tuple[int, int] | None:
    """`_mention_by_pattern` for an ASCII name in an ASCII sentence, in plain code: the same leftmost
    mention and plural ending, without compiling a pattern per concept (stage 4 asks for thousands
    of concepts; each pattern cost milliseconds to build)."""
    folded, key = sentence.lower(), name.lower()
    word_first, word_last = is_word_char(name[0]), is_word_char(name[-1])
    length = len(sentence)

    def edge_after(end: int) -> bool:  # what follows a plural: a non-word character or the end
        return end == length or not is_word_char(sentence[end])

    start = folded.find(key)
    while start >= 0:
        if (start == 0 and word_first) or (start > 0 and is_word_char(sentence[start - 1]) != word_first):
            end = start + len(key)
            for ending in ("es", "s"):
                if folded.startswith(ending, end) and edge_after(end + len(ending)):
                    return start, end + len(ending)
            if (edge_after(end) if word_last else end < length and is_word_char(sentence[end])):
                return start, end
        start = folded.find(key, start + 1)
    return None


def is_word_char(char: str) -> bool:
    """A word character as Python's `\\w` has it."""
    return char.isalnum() or char == "_"
