"""The claim check run on every module a writer makes, before it is published (the rule, in a
paragraph, is docs/course.md's "Claims and their sources"):

1. Each claim (claims.py) gets its span of source: the one it cites in place (`[docs/x.md#L3-L9]`
   or `[docs/x.md#anchor]` after the sentence), else the one its field cites (a section's or a
   question's `source`: the named section, or the whole document when the heading is not one of
   it), else — for a sentence that is a source's sentence word for word — the section it quotes:
   a quotation names its source. A claim with none of these is *uncited*.
2. A cited claim is *supported* when every identifier and number it names is in its span and at
   least SUPPORTED_SHARE of its other content words (by stem) are; else *unsupported*.
3. What is not supported is replaced by the sentence of the module's sources that holds most of its
   content words (at least REPLACEMENT_SHARE of them), quoted as its section writes it — or
   removed when no sentence does. So the published text holds only supported claims.

The offline engine writes quotations and framing: its modules come through unchanged, every claim
supported; the ledger shows it. Linear in the module's text and its sources: each is read once into
sets and an index of source sentences by word."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Sequence

from shared import linear_regex
from shared.claim_ledger import Claim, MAX_CLAIM_CHARS
from shared.docs.markdown_out import escape_markdown
from shared.grounding import Evidence, evidence_of, why_unsupported
from shared.events.catalogue import ClaimCounts

from ..models import Citation, ModuleContent, ModuleSpec
from .claims import Sentence, Words, content_words, is_note, module_names, plain, prose_fields, sentences_of
from .quoting import MarkdownQuoter
from .sources import SourceDoc, is_statement, sentences, source_phrase
from .spans import LineSpan, section_spans

REPLACEMENT_SHARE = 0.5
MOST_CANDIDATES = 200  # source sentences scored per claim, the rarest words' first
_MARKER = linear_regex.compile(r"\s*\[([^\[\]\s#]+)#(L(\d+)(?:-L?(\d+))?|[\w-]*)\]")


@dataclass
class _Span:
    path: str
    lines: LineSpan
    evidence: Evidence  # what citing it vouches for (shared/grounding.py)
    normal: str = ""    # its prose, normalised: where a quotation is looked for

    @property
    def cited(self) -> str:
        return self.lines.cite(self.path)


@dataclass
class _SourceSentence:
    plain: str
    markdown: str
    span: _Span
    words: Words


@dataclass
class _Index:
    """The module's sources: each section's span and words, each sentence by its words."""
    spans: dict[str, list[_Span]] = field(default_factory=dict)        # path -> its sections' spans
    anchors: dict[tuple[str, str], _Span] = field(default_factory=dict)  # (path, anchor or heading) -> span
    whole: dict[str, _Span] = field(default_factory=dict)              # path -> the whole document
    sentences: list[_SourceSentence] = field(default_factory=list)
    quotes: dict[str, int] = field(default_factory=dict)               # normalised sentence -> index
    by_word: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))


def _normal(text: str) -> str:
    return " ".join(plain(text).lower().split()).rstrip(".!?。！？ ")


def index_sources(sources: Sequence[SourceDoc], names: frozenset[str]) -> _Index:
    index = _Index()
    for doc in sources:
        raw = doc.raw_text or doc.parsed.text
        lines = section_spans(doc.parsed, raw)
        spans: list[_Span] = []
        texts: list[str] = []
        for section, where in zip(doc.parsed.sections, lines):
            text = "\n".join([doc.path, section.heading.text if section.heading else "", section.text,
                              section.markdown, *(block.code for block in section.code)])
            texts.append(text)
            span = _Span(doc.path, where, evidence_of(text), _normal(section.text))
            spans.append(span)
            if section.heading is not None:
                index.anchors.setdefault((doc.path, section.heading.anchor), span)
                index.anchors.setdefault((doc.path, section.heading.text.lower()), span)
            else:
                index.anchors.setdefault((doc.path, ""), span)
            quoter = MarkdownQuoter(section.markdown) if section.markdown else None
            for sentence in sentences(section.text):
                key = _normal(sentence)
                if not key or key in index.quotes:
                    continue
                words = content_words(sentence, names)
                number = len(index.sentences)
                index.sentences.append(_SourceSentence(sentence, _as_written(sentence, quoter), span, words))
                index.quotes[key] = number
                for word in words.exact | words.stems:
                    index.by_word[word].append(number)
        index.spans[doc.path] = spans
        last = lines[-1].last if lines else 1
        index.whole[doc.path] = _Span(doc.path, LineSpan(1, last), evidence_of("\n".join(texts)))
    return index


def _as_written(sentence: str, quoter: MarkdownQuoter | None) -> str:
    """The sentence as its section's Markdown writes it, when that reads back as the sentence (so a
    replacement, checked again, is the quotation it is); else the sentence escaped."""
    written = quoter.find(sentence) if quoter else None
    if written is not None and _normal(written) == _normal(sentence):
        return written
    return escape_markdown(sentence)


def _supported(claim: str, span: _Span, translated: bool = False) -> bool:
    return why_unsupported(claim, [span.evidence], compare_words=not translated) is None


def _field_citation(content: ModuleContent, field_name: str) -> Citation | None:
    parts = field_name.split(".")
    if parts[0] == "sections":
        return content.sections[int(parts[1])].source
    if parts[0] == "assessment":
        return content.assessment[int(parts[1])].source
    return None


def _span_of(index: _Index, path: str, where: str) -> _Span | None:
    if path not in index.whole:
        return None
    if where.startswith("L") and where[1:].split("-")[0].isdigit():
        return index.whole[path]  # a line range: checked against the document, cited as written
    return index.anchors.get((path, where)) or index.anchors.get((path, where.lower())) or index.whole[path]


@dataclass(frozen=True)
class Checked:
    content: ModuleContent
    counts: ClaimCounts
    claims: tuple[Claim, ...]


MOST_PASSES = 3


def check_module(content: ModuleContent, spec: ModuleSpec, sources: Sequence[SourceDoc],
                 translated: bool = False) -> Checked:
    """`content` with every claim not supported by its source replaced or removed, and the ledger:
    checked again until nothing is left to change (a removal that joins two sentences, say, makes a
    new one), at most MOST_PASSES times."""
    names = module_names(spec, sources)
    index = index_sources(sources, names)  # the sources do not change between passes
    checked = _check_once(content, names, index, translated)
    for _ in range(MOST_PASSES - 1):
        again = _check_once(checked.content, names, index, translated)
        changed = [claim for claim in again.claims if claim.action != "kept"]
        if not changed:
            break
        checked = Checked(again.content, _counted_again(checked, changed), checked.claims + tuple(changed))
    return checked


def _counted_again(checked: Checked, changed: Sequence[Claim]) -> ClaimCounts:
    """The counts of the claims the writer wrote, after a later pass changed `changed`: a sentence
    holding one an earlier pass published in place of a claim (its replacement, perhaps joined to
    what was left beside it) changes that claim's action only (it was already counted as not
    supported); any other changes a claim counted as supported. The later pass's own counts are not
    added: they count again the claims it kept."""
    replacements = [_same_words(claim.replacement) for claim in checked.claims
                    if claim.action == "replaced" and claim.replacement]
    counts = checked.counts.model_dump()
    for claim in changed:
        words = _same_words(claim.text)
        # Whole words: a replacement "is fast" is not held by a sentence saying "this fastens".
        holding = next((n for n, replacement in enumerate(replacements) if f" {replacement} " in f" {words} "),
                       None)
        if holding is not None:
            replacements.pop(holding)
            counts["replaced"] -= 1
        else:
            counts["supported"] -= 1
            counts[claim.status] += 1
        counts[claim.action] += 1
    return ClaimCounts(**counts)


def _same_words(text: str) -> str:
    return " ".join(plain(text).split())


def _check_once(content: ModuleContent, names: frozenset[str], index: _Index, translated: bool = False) -> Checked:
    """`content` with every claim not supported by its source replaced or removed, and the ledger.
    `translated`: the text is in another language than its sources, so only what does not change
    with the language is compared — the identifiers and numbers a claim names, in the span it cites
    (an uncited one is only kept as a quotation) — and what is not supported is removed: a source's
    sentence would put the sources' language back."""
    edits: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    claims: list[Claim] = []
    counts: dict[str, int] = defaultdict(int)
    texts = dict(prose_fields(content))
    for field_name, markdown in texts.items():
        used: set[int] = set()
        for sentence in sentences_of(field_name, markdown):
            marker = _MARKER.search(sentence.markdown)
            claim_text, claim_markdown = sentence.claim(names), sentence.claim_markdown(names)
            if marker:
                claim_markdown = _MARKER.sub("", claim_markdown)
                claim_text = plain(claim_markdown)
            words = content_words(claim_text, names)
            if marker:  # a citation in place is the reader's business only through the ledger
                edits[field_name].append((sentence.start, sentence.end, _MARKER.sub("", sentence.markdown)))
            if words.empty or is_note(sentence, words):
                counts["framing"] += 1
                continue
            spans = _cited_spans(index, content, sentence, claim_text, marker)
            span = next((found for found in spans if _supported(claim_markdown, found, translated)), None)
            status = "supported" if span is not None else "unsupported" if spans else "uncited"
            span = span or (spans[0] if spans else None)
            counts["checked"] += 1
            counts[status] += 1
            if status == "supported":
                claims.append(_claim(sentence, claim_text, status, span, "kept"))
                continue
            best = None if translated else _best_sentence(index, words, used)
            if best is None:
                edits[field_name].append((sentence.start, sentence.end, ""))
                counts["removed"] += 1
                claims.append(_claim(sentence, claim_text, status, span, "removed"))
            else:
                used.add(best)
                found = index.sentences[best]
                edits[field_name].append((sentence.start, sentence.end, found.markdown))
                counts["replaced"] += 1
                claims.append(_claim(sentence, claim_text, status, span, "replaced", found))
    published = _edited(content, texts, edits)
    return Checked(published, ClaimCounts(**counts), tuple(claims))


