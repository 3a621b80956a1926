"""Learning objectives, phrased as things a learner will be able to do. Sources, best first:
headings that are instructions ("Install the CLI", "Configuring TLS" → "Configure TLS", "How do I
upgrade?"), the first instruction of each section, noun headings ("Understand consumer groups",
"Use Client.publish"), further instructions, then the top key concepts. Shown in document order."""
from __future__ import annotations

import re

from shared.analysis.lexicon import STOPWORDS, concept_key, looks_like_instructions_to_a_model, words
from shared.analysis.profile import Profile
from shared.analysis.stopwords import IMPERATIVE_VERBS
from shared.analysis.verbs import GERUNDS

MOST_OBJECTIVES = 8
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
_VERSION = re.compile(r"^\[?(v?\d+(?:\.\d+)+[\w.-]*|unreleased)\]?", re.IGNORECASE)


def heading_objective(text: str, doc_type: str, names: frozenset[str] = frozenset()) \
        -> tuple[str, int] | None:
    """(objective, priority) for a heading; priority 0 for instructions, 2 for noun phrases."""
    text = _NUMBERING.sub("", text.strip()).strip()
    if not text or _GENERIC_HEADINGS.match(text.rstrip("?:. ")):
        return None
    question = text.endswith("?")
    text = text.rstrip("?:. ")
    if _HOW_DO_I.match(text):
        return _capitalise(_HOW_DO_I.sub("", text)), 0
    if _WHAT_IS.match(text):
        return f"Understand {_lower_first(_WHAT_IS.sub('', text), names)}", 2
    heading_words = words(text)
    if question or not heading_words or len(heading_words) > 8:
        return None
    first = heading_words[0].lower()
    if first in IMPERATIVE_VERBS and first not in _NOT_OBJECTIVES and len(heading_words) > 1:
        return _capitalise(text), 0
    if first in GERUNDS and len(heading_words) > 1:
        return _capitalise(GERUNDS[first] + text[len(first):]), 0
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
    return _capitalise(" ".join(kept).rstrip(".,!"))


def objective_key(objective: str) -> str:
    return concept_key(objective)


def _capitalise(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:]


def _lower_first(text: str, names: frozenset[str]) -> str:
    """Lower-case a leading ordinary word ("Consumer groups"), never a name ("Fluxmq", "TLS")."""
    first = text.split(" ", 1)[0]
    if first[:1].isupper() and first[1:] == first[1:].lower() and first not in names:
        return text[:1].lower() + text[1:]
    return text


def learning_objectives(profile: Profile, doc_type: str, concepts: list[str],
                        additional_info: str = "") -> list[str]:
    """`concepts` are the ones worth an "Understand …" objective, best first."""
    if doc_type == "changelog":
        return _changelog_objectives(profile)
    found: list[tuple[int, tuple[int, int], str]] = []  # (priority, position, objective)
    instructed_verbs: dict[int, set[str]] = {}  # section → verbs its heading already asks for
    for index, section in enumerate(profile.doc.sections):
        if section.heading and section.heading.text != profile.doc.title:
            phrased = heading_objective(section.heading.text, doc_type, profile.proper_words)
            if phrased:
                found.append((phrased[1], (index, -1), phrased[0]))
                instructed_verbs.setdefault(index, set()).add(phrased[0].split(" ")[0].lower())
    for sentence in profile.sentences:
        objective = sentence_objective(sentence.text)
        verbs = instructed_verbs.setdefault(sentence.section, set())
        if objective and objective.split(" ")[0].lower() not in verbs:
            priority = 1 if not verbs else 3  # the first instruction of a section matters most
            verbs.add(objective.split(" ")[0].lower())
            found.append((priority, (sentence.section, sentence.position), objective))
    for rank, concept in enumerate(concepts[:3]):
        found.append((4, (10**9, rank), f"Understand {concept}"))
    chosen = _distinct(sorted(found), _concept_objectives_wanted(doc_type))
    objectives = [objective for _, _, objective in sorted(chosen, key=lambda item: item[1])]
    return bias_objectives(objectives, profile, concepts, additional_info)


def _changelog_objectives(profile: Profile) -> list[str]:
    versions = [h.text for h in profile.doc.headings if _VERSION.match(h.text)]
    release = [_VERSION.match(text).group(1) for text in versions][:3]
    return [f"Review the changes in {version}" for version in release]


def _concept_objectives_wanted(doc_type: str) -> int:
    return 3 if doc_type in {"concept", "overview", "guide"} else 1


def _distinct(found: list, concept_slots: int) -> list:
    chosen: list = []
    keys: list[str] = []
    for item in found:
        key = objective_key(item[2])
        if not key or any(f" {key} " in f" {other} " or f" {other} " in f" {key} " for other in keys):
            continue
        if item[0] == 4 and (len(chosen) >= concept_slots or concept_slots <= 0):
            continue
        chosen.append(item)
        keys.append(key)
        if len(chosen) == MOST_OBJECTIVES:
            break
    return chosen


_PRACTICAL = re.compile(r"practi|hands[- ]on|exercise|project|real[- ]world|examples?\b|\bcode\b",
                        re.IGNORECASE)
_THEORETICAL = re.compile(r"theor|concept|understand|\bwhy\b|fundamental|principle", re.IGNORECASE)


def bias_objectives(objectives: list[str], profile: Profile, concepts: list[str],
                    additional_info: str) -> list[str]:
    """The user's free text nudges, deterministically: a practical focus adds a hands-on
    objective when the document has code; a theoretical focus adds an explanatory one."""
    subject = concepts[0] if concepts else profile.doc.title
    extra = None
    if _PRACTICAL.search(additional_info or "") and profile.doc.code_blocks:
        extra = f"Apply {subject} in a working example"
    elif _THEORETICAL.search(additional_info or "") and concepts:
        extra = f"Explain how {subject} works"
    if extra is None or any(objective_key(extra) == objective_key(o) for o in objectives):
        return objectives
    return objectives[:MOST_OBJECTIVES - 1] + [extra]
