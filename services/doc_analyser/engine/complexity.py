"""How hard a document is to read, from four measurable signals combined into a difficulty in
[0, 1]:

- readability: Flesch reading ease of the prose (syllable heuristic), 60+ is plain, 0 is very hard;
- code density: code lines against prose lines (about 12 words a line);
- vocabulary: share of long words (3+ syllables) and of technical tokens (identifiers, acronyms,
  CamelCase names);
- depth: how deep the heading outline goes;
plus a small nudge from wording in the title and headings ("Advanced", "Internals" up; "Getting
started", "Introduction" down).

Difficulty below 0.36 is beginner, below 0.56 intermediate, else advanced. The requested level
(the course's audience) only decides near-ties: when the difficulty lies within 0.04 of a band
boundary and the requested level is the band on the other side, the requested level is used.
Documents with almost no prose and no code carry no signal and take the requested level."""
from __future__ import annotations

from collections import Counter

from services.doc_analyser.engine.lexicon import syllables
from services.doc_analyser.engine.doc_profile import Profile
from shared import linear_regex
from shared.vocabulary import COMPLEXITY_LEVELS

# (level, upper bound of its difficulty), easiest first: one bound per level or a ValueError.
_BANDS = tuple(zip(COMPLEXITY_LEVELS, (0.36, 0.56, 1.01), strict=True))
_TIE_MARGIN = 0.04
_ADVANCED_WORDING = linear_regex.compile(r"advanced|internals?|deep dive|under the hood|performance|tuning|"
                                         r"optimi[sz]|scaling|extending|plugin development|security model",
                                         linear_regex.IGNORECASE)
_BEGINNER_WORDING = linear_regex.compile(r"getting started|introduction|quick ?start|basics|first steps|"
                                         r"hello world|beginner|overview|tutorial", linear_regex.IGNORECASE)
_TECHNICAL = linear_regex.compile(r"[a-z][A-Z]|[_.]\w|^[A-Z]{2,}$|\d")


def technical(word: str) -> bool:
    """A word shaped like code, a version or an acronym (`_TECHNICAL`). A word of letters in lower
    case, capitalised or not, cannot be one: no pattern call for it."""
    if word.isalpha() and (word.islower() or word[1:].islower()):
        return False
    return bool(_TECHNICAL.search(word))


def difficulty(profile: Profile) -> float | None:
    """The combined difficulty, or None when the document is too small to judge."""
    prose = profile.prose_words
    if len(prose) < 40 and not profile.doc.code_blocks:
        return None
    sentence_count = max(1, len(profile.sentences))
    distinct = Counter(prose)  # words repeat: measure each once
    syllable_count = sum(syllables(word) * count for word, count in distinct.items())
    word_count = max(1, len(prose))
    flesch = 206.835 - 1.015 * (word_count / sentence_count) - 84.6 * (syllable_count / word_count)
    readability = min(1.0, max(0.0, (60 - flesch) / 60))
    code_lines = profile.code_lines
    code_density = code_lines / (code_lines + word_count / 12)
    long_share = sum(count for word, count in distinct.items() if syllables(word) >= 3) / word_count
    technical_share = sum(count for word, count in distinct.items() if technical(word)) / word_count
    depth = max((heading.level for heading in profile.doc.headings), default=1)
    score = (0.35 * readability + 0.12 * min(1.0, code_density * 1.5) + 0.22 * min(1.0, long_share * 4)
             + 0.18 * min(1.0, technical_share * 8) + 0.08 * min(1.0, max(0, depth - 2) / 3))
    return min(1.0, max(0.0, score + _wording_nudge(profile)))


def complexity_level(profile: Profile, requested: str) -> str:
    score = difficulty(profile)
    if score is None:
        return requested if requested in COMPLEXITY_LEVELS else "intermediate"
    band = next(index for index, (_, upper) in enumerate(_BANDS) if score < upper)
    for neighbour in (band - 1, band + 1):
        if 0 <= neighbour < len(_BANDS) and _BANDS[neighbour][0] == requested:
            boundary = _BANDS[min(band, neighbour)][1]
            if abs(score - boundary) <= _TIE_MARGIN:
                return requested
    return _BANDS[band][0]


def _wording_nudge(profile: Profile) -> float:
    text = " ".join([profile.doc.title] + [heading.text for heading in profile.doc.headings[:12]])
    return 0.12 * bool(_ADVANCED_WORDING.search(text)) - 0.12 * bool(_BEGINNER_WORDING.search(text))