def _cited_spans(index: _Index, content: ModuleContent, sentence: Sentence, claim_text: str,
                 marker: Any) -> list[_Span]:
    """The spans a claim names, first the one it cites in place, then its field's, then the one it
    quotes word for word (a sentence of another section, say, that the check put there)."""
    spans = []
    if marker is not None:
        spans.append(_span_of(index, marker.group(1), marker.group(2)))
    citation = _field_citation(content, sentence.field)
    if citation is not None:
        spans.append(_span_of(index, citation.path, citation.anchor or citation.heading))
    for text in (claim_text, sentence.after_label):
        key = _normal(text)
        quoted = index.quotes.get(key)
        if quoted is not None:
            spans.append(index.sentences[quoted].span)
            break
        nearest = _nearest(index, content_words(text))
        if key and nearest is not None and key in index.sentences[nearest].span.normal:
            spans.append(index.sentences[nearest].span)
            break
    return [span for span in spans if span is not None]


def _shared_words(index: _Index, words: Words) -> dict[int, int]:
    """How many of `words` each source sentence holds, the rarest words' sentences first, at most
    MOST_CANDIDATES sentences a word."""
    postings = sorted((index.by_word.get(word, []) for word in words.exact | words.stems), key=len)
    scores: dict[int, int] = defaultdict(int)
    for posting in postings:
        for number in posting[:MOST_CANDIDATES]:
            scores[number] += 1
    return scores


