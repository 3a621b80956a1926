"""Key concepts of one document, RAKE-like: candidate phrases are runs of content words between
stop words and punctuation; each occurrence scores by where it is (title > headings > prose),
multi-word phrases and names of things the code uses score higher, and a single word gains a
little from the phrases it heads ("broker" from "message broker")."""
from __future__ import annotations

from dataclasses import dataclass

from services.doc_analyser.engine.lexicon import normal
from services.doc_analyser.engine.doc_profile import Profile
from shared import linear_regex
from shared.cjk import has_cjk, word_count

_LENGTH_FACTOR = {1: 1.0, 2: 1.5, 3: 1.6, 4: 1.3}
_LONGEST_PHRASE = 4
_TITLE_WEIGHT, _PROSE_WEIGHT = 3.0, 1.0
_HEADING_WEIGHT = {1: 3.0, 2: 2.0}
_IDENTIFIER_SHAPE = linear_regex.compile(r"[a-z][A-Z]|[_.]|\(\)$")
# Acronyms, CamelCase (a capital after the first letter), identifiers, versions; only searched for.
_NAME_SHAPE = linear_regex.compile(r".[A-Z]|[_.\d]|\(\)$")
# Names of primitive types fill parameter tables; they are not what a document teaches.
_CODE_NOISE = frozenset("str int bool float dict list tuple none null true false self cls args "
                        "kwargs string integer boolean object void bytes".split())


@dataclass
class Candidate:
    key: str
    label: str
    first_position: int
    weight: float = 0.0
    prose_count: int = 0
    in_title: bool = False
    in_heading: bool = False
    boost: float = 1.0
    score: float = 0.0


def rank_candidates(profile: Profile) -> list[Candidate]:
    """Every candidate, best first (ties: earliest in the document)."""
    found: dict[str, Candidate] = {}
    keeps_case: dict[str, bool] = {}  # per word: the same words recur in many phrases

    def observe(runs: list[list[str]], weight: float, where: str) -> None:
        for run in runs:
            if len(run) > _LONGEST_PHRASE:
                run = run[-_LONGEST_PHRASE:]
            key = " ".join(map(normal, run))
            candidate = found.get(key)
            if candidate is None:
                candidate = found[key] = Candidate(key, _label(run, profile, keeps_case), len(found))
                candidate.boost = _boost(run, profile)
            candidate.weight += weight
            candidate.prose_count += where == "prose"
            candidate.in_title |= where == "title"
            candidate.in_heading |= where == "heading"

    observe(profile.title_runs, _TITLE_WEIGHT, "title")
    for level, runs in profile.heading_runs:
        observe(runs, _HEADING_WEIGHT.get(level, 1.5), "heading")
    for sentence in profile.sentences:
        observe(sentence.runs, _PROSE_WEIGHT, "prose")
    _credit_heads(found)
    ranked = [c for c in found.values() if _acceptable(c)]
    for candidate in ranked:
        # A CJK term is one token however many words it holds: counted by its characters.
        words = candidate.key.count(" ") + 1 if candidate.key.isascii() or not has_cjk(candidate.key) \
            else word_count(candidate.key)
        candidate.score = candidate.weight * _LENGTH_FACTOR.get(words, 1.0) * candidate.boost
    return sorted(ranked, key=lambda c: (-c.score, c.first_position))


def key_concepts(candidates: list[Candidate], limit: int = 15) -> list[str]:
    return [candidate.label for candidate in candidates[:limit]]


def _label(run: list[str], profile: Profile, cache: dict[str, bool]) -> str:
    """How to show a phrase: names and acronyms keep their case, other words are lower case."""
    for word in run:
        if word not in cache:
            cache[word] = _keeps_case(word, profile)
    return " ".join(word if cache[word] else word.lower() for word in run)


def _keeps_case(word: str, profile: Profile) -> bool:
    return word in profile.proper_words or _name_shaped(word)


def _name_shaped(word: str) -> bool:
    # A word of letters with no capital past its first cannot match: no pattern call for it.
    if word.isalpha() and (len(word) == 1 or word[1:].islower()):
        return False
    return bool(_NAME_SHAPE.search(word))


def _identifier_shaped(word: str) -> bool:
    # A word of letters in one case cannot match: no pattern call for it.
    if word.isalpha() and (word.islower() or word.isupper()):
        return False
    return bool(_IDENTIFIER_SHAPE.search(word))


def _boost(run: list[str], profile: Profile) -> float:
    boost = 1.0
    if any(word.lower() in profile.code_identifiers or _identifier_shaped(word) for word in run):
        boost *= 1.25  # the code names it too: something the learner will type
    if len(run) > 1 and all(word in profile.proper_words for word in run):
        boost *= 1.5  # a capitalised multi-word term: a product or a named concept
    return boost


def _credit_heads(found: dict[str, Candidate]) -> None:
    for candidate in list(found.values()):
        parts = candidate.key.split(" ")
        if len(parts) > 1:
            for part in dict.fromkeys(parts):  # ordered: float sums must not depend on hashing
                if part in found:
                    found[part].weight += 0.3 * candidate.weight


def _acceptable(candidate: Candidate) -> bool:
    if " " in candidate.key:
        return len(candidate.key) <= 60
    if candidate.key in _CODE_NOISE:
        return False
    return len(candidate.key) >= 3 or (len(candidate.label) >= 2 and (candidate.label.isupper() or has_cjk(candidate.key)))
