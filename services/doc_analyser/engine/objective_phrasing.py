"""Phrasing one heading or one sentence as a learning objective: something a learner will be able
to do ("Install the CLI", "Configuring TLS" → "Configure TLS", "How do I upgrade?" → "Upgrade",
"Consumer groups" → "Understand consumer groups", "Client.publish" → "Use Client.publish")."""
from __future__ import annotations

import re

from services.doc_analyser.engine.lexicon import STOPWORDS, concept_key, looks_like_instructions_to_a_model, words
from services.doc_analyser.engine.stopwords import IMPERATIVE_VERBS
from services.doc_analyser.engine.verbs import GERUNDS

_LONGEST_OBJECTIVE_WORDS = 10
_NOT_OBJECTIVES = {"read", "browse", "wait", "watch", "view", "enter", "print", "return", "retry",
                   "pick", "choose", "log", "turn", "ensure", "avoid", "list"}
_GENERIC_HEADINGS = re.compile(
    r"^(overview|introduction|intro|summary|conclusion|next steps|what's next|table of contents|"
    r"contents|toc|license|licence|credits|acknowledge?ments|contributing|changelog|see also|"
    r"references|further reading|resources|related|faq|support|about|prerequisites|requirements|"
    r"before you (begin|start)|notes?|links|community|authors|status|features|documentation|"
    r"installation|getting started|usage|examples?|parameters|arguments|returns|raises|"
    r"attributes|methods|options|properties|fields|exceptions|added|changed|fixed|removed|"
    r"deprecated|security|unreleased)$", re.IGNORECASE)
_NUMBERING = re.compile(r"^(?:step\s*\d+\s*[:.)-]?\s*|\d+(?:\.\d+)*[.)]?\s+)", re.IGNORECASE)
_HOW_DO_I = re.compile(r"^how (?:do|can|should) (?:i|you|we) |^how to ", re.IGNORECASE)
_WHAT_IS = re.compile(r"^what (?:is|are) (?:an? |the )?", re.IGNORECASE)
_CUT = re.compile(r"\s*(?:[:;(]|\s[—–-]\s|,\s|\.\s|\.$| so that | so you | which | because | if | "
                  r"when | before | after | while | until | as follows| first\b)", re.IGNORECASE)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
_CODE_LIKE = re.compile(r"[{}=$<>`]|https?:|\.\.\.")


def heading_objective(text: str, doc_type: str, names: frozenset[str] = frozenset()) \
        -> tuple[str, int] | None:
    """(objective, priority) for a heading; priority 0 for instructions, 2 for noun phrases."""
    text = _NUMBERING.sub("", text.strip()).strip()
    if not text or _GENERIC_HEADINGS.match(text.rstrip("?:. ")):
        return None
    question = text.endswith("?")
    text = text.rstrip("?:. ")
    if _HOW_DO_I.match(text):
        return capitalise(_HOW_DO_I.sub("", text)), 0
    if _WHAT_IS.match(text):
        return f"Understand {_lower_first(_WHAT_IS.sub('', text), names)}", 2
    heading_words = words(text)
    if question or not heading_words or len(heading_words) > 8:
        return None
    first = heading_words[0].lower()
    rest = text[len(heading_words[0]):].strip()
    if first in IMPERATIVE_VERBS and first not in _NOT_OBJECTIVES and rest:
        return capitalise(f"{first} {_lower_rest(rest, names)}"), 0
    if first in GERUNDS and rest:
        return capitalise(f"{GERUNDS[first]} {_lower_rest(rest, names)}"), 0
    if len(heading_words) > 5:
        return None
    if doc_type in {"reference", "api", "how-to", "example"} or re.search(r"[._]\w|\(\)", text):
        return f"Use {_lower_first(text, names)}", 2
    return f"Understand {_lower_first(text, names)}", 2


def sentence_objective(sentence: str) -> str | None:
    """"Install the CLI with pip:" → "Install the CLI with pip"; None unless an instruction."""
    opening = _FIRST_WORD.match(sentence)
    if opening is None or opening.group(0).lower() not in IMPERATIVE_VERBS:
        return None
    sentence_words = words(sentence[:80])
    if not sentence_words or not sentence.lstrip().startswith(sentence_words[0]):
        return None
    first = sentence_words[0].lower()
    if first not in IMPERATIVE_VERBS or first in _NOT_OBJECTIVES:
        return None
    if looks_like_instructions_to_a_model(sentence):
        return None
    cut = _CUT.search(sentence)
    clause = sentence[:cut.start()] if cut else sentence
    kept = clause.split()
    if len(kept) > _LONGEST_OBJECTIVE_WORDS:
        kept = kept[:_LONGEST_OBJECTIVE_WORDS]
        if "and" in kept[2:]:  # "… and watch" — a cut second step reads badly: drop it
            kept = kept[:len(kept) - 1 - kept[::-1].index("and")]
    while kept and kept[-1].lower().strip(".,") in STOPWORDS:
        kept.pop()
    if len(kept) < 2 or _CODE_LIKE.search(" ".join(kept)):
        return None
    return capitalise(" ".join(kept).rstrip(".,!"))


def objective_key(objective: str) -> str:
    return concept_key(objective)


def capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _lower_first(text: str, names: frozenset[str]) -> str:
    """Ordinary words lose their capital ("Consumer groups", "Message Lifecycle" → "message
    lifecycle"); names, acronyms and identifiers keep theirs ("Fluxmq", "TLS", "Client.publish").
    Only the first word is touched unless the heading is in Title Case."""
    parts = text.split(" ")
    title_case = sum(1 for part in parts if part[:1].isupper()) > max(1, len(parts) // 2)
    return " ".join(_lower_word(part, names) if index == 0 or title_case else part
                    for index, part in enumerate(parts))


def _lower_rest(text: str, names: frozenset[str]) -> str:
    """The words after a heading's verb, without Title Case ("Handle Binary Data")."""
    parts = text.split(" ")
    if sum(1 for part in parts if part[:1].isupper()) <= max(0, len(parts) // 2):
        return text
    return " ".join(_lower_word(part, names) for part in parts)


def _lower_word(word: str, names: frozenset[str]) -> str:
    if word[:1].isupper() and word[1:] == word[1:].lower() and word not in names \
            and not re.search(r"[._()\d]", word):
        return word.lower()
    return word
