"""Learning objectives of a document, best sources first: headings that are instructions, the
first instruction of each section, noun headings, further instructions, then the concepts the
document explains; at most eight, shown in document order. A changelog's objectives name its
releases. The user's free text may add one objective (see `bias_objectives`)."""
from __future__ import annotations

from services.doc_analyser.engine.grammar import is_verb_and_object
from services.doc_analyser.engine.objective_phrasing import (concept_objective, heading_objective,
                                                             names_a_subject, objective_key,
                                                             sentence_objective)
from services.doc_analyser.engine.lexicon import sentences
from services.doc_analyser.engine.doc_profile import Profile
from shared import linear_regex
from shared.word_runs import word_runs
from shared.vocabulary import doc_type_subset

MOST_OBJECTIVES = 8
SHORTEST_LIST = 3
_EXPLANATORY = doc_type_subset({"concept", "overview", "guide"})  # kinds that teach concepts at length
_VERSION = linear_regex.compile(r"^\[?(v?\d+(?:\.\d+)+[\w.-]*|unreleased)\]?", linear_regex.IGNORECASE)
_PRACTICAL = linear_regex.compile(r"practi|hands[- ]on|exercise|project|real[- ]world|examples?\b|\bcode\b",
                                  linear_regex.IGNORECASE)
_THEORETICAL = linear_regex.compile(r"theor|concept|understand|\bwhy\b|fundamental|principle", linear_regex.IGNORECASE)


def learning_objectives(profile: Profile, doc_type: str, concepts: list[str],
                        additional_info: str = "") -> list[str]:
    """`concepts` are the ones worth an "Understand …" objective, best first."""
    if doc_type == "changelog":
        return _changelog_objectives(profile)
    found: list[tuple[int, tuple[int, int], str]] = []  # (priority, position, objective)
    instructed_verbs: dict[int, set[str]] = {}  # section → verbs its heading already asks for
    for index, section in enumerate(profile.doc.sections):
        if section.heading and section.heading.text != profile.doc.title and index not in profile.navigation_only:
            phrased = heading_objective(section.heading.text, doc_type, profile.proper_words)
            if phrased:
                found.append((phrased[1], (index, -1), phrased[0]))
                instructed_verbs.setdefault(index, set()).add(phrased[0].split(" ")[0].lower())
    listed = _items_of_lists_that_are_not_steps(profile)
    for sentence in profile.sentences:
        objective = sentence_objective(sentence.text) if _wording(sentence.text) not in listed else None
        verbs = instructed_verbs.setdefault(sentence.section, set())
        if objective and objective.split(" ")[0].lower() not in verbs:
            priority = 1 if not verbs else 3  # the first instruction of a section matters most
            verbs.add(objective.split(" ")[0].lower())
            found.append((priority, (sentence.section, sentence.position), objective))
    for rank, concept in enumerate(c for c in concepts if names_a_subject(c)):
        if rank < 3:
            found.append((4, (10**9, rank), concept_objective(concept)))
    chosen = _distinct(sorted(found), _fill_with_concepts_up_to(doc_type))
    objectives = [objective for _, _, objective in sorted(chosen, key=lambda item: item[1])]
    return bias_objectives(objectives, profile, concepts, additional_info)


def _items_of_lists_that_are_not_steps(profile: Profile) -> set[str]:
    """The wording (`_wording`) of each sentence of the items of lists whose items are mostly not
    instructions: a feature list's "Test client built on httpx" starts with a verb by chance, among
    "WebSocket support." and "Few hard dependencies."; a list of steps ("Install…", "Run…") keeps
    its objectives. Lists of fewer than SHORTEST_LIST items are left alone."""
    found: set[str] = set()
    for section in profile.doc.sections:
        for items in section.lists:
            if len(items) < SHORTEST_LIST:
                continue
            steps = sum(1 for item in items if sentence_objective(item))
            if steps * 2 < len(items):
                found.update(_wording(sentence) for item in items for sentence in sentences(item))
    return found


def _wording(text: str) -> str:
    return " ".join(word_runs(text.lower()))


def _changelog_objectives(profile: Profile) -> list[str]:
    versions = [h.text for h in profile.doc.headings if _VERSION.match(h.text)]
    release = [_VERSION.match(text).group(1) for text in versions][:3]
    return [("Review the unreleased changes" if version.lower() == "unreleased"
             else f"Review the changes in {version}") for version in release]


def _fill_with_concepts_up_to(doc_type: str) -> int:
    """"Understand <concept>" objectives only fill a short list, longer for explanatory kinds."""
    return 3 if doc_type in _EXPLANATORY else 1


def _distinct(found: list, fill_to: int) -> list:
    chosen: list = []
    keys: list[str] = []
    for item in found:
        if not is_verb_and_object(item[2]):  # the tagger's word, asked only of what could be chosen
            continue
        key = objective_key(item[2])
        if not key or any(f" {key} " in f" {other} " or f" {other} " in f" {key} " for other in keys):
            continue
        if item[0] == 4 and len(chosen) >= fill_to:
            continue
        chosen.append(item)
        keys.append(key)
        if len(chosen) == MOST_OBJECTIVES:
            break
    return chosen


def bias_objectives(objectives: list[str], profile: Profile, concepts: list[str],
                    additional_info: str) -> list[str]:
    """The user's free text nudges, deterministically: a practical focus adds a hands-on
    objective when the document has code; a theoretical focus adds an explanatory one."""
    extra = None
    if _PRACTICAL.search(additional_info or "") and profile.doc.code_blocks:
        extra = f"Run and adapt the code examples of {profile.doc.title}"
    elif _THEORETICAL.search(additional_info or "") and concepts:
        extra = f"Explain {concepts[0]} in your own words"
    if extra is None or any(objective_key(extra) == objective_key(o) for o in objectives):
        return objectives
    return objectives[:MOST_OBJECTIVES - 1] + [extra]