def _nearest(index: _Index, words: Words) -> int | None:
    """The source sentence sharing most of `words`."""
    scores = _shared_words(index, words)
    return max(scores, key=lambda number: (scores[number], -number), default=None)


def _best_sentence(index: _Index, words: Words, used: set[int]) -> int | None:
    """The statement not used yet in this field that holds most of `words`, if it holds enough."""
    scores = _shared_words(index, words)
    best = max(((score, -number) for number, score in scores.items()
                if number not in used and is_statement(index.sentences[number].plain)), default=None)
    if best is None or best[0] < REPLACEMENT_SHARE * len(words):
        return None
    return -best[1]


def _claim(sentence: Sentence, text: str, status: str, span: _Span | None, action: str,
           replacement: _SourceSentence | None = None) -> Claim:
    return Claim(field=sentence.field, text=text[:MAX_CLAIM_CHARS], status=status,  # type: ignore[arg-type]
                 cited=span.cited if span else None, action=action,  # type: ignore[arg-type]
                 replacement=replacement.plain[:MAX_CLAIM_CHARS] if replacement else None,
                 replacement_cited=replacement.span.cited if replacement else None)


def _applied(text: str, changes: list[tuple[int, int, str]]) -> str:
    out, cursor = [], 0
    for start, end, new in sorted(changes):
        if start < cursor:
            continue  # a marker removed inside a sentence that is itself replaced: the later wins
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    lines = [line.rstrip() for line in "".join(out).splitlines()]
    kept = [line for line in lines if line.strip() not in ("-", "*", "+", ">")]
    return linear_regex.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _edited(content: ModuleContent, texts: dict[str, str], edits: dict[str, list[tuple[int, int, str]]]
            ) -> ModuleContent:
    if not edits:
        return content
    data = content.model_dump(mode="json")
    for field_name, changes in edits.items():
        new = _applied(texts[field_name], _without_overlaps(changes))
        parts = field_name.split(".")
        if parts[0] == "key_points":
            data["key_points"][int(parts[1])] = new
        elif parts[0] == "sections":
            section = content.sections[int(parts[1])]
            data["sections"][int(parts[1])]["body_markdown"] = new or f"{source_phrase(section.source)}."
        elif parts[0] == "assessment":
            question = content.assessment[int(parts[1])]
            data["assessment"][int(parts[1])]["explanation"] = new or f"{source_phrase(question.source)}."
        else:
            data[field_name] = new
    data["key_points"] = [point for point in data["key_points"] if point.strip()]
    return ModuleContent.model_validate(data)


def _without_overlaps(changes: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A sentence's own change wins over the removal of its citation marker (same start)."""
    by_start: dict[int, tuple[int, int, str]] = {}
    for change in changes:
        by_start[change[0]] = change
    return sorted(by_start.values())
