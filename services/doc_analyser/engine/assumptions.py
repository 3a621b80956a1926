"""What a document expects its reader to know already: what it says it requires ("requires
Python 3.11", "familiarity with the command line", the items of a Prerequisites section) and the
terms it uses in prose without explaining them (not in its headings, never defined)."""
from __future__ import annotations

from services.doc_analyser.engine.keyphrases import Candidate
from services.doc_analyser.engine.lexicon import STOPWORDS, concept_key, content_runs, words
from services.doc_analyser.engine.doc_profile import Profile
from shared import linear_regex

# A cue that a requirement follows, and the spaces after it. No cue starts inside another except
# one that ends with it ("knowledge of" in "prior knowledge of") and so is followed by the same text.
_REQUIRES = linear_regex.compile(
    r"\b(?:requires?|you (?:should|need to|must) (?:already )?(?:know|understand|be familiar with|"
    r"have)|familiarity with|(?:prior |basic |some )?(?:knowledge|understanding) of|experience with|"
    r"assumes? (?:that )?you (?:know|have|understand|are familiar with)|comfortable with)(?P<space>\s+)",
    linear_regex.IGNORECASE)
_NOT_IN_REQUIREMENT = ".;:!?()"
_LONGEST_REQUIREMENT = 160
# Words that open a clause, not name a requirement ("you should know how to…", "requires that…").
_CLAUSE_OPENERS = frozenset("what how why when where which that whether if to".split())
_REQUIRES_CUES = ("requir", "you should", "you need", "you must", "familiar", "knowledge of",
                  "experience with", "assum", "understanding of", "comfortable with")
_PREREQUISITE_HEADING = linear_regex.compile(r"prerequisite|requirement|before you (?:begin|start)|"
                                             r"what you(?:'ll| will)? need|you will need|dependencies",
                                             linear_regex.IGNORECASE)
_ITEM_SEPARATORS = linear_regex.compile(r",|;|\band\b|\bor\b|\bas well as\b|\bplus\b", linear_regex.IGNORECASE)
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
            for requirement in _stated_requirements(sentence.text):
                items.extend(_items(requirement))
    return items


def _stated_requirements(text: str) -> list[str]:
    """What follows each cue: 2 to 160 characters up to a stop, not opening with a clause's word.

    The spaces after the cue may start the requirement: when the text after them all is too short
    or opens a clause, it starts at the last space (or the last two), if there are more than that.
    """
    found: list[str] = []
    at = 0
    while (cue := _REQUIRES.search(text, at)) is not None:
        spaces_at, after = cue.start("space"), cue.end()
        ahead = text[after:after + _LONGEST_REQUIREMENT]
        run = min((index for stop in _NOT_IN_REQUIREMENT if (index := ahead.find(stop)) >= 0), default=len(ahead))
        spaces = after - spaces_at
        if run >= 2 and not _opens_a_clause(ahead):
            start = after
        elif spaces >= 2 and run >= 1:
            start = after - 1
        elif spaces >= 3:
            start = after - 2
        else:
            at = after  # an inner cue (see _REQUIRES) leads to nothing either
            continue
        requirement = text[start:start + min(_LONGEST_REQUIREMENT, after - start + run)]
        found.append(requirement)
        at = start + len(requirement)
    return found


def _opens_a_clause(text: str) -> bool:
    end = 0
    while end < len(text) and end <= 7 and (text[end].isalnum() or text[end] == "_"):
        end += 1
    return text[:end].lower() in _CLAUSE_OPENERS  # the whole word: "whatever" opens none


def _items(text: str, first_only: bool = False) -> list[str]:
    """"Python 3.11 or later, and basic Docker commands" → ["Python 3.11", "Docker commands"]:
    the first candidate phrase of each part (qualifiers skipped), with a version that follows it."""
    found = []
    for part in _ITEM_SEPARATORS.split(text):
        runs = [run for run in content_runs(part) if not all(w.lower() in _QUALIFIERS for w in run)]
        if not runs:
            continue
        phrase = " ".join(word for word in runs[0] if word.lower() not in _QUALIFIERS)
        version = linear_regex.search(linear_regex.escape(runs[0][-1]) + r"\s+(v?\d+(?:\.\d+)*\+?)", part)
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
