"""An extractive summary: sentences scored by position (the opening paragraph says what a page is
about), overlap with the title and the key concepts, and a comfortable length; the best two to four
are shown in their original order, within 600 characters. A sentence pointing at something beside
it on its page (shared/docs/pointers.py) is never chosen: the summary would not show it."""
from __future__ import annotations

from services.doc_analyser.engine.lexicon import looks_like_instructions_to_a_model, normal, words
from services.doc_analyser.engine.doc_profile import Profile, Sentence
from services.doc_analyser.engine.stopwords import IMPERATIVE_VERBS
from shared import linear_regex
from shared.cjk import ends_sentence, has_cjk, joined
from shared.docs.pointers import points_beside

LONGEST_SUMMARY = 600
_SHORTEST_SENTENCE_WORDS, _LONGEST_SENTENCE_WORDS = 8, 60
_INSTRUCTION_OPENERS = IMPERATIVE_VERBS | {"see", "read", "click", "note", "browse", "visit"}
_CODE_LIKE = linear_regex.compile(r"[{}=<>$|]|\w\(\)|->")
# A sentence that sends the reader to other pages says where things are, not what this one is
# about (Flask's index: "The rest of the docs describe each component of Flask in detail").
_POINTS_ELSEWHERE = linear_regex.compile(
    r"\b(?:the rest of (?:the|these|this) (?:docs|documentation|guide|pages?)|there is also an?|"
    r"get started with|(?:that|the next|the following) (?:part|section|chapter|page) of the "
    r"(?:docs|documentation)|(?:is|are) (?:described|covered|explained|documented) in (?:the|a)|"
    r"refer to the|for more (?:details|information)|this part of the documentation is for you)\b",
    linear_regex.IGNORECASE)


def summarise(profile: Profile, concept_keys: list[str]) -> str:
    title_words = {normal(word) for word in words(profile.doc.title) if len(word) > 2}
    title_words -= {"getting", "started"}
    scored = [(score, sentence) for sentence in profile.sentences
              if (score := _score(sentence, title_words, concept_keys)) > 0]
    chosen: list[Sentence] = []
    length = 0
    for _, sentence in sorted(scored, key=lambda pair: (-pair[0], pair[1].position)):
        wanted = 4 if length < 300 else 3
        if len(chosen) >= wanted:
            break
        if length + len(sentence.text) + 1 <= LONGEST_SUMMARY:
            chosen.append(sentence)
            length += len(sentence.text) + 1
    if not chosen:
        return _opening(profile)
    return " ".join(sentence.text for sentence in sorted(chosen, key=lambda s: s.position))


def _opening(profile: Profile) -> str:
    """Fallback for documents made of fragments (lists, short answers): their first sentences."""
    opening = [s.text for s in profile.sentences if len(s.words) >= 3 and not points_beside(s.text)][:3]
    return _shorten(" ".join(opening))


def _score(sentence: Sentence, title_words: set[str], concept_keys: list[str]) -> float:
    text = sentence.text
    count = len(sentence.words)
    if count < _SHORTEST_SENTENCE_WORDS or count > _LONGEST_SENTENCE_WORDS \
            or looks_like_instructions_to_a_model(text) or _CODE_LIKE.search(text) \
            or _POINTS_ELSEWHERE.search(text) or points_beside(text):
        return 0.0
    cjk = has_cjk(text)
    if cjk and not ends_sentence(text):
        return 0.0  # a fragment: a list's introduction, a table's cell
    normalised = " " + (joined if cjk else " ".join)(list(map(normal, sentence.words))) + " "
    score = 0.6 * sum(1 for word in title_words if f" {word} " in normalised)
    score += sum(1.0 / (1 + rank * 0.3) for rank, key in enumerate(concept_keys[:10])
                 if f" {key} " in normalised or (cjk and has_cjk(key) and key in normalised))
    if sentence.section == 0 or sentence.position < 3:
        score += 1.5  # the opening says what the document is about
    if sentence.opens_paragraph:
        score += 0.5
    if 10 <= count <= 30:
        score += 0.5
    if sentence.words[0].lower() in _INSTRUCTION_OPENERS:
        score -= 2.0  # a step tells what to do, not what the document is about
    return max(score, 0.01)


def _shorten(text: str) -> str:
    if len(text) <= LONGEST_SUMMARY:
        return text
    return text[:LONGEST_SUMMARY - 1].rsplit(" ", 1)[0] + "…"
