"""The claims of a module's text: every sentence of the prose fields a writer fills (introduction,
sections, key points, conclusion, summary, question explanations), each with where it sits in its
field, so the ledger (ledger.py) can check it against its source and remove or replace it in place.

What a claim asserts is in its *content words*: identifiers (`kettle.boil`, `--verbose`,
`max_size`, `HttpClient`), numbers, and the other words that are neither function words
(shared.concepts.STOPWORDS) nor the course's own framing (FRAME: "module", "covers", "by the end
you will be able to…"), nor the module's own names (its title, its documents' titles and paths, its
objectives and key concepts: a sentence that only names what the module is about asserts nothing
about the subject). A sentence with no content word is framing, not a claim. A leading label
("Why it matters:", "**Install** (`docs/install.md`):") is framing too.

Everything here is linear in the text: a sentence is cut at each closing mark by one pattern, and
each text is read once."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Iterator, Sequence

from shared import linear_regex
from shared.concepts import STOPWORDS

from ..models import ModuleContent, ModuleSpec
from .sources import SourceDoc

# Words a course uses about itself and its reader, not about the subject it teaches.
FRAME = frozenset("""
able about after again answer answers assessment back before below begin check checks chapter
course courses cover covered covers covering document documents draws drew end expect explain
explains found goes going guide here idea ideas introduction keep key later learn learned learning
lesson level matters minute minutes module modules next objective objectives page pages point points
practice question questions quiz read reader reading reread review section sections see shows should
source sources start summary take takes teaches through topic topics understand understanding want
way well why will work worked working would write written you your yourself beginner intermediate
advanced overview covered finally first second then also now let lets rest prose summarise come comes shortened line lines example examples there runs command
true false
""".split())

_WORD = linear_regex.compile(r"--?[A-Za-z][\w-]*|\w+(?:[._/:#-]\w+)*")
# As stage 4's sources cut sentences (sources._SENTENCE_END): a closing mark, then blanks and a
# capital, a digit or an opening mark; CJK closing marks need no blank.
_SENTENCE_GAP = linear_regex.compile(r"[.!?](?P<gap>[\"')\]*_`]*\s+)[A-Z0-9\"'(\[`*_]|[。！？](?P<cjk>)")
_LIST_MARK = linear_regex.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_LINK = linear_regex.compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")
_LABEL = linear_regex.compile(r"^([^:!?\n]{1,120}?):\s+")
_UNDERSCORE_EDGE = linear_regex.compile(r"(^|[\s(\"'])_+|_+([\s).,;:!?\"']|$)")
_CJK = linear_regex.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def plain(markdown: str) -> str:
    """A sentence's Markdown as the reader sees it: link labels kept, code spans' text kept,
    emphasis marks, escapes and block marks removed."""
    return unemphasised(markdown).replace("`", "")


def unemphasised(markdown: str) -> str:
    """`plain`, but code spans kept as written: the rule (shared/grounding.py) reads identifiers
    there (`CPU * 2`, `__init__`). Outside them, `*` and `_` around words are emphasis."""
    # Each pattern is tried only on a text holding what its matches hold.
    pieces = (_LINK.sub(lambda m: m.group(1), markdown) if "](" in markdown else markdown).split("`")
    for n in range(0, len(pieces), 2):
        text = pieces[n].replace("\\", "")
        for mark in ("**", "*"):
            text = text.replace(mark, "")
        pieces[n] = _UNDERSCORE_EDGE.sub(lambda m: (m.group(1) or "") + (m.group(2) or ""), text) if "_" in text else text
    return " ".join("`".join(pieces).lstrip("> #").split())


def _stem(word: str) -> str:
    for ending in ("ies", "es", "ed", "ing", "ly", "s"):
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def _is_identifier(token: str) -> bool:
    inner = token[1:]
    return (token.startswith("-") or any(c in token for c in "._/:#") or "_" in token
            or any(c.isupper() for c in inner) and any(c.islower() for c in token))


def tokens(text: str) -> Iterator[str]:
    """Every word, identifier and number of `text`; a run of CJK characters (written without
    spaces) as its character pairs."""
    for found in _WORD.findall(text):
        token = found.strip("_")  # `_word_` is emphasis; `__init__` and `init` compare alike
        if not token:
            continue
        if not token.isascii() and _CJK.search(token):  # the test first: one pattern call less a word
            for run in _CJK.finditer(token):
                chars = run.group(0)
                yield from (chars[i:i + 2] for i in range(max(1, len(chars) - 1)))
            continue
        yield token


@dataclass(frozen=True)
class Words:
    """A claim's content words: `exact` (identifiers and numbers, found as written, case aside)
    and `stems` (the other words, compared by a light stem)."""
    exact: frozenset[str]
    stems: frozenset[str]

    @property
    def empty(self) -> bool:
        return not self.exact and not self.stems

    def __len__(self) -> int:
        return len(self.exact) + len(self.stems)


def content_words(text: str, ignored: frozenset[str] = frozenset()) -> Words:
    exact, stems = set(), set()
    for token in tokens(text):
        lowered = token.lower().strip("-_.:/#")
        if not lowered or lowered in ignored:
            continue
        if token[0].isdigit() or _is_identifier(token):
            exact.add(token.lower())
        elif len(lowered) >= 3 or (not lowered.isascii() and _CJK.search(lowered)):
            if lowered not in STOPWORDS and lowered not in FRAME and _stem(lowered) not in ignored:
                stems.add(_stem(lowered))
    return Words(frozenset(exact), frozenset(stems))


def module_names(spec: ModuleSpec, sources: Sequence[SourceDoc]) -> frozenset[str]:
    """The words of what the module is about: its own names, which framing sentences repeat."""
    texts = [spec.title, *spec.learning_objectives]
    for doc in sources:
        texts += [doc.display_title, doc.path, *doc.key_concepts, *doc.learning_objectives]
    names: set[str] = {str(spec.position), str(len(sources)), str(spec.estimated_minutes)}
    for text in texts:
        for token in tokens(text):
            lowered = token.lower()
            names.add(lowered)
            names.add(_stem(lowered))
            names.update(part for part in linear_regex.split(r"[._/:#-]+", lowered) if part)
    return frozenset(names)


@dataclass(frozen=True)
class Sentence:
    """A sentence of a field's Markdown, with its place: text[start:end] is the sentence."""
    field: str     # e.g. "sections.2.body_markdown", "key_points.0"
    start: int
    end: int
    markdown: str

    @property
    def text(self) -> str:
        return plain(self.markdown)

    @property
    def after_label(self) -> str:
        """The sentence after a leading label of any words ("eager parameter: An eager parameter is …")."""
        text = self.text
        label = _LABEL.match(text)
        return text[label.end():] if label else text

    def claim(self, names: frozenset[str]) -> str:
        """The sentence without a leading label that asserts nothing ("Why it matters: …",
        "**Install** (`docs/install.md`): …"), as the reader sees it."""
        return plain(self.claim_markdown(names))

    def claim_markdown(self, names: frozenset[str]) -> str:
        """`claim` as written (code spans kept: what the rule reads identifiers from)."""
        text = unemphasised(self.markdown)
        label = _LABEL.match(text)
        if label and content_words(plain(label.group(1)), names).empty:
            return text[label.end():]
        return text


