"""What a document expects its reader to know already: what it says it requires ("requires
Python 3.11", "familiarity with the command line", the items of a Prerequisites section) and the
terms it uses in prose without explaining them (not in its headings, never defined)."""
from __future__ import annotations

import re

from services.doc_analyser.engine.keyphrases import Candidate
from services.doc_analyser.engine.lexicon import STOPWORDS, concept_key, content_runs, words
from services.doc_analyser.engine.profile import Profile

_REQUIRES = re.compile(
    r"\b(?:requires?|you (?:should|need to|must) (?:already )?(?:know|understand|be familiar with|"
    r"have)|familiarity with|(?:prior |basic |some )?(?:knowledge|understanding) of|experience with|"
    r"assumes? (?:that )?you (?:know|have|understand|are familiar with)|comfortable with)\s+"
    r"(?!what\b|how\b|why\b|when\b|where\b|which\b|that\b|whether\b|if\b|to\b)"
    r"(?P<rest>[^.;:!?()]{2,160})", re.IGNORECASE)
_REQUIRES_CUES = ("requir", "you should", "you need", "you must", "familiar", "knowledge of",
                  "experience with", "assum", "understanding of", "comfortable with")
_PREREQUISITE_HEADING = re.compile(r"prerequisite|requirement|before you (?:begin|start)|"
                                   r"what you(?:'ll| will)? need|you will need|dependencies",
                                   re.IGNORECASE)
_ITEM_SEPARATORS = re.compile(r",|;|\band\b|\bor\b|\bas well as\b|\bplus\b", re.IGNORECASE)
_QUALIFIERS = {"basic", "some", "working", "good", "solid", "general", "prior", "recent", "latest",
               "installed", "knowledge", "understanding", "familiarity", "experience", "access",
               "later", "newer", "higher", "above", "account", "running", "local"}
_LONGEST_LIST_ITEM_WORDS = 8
_MOST_ASSUMED = 10


def assumed_knowledge(profile: Profile, candidates: list[Candidate],
                      defined: dict[str, int]) -> list[str]:
    found: list[str] = []
    for item in stated_prerequisites(profile):
        _add(found, item)
    for candidate in candidates[:40]:
        if len(found) >= _MOST_ASSUMED:
            break
        if _used_unexplained(candidate, defined):
            _add(found, candidate.label)
    return found[:_MOST_ASSUMED]


def stated_prerequisites(profile: Profile) -> list[str]:
    items: list[str] = []
    headings = {heading: bool(_PREREQUISITE_HEADING.search(heading))
                for heading in {sentence.heading for sentence in profile.sentences}}
    for sentence in profile.sentences:
        if headings[sentence.heading] and len(sentence.words) <= _LONGEST_LIST_ITEM_WORDS \
                and not sentence.text.endswith(":") and sentence.words \
                and sentence.words[0].lower() not in STOPWORDS:
            items.extend(_items(sentence.text, first_only=True))  # a list item: "Docker 24+"
        lowered = sentence.text.lower()
        if any(cue in lowered for cue in _REQUIRES_CUES):
            for match in _REQUIRES.finditer(sentence.text):
                items.extend(_items(match.group("rest")))
    return items


def _items(text: str, first_only: bool = False) -> list[str]:
    """"Python 3.11 or later, and basic Docker commands" → ["Python 3.11", "Docker commands"]:
    the first candidate phrase of each part (qualifiers skipped), with a version that follows it."""
    found = []
    for part in _ITEM_SEPARATORS.split(text):
        runs = [run for run in content_runs(part) if not all(w.lower() in _QUALIFIERS for w in run)]
        if not runs:
            continue
        phrase = " ".join(word for word in runs[0] if word.lower() not in _QUALIFIERS)
        version = re.search(re.escape(runs[0][-1]) + r"\s+(v?\d+(?:\.\d+)*\+?)", part)
        found.append(f"{phrase} {version.group(1)}" if version else phrase)
        if first_only:
            break
    return found


def _used_unexplained(candidate: Candidate, defined: dict[str, int]) -> bool:
    if candidate.in_title or candidate.in_heading or candidate.key in defined:
        return False
    if candidate.prose_count < 1 or any(part in defined for part in candidate.key.split(" ")):
        return False
    if " " not in candidate.key and any(candidate.key in key.split(" ") for key in defined):
        return False  # "group" is explained along with "consumer group"
    # A single common word used once says little; a name, an acronym or a phrase says more.
    single = " " not in candidate.key
    return not single or candidate.prose_count >= 2 or candidate.label != candidate.label.lower()


def _add(found: list[str], item: str) -> None:
    key = concept_key(item)
    if key and all(concept_key(existing) != key for existing in found) and len(words(item)) >= 1:
        found.append(item)
