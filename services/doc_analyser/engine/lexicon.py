"""Words and sentences for stage 2's per-document engine and its corpus step: phrase runs,
sentences, syllables. Concept identity (`concept_key`) and the word splitting under it come from
shared.concepts, so stage 2 and stage 3 agree on it ("Message Brokers" and "message broker" are
one concept); they are re-exported here for the engine's modules."""
from __future__ import annotations

from functools import lru_cache

from services.doc_analyser.engine.stopwords import GENERIC
from shared import linear_regex
from shared.cjk import sentence_pieces
from shared.concepts import (STOPWORDS, concept_key, normal, singular, tokens,  # noqa: F401 (re-exported)
                             without_urls, words)
from services.doc_analyser.engine.verbs import (ALL_VERBS, GERUNDS, MODIFIER_GERUNDS, NOUN_VERBS,
                                   breaks_phrase, follows_as_verb, is_adverb, is_past_participle)

IGNORED = STOPWORDS | GENERIC
# A sentence's end, closing quotes or brackets, spaces, then what opens the next sentence: the
# break is the `gap` group (the end mark stays with its sentence, the opening with the next).
_SENTENCE_BREAK = linear_regex.compile(r"[.!?](?P<gap>[\"')\]]*\s+)[\"'(\[]*[A-Z0-9`]")
_AUXILIARIES = frozenset("do does did can could should would will may might must shall".split())
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.", "approx.", "incl.", "no.", "fig.", "dr.",
                  "mr.", "ms.", "eq.")
_INSTRUCTION_TRIGGERS = ("ignore", "disregard", "forget", "override", "prompt", "you are",
                         "as an ai", "jailbreak")
_INSTRUCTION_LIKE = linear_regex.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.\n]{0,60}"
    r"\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\bsystem prompt\b|\byou are (?:now )?(?:an? )?(?:ai|assistant|language model|llm|chatbot)\b"
    r"|\bas an ai\b|\bjailbreak", linear_regex.IGNORECASE)


def content_runs(text: str, longest: int = 4) -> list[list[str]]:
    return runs_of_tokens(tokens(text), longest)


def runs_of_tokens(found: list[str], longest: int = 4) -> list[list[str]]:
    """Runs of consecutive content words (the RAKE candidates), split at stop words, generic
    words, conjugated verbs, numbers and punctuation; surface forms kept. An instruction's opening
    verb is dropped ("Install the CLI" → "CLI"), so is a leading gerund ("installing Fluxmq"), a
    trailing participle ("changes documented") and the verb of a question ("Does Fluxmq guarantee
    ordering?"). Longer runs keep their last `longest` words: noun phrases end with their head."""
    runs: list[list[str]] = []
    current: list[str] = []
    opening, question = -1, False
    cached = _TOKEN_KINDS.get
    for index, token in enumerate(found):
        kind = cached(token)
        if kind is None:
            kind = _token_kind(token)
        if opening < 0 and token[0].isalpha():
            opening, question = index, token.lower() in _AUXILIARIES
        if kind == _BREAK and _opens_compound(found, index):
            kind = _CONTENT
        if kind == _CONTENT or (kind == _VERB_FORM and not _acts_as_verb(
                found, index, opening, question and bool(current))):
            current.append(token)
        elif current:
            _close_run(runs, current, longest)
            current = []
    if current:
        _close_run(runs, current, longest)
    return runs


# Words a phrase does not start with, except in these compounds: "third party packages" is not
# about "party packages".
_COMPOUND_OPENERS = {"first": {"party", "class"}, "1st": {"party"}, "third": {"party"}, "3rd": {"party"}}


def _opens_compound(found: list[str], index: int) -> bool:
    follows = _COMPOUND_OPENERS.get(found[index].lower())
    return bool(follows) and index + 1 < len(found) and found[index + 1].lower() in follows


# Token → kind, cached: documentation repeats its vocabulary, and this runs for every token.
_BREAK, _CONTENT, _VERB_FORM = 0, 1, 2
_TOKEN_KINDS: dict[str, int] = {}
_MOST_CACHED_TOKENS = 200_000


def _token_kind(token: str) -> int:
    if len(_TOKEN_KINDS) >= _MOST_CACHED_TOKENS:
        _TOKEN_KINDS.clear()
    lower = token.lower()
    content = token[0].isalpha() and 1 < len(token) <= 40 and lower not in IGNORED \
        and normal(token) not in IGNORED and not breaks_phrase(lower) and not is_adverb(lower)
    kind = _BREAK if not content else _VERB_FORM if lower in ALL_VERBS else _CONTENT
    _TOKEN_KINDS[token] = kind
    return kind


def _acts_as_verb(found: list[str], index: int, opening: int, in_question: bool) -> bool:
    lower = found[index].lower()
    if index == opening:
        following = found[index + 1] if index + 1 < len(found) else ""
        return _is_instruction_verb(lower, following)
    return in_question or follows_as_verb(found[index - 1].lower() if index else "", lower)


def _is_instruction_verb(lower: str, following: str) -> bool:
    if lower not in ALL_VERBS:
        return False
    # "Partition leaders move" opens with a noun; "Partition the data" with a verb.
    return lower not in NOUN_VERBS or following.lower() in STOPWORDS


def _close_run(runs: list[list[str]], run: list[str], longest: int) -> None:
    while run and run[-1].endswith("ed") and is_past_participle(run[-1].lower()):
        run = run[:-1]
    if len(run) > 1 and run[0].endswith("ing") and run[0].lower() in GERUNDS \
            and run[0].lower() not in MODIFIER_GERUNDS:
        run = run[1:]
    if run:
        runs.append(run[-longest:] if len(run) > longest else run)


def sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph; a break after "e.g." or "etc." is undone."""
    pieces = _split_sentences(paragraph.strip()) if paragraph.strip() else []
    merged: list[str] = []
    for piece in pieces:
        if merged and merged[-1].lower().endswith(_ABBREVIATIONS):
            merged[-1] = f"{merged[-1]} {piece}"
        else:
            merged.append(piece)
    return [piece.strip() for piece in merged if piece.strip()]


def _split_sentences(paragraph: str) -> list[str]:
    pieces: list[str] = []
    for text in sentence_pieces(paragraph):  # Chinese and Japanese ends first: no blank follows them
        start = 0
        # The end mark and the opening are never part of another break, so consuming them misses none.
        for match in _SENTENCE_BREAK.finditer(text):
            pieces.append(text[start:match.start("gap")])
            start = match.end("gap")
        pieces.append(text[start:])
    return pieces


_NOT_LETTER = linear_regex.compile(r"[^a-z]")
_SILENT_ENDING = linear_regex.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
_VOWEL_GROUP = linear_regex.compile(r"[aeiouy]{1,2}")


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    word = _NOT_LETTER.sub("", word.lower())
    if len(word) <= 3:
        return 1
    word = _SILENT_ENDING.sub("", word)
    word = word[1:] if word.startswith("y") else word
    return max(1, len(_VOWEL_GROUP.findall(word)))


def looks_like_instructions_to_a_model(sentence: str) -> bool:
    """Text addressed to an AI rather than to a learner ("Ignore previous instructions…"). It is
    kept in the document but never promoted into a summary, an objective or a definition."""
    lowered = sentence.lower()
    if not any(trigger in lowered for trigger in _INSTRUCTION_TRIGGERS):
        return False
    return bool(_INSTRUCTION_LIKE.search(sentence))