def sentences_of(field: str, markdown: str) -> Iterator[Sentence]:
    """The sentences of a Markdown text outside its fenced code, tables and headings. A paragraph's
    wrapped lines are read as one; a list item, a quote line or a line after a blank starts anew."""
    for start, end in _paragraphs(markdown):
        body = markdown[start:end]
        mark = _LIST_MARK.match(body)
        begin = mark.end() if mark else len(body) - len(body.lstrip(" >"))
        for gap in _SENTENCE_GAP.finditer(body, begin):
            if gap.group("gap") is None:
                cut = gap.end("cjk")
            else:  # closing quotes, brackets and emphasis stay with the sentence they close
                blank = gap.group("gap")
                cut = gap.start("gap") + len(blank) - len(blank.lstrip("\"')]*_`"))
            yield from _sentence(field, markdown, start + begin, start + cut)
            begin = cut
        yield from _sentence(field, markdown, start + begin, end)


def _paragraphs(markdown: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each run of prose lines, outside fences, tables, headings and HTML."""
    offset, fence, run = 0, "", None
    for line in markdown.splitlines(keepends=True):
        start, stripped = offset, line.strip()
        offset += len(line)
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        starts_block = (not stripped or stripped.startswith(("```", "~~~", "|", "#", "<", ">"))
                        or _LIST_MARK.match(line) is not None)
        if run is not None and starts_block:
            yield run
            run = None
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        if not stripped or stripped.startswith(("|", "#", "<")):
            continue
        end = start + len(line.rstrip("\r\n"))
        run = (start, end) if run is None else (run[0], end)
        if stripped.startswith(">"):
            yield run
            run = None
    if run is not None:
        yield run


def _sentence(field: str, text: str, start: int, end: int) -> Iterable[Sentence]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        yield Sentence(field, start, end, text[start:end])


def is_note(sentence: Sentence, words: Words) -> bool:
    """A note the writer sets apart in italics about its own excerpt ("*The first 60 of 69
    lines.*"): only framing words and numbers, so not a claim."""
    text = sentence.markdown.strip()
    italic = text.startswith("*") and not text.startswith("**") and text.endswith("*")
    return italic and not words.stems and all(word.replace(".", "").isdigit() for word in words.exact)


def prose_fields(content: ModuleContent) -> Iterator[tuple[str, str]]:
    """(field, Markdown) of every prose field a writer fills, in reading order."""
    yield "introduction", content.introduction
    for n, section in enumerate(content.sections):
        yield f"sections.{n}.body_markdown", section.body_markdown
    for n, point in enumerate(content.key_points):
        yield f"key_points.{n}", point
    yield "conclusion", content.conclusion
    for n, question in enumerate(content.assessment):
        yield f"assessment.{n}.explanation", question.explanation
    yield "summary", content.summary
