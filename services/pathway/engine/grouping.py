"""Cutting a pathway's reading order into modules. Consecutive documents stay together while they
share a topic and fit the target time; a module never splits a document, so a very long document
can be a module alone. Every module's time counts practice for documents a learner works through.
One of the three files that decide a pathway's order (with variants.py and graph.py)."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

from shared import linear_regex
from shared.vocabulary import COMPLEXITY_LEVELS

from .models import PathwayDocument, PlannedModule
from .traits import TASK_TYPES, band, folder, humanise

SLACK = 1.25  # a module may run this much over target rather than leave a document on its own
TOPIC_BREAK = 0.5  # a change of topic starts a new module once the current one is this full
SMALL = 0.25  # modules below this share of the target join their predecessor when they fit
SUBJECT_CONCEPTS = 3  # a title names at most this many concepts
LONGEST_DOCUMENT_TITLE = 60  # characters: a longer title names a document, not a subject
_SENTENCE_END = linear_regex.compile(r"[.!?]\s")  # the mark ends the sentence, the space does not


@dataclass(frozen=True)
class ModuleStyle:
    target_minutes: int
    practice_ratio: float  # practice minutes per reading minute of tutorials, how-tos, examples
    topic: Callable[[PathwayDocument], str]
    heading: Callable[[list[PathwayDocument]], str] | None = None
    max_objectives: int = 6

    def cost(self, document: PathwayDocument) -> int:
        if document.doc_type not in TASK_TYPES:
            return document.reading_minutes
        return document.reading_minutes + math.ceil(self.practice_ratio * document.reading_minutes)

    def minutes(self, group: list[PathwayDocument]) -> int:
        return sum(self.cost(document) for document in group)


def build_modules(order: list[PathwayDocument], style: ModuleStyle) -> list[PlannedModule]:
    groups = _merge_small(_split(order, style), style)
    everywhere = _sections_holding_most(order)
    titles = _unique([_title(group, style, opening=index == 0, everywhere=everywhere)
                      for index, group in enumerate(groups)])
    return [PlannedModule(title=title, description=_description(group, style),
                          learning_objectives=_objectives(group, style.max_objectives),
                          documents=[d.path for d in group], estimated_minutes=max(1, style.minutes(group)),
                          complexity_level=_dominant_complexity(group, style.cost))
            for title, group in zip(titles, groups)]


def _split(order: list[PathwayDocument], style: ModuleStyle) -> list[list[PathwayDocument]]:
    groups, current, minutes = [], [], 0
    for document in order:
        cost = style.cost(document)
        topic_changed = bool(current) and style.topic(document) != style.topic(current[-1])
        if current and (minutes + cost > style.target_minutes * SLACK
                        or (topic_changed and minutes >= style.target_minutes * TOPIC_BREAK)):
            groups.append(current)
            current, minutes = [], 0
        current.append(document)
        minutes += cost
    return groups + [current] if current else groups


def _merge_small(groups: list[list[PathwayDocument]], style: ModuleStyle) -> list[list[PathwayDocument]]:
    merged: list[list[PathwayDocument]] = []
    small = style.target_minutes * SMALL
    for group in groups:
        if (merged and min(style.minutes(group), style.minutes(merged[-1])) < small
                and style.minutes(merged[-1]) + style.minutes(group) <= style.target_minutes * SLACK):
            merged[-1] = merged[-1] + group
        else:
            merged.append(group)
    return merged


def default_heading(group: list[PathwayDocument], opening: bool = False,
                    everywhere: frozenset[str] = frozenset()) -> str:
    """"Getting started" for the pathway's opening overview (a chapter's overview later in the
    pathway is no start: Werkzeug's middleware index opened a module called "Getting started"); else
    the section of the authors' navigation listing most of the group's documents, else the shared
    folder, else the main kind of reading."""
    if opening and group[0].doc_type == "overview":
        return "Getting started"
    section = navigation_section(group)
    if section and section not in everywhere:
        return section
    folders = {folder(document) for document in group}
    if len(folders) == 1 and "" not in folders:
        return humanise(folders.pop())
    bands = Counter(band(document) for document in group)
    return next(band(d) for d in group if bands[band(d)] == max(bands.values()))


def navigation_section(group: list[PathwayDocument]) -> str | None:
    """The navigation section holding more than half of the group's documents, if one does."""
    section, count = max(_section_counts(group).items(), key=lambda item: item[1], default=(None, 0))
    return section if count * 2 > len(group) else None


def _sections_holding_most(order: list[PathwayDocument]) -> frozenset[str]:
    """Sections listing more than three quarters of the pathway's documents (Starlette's "Features"):
    true of nearly every module, so they tell none apart."""
    return frozenset(section for section, count in _section_counts(order).items() if count * 4 > len(order) * 3)


def _section_counts(documents: list[PathwayDocument]) -> Counter[str]:
    return Counter(document.navigation_section for document in documents if document.navigation_section)


def _title(group: list[PathwayDocument], style: ModuleStyle, opening: bool, everywhere: frozenset[str]) -> str:
    """What the module teaches, in its authors' words: its heading (the section of the pathway) and
    its documents' own titles ("Tutorial: Read data with SELECT and Filter data with WHERE"), not a
    list of keywords; the concepts its documents share only where their titles name no subject."""
    heading = style.heading(group) if style.heading else default_heading(group, opening, everywhere)
    subject = titles_subject(group) or module_subject(group)
    if not subject or subject.casefold() in heading.casefold():
        text = heading
    elif heading.casefold() in subject.casefold():
        text = subject[:1].upper() + subject[1:]
    else:  # a dash where a page's own title has a colon: "Getting started — attrs: Classes Without Boilerplate"
        text = f"{heading}{' — ' if ':' in subject else ': '}{subject}"
    return text if len(text) <= 200 else text[:199] + "…"


def titles_subject(group: list[PathwayDocument]) -> str:
    """The documents' own titles, when each names a subject (short, not a question): the first
    two and how many more for a long module ("Installation, Quickstart and 3 more")."""
    titles = [" ".join(document.title.split()) for document in group]
    if not titles or any(not title or len(title) > LONGEST_DOCUMENT_TITLE or title.endswith("?") for title in titles):
        return ""
    return list_titles(list(dict.fromkeys(titles)))


def module_subject(group: list[PathwayDocument]) -> str:
    """A lone document's own title when it names a subject (short, not a question); else the
    concepts most of the group's documents share, else each document's main concept."""
    if len(group) == 1:
        title = " ".join(group[0].title.split())
        if title and len(title) <= LONGEST_DOCUMENT_TITLE and not title.endswith("?"):
            return title
    shared: Counter[str] = Counter()
    label: dict[str, str] = {}
    for document in group:
        for key, text in document.concept_labels.items():
            shared[key] += 1
            label.setdefault(key, text)
    common = [key for key, count in shared.most_common() if count > 1 or len(group) == 1]
    if not common:
        firsts = (next(iter(document.concept_labels), None) for document in group)
        common = list(dict.fromkeys(key for key in firsts if key))
    return list_titles([label[key] for key in common[:SUBJECT_CONCEPTS]]) if common else ""


def list_titles(titles: list[str]) -> str:
    if len(titles) <= 3:
        return " and ".join(filter(None, [", ".join(titles[:-1]), titles[-1]]))
    return f"{', '.join(titles[:2])} and {len(titles) - 2} more"


def _unique(titles: list[str]) -> list[str]:
    seen: Counter[str] = Counter()
    unique = []
    for title in titles:
        seen[title] += 1
        unique.append(title if seen[title] == 1 else f"{title[:188]} (part {seen[title]})")
    return unique


def _description(group: list[PathwayDocument], style: ModuleStyle) -> str:
    subject = module_subject(group)
    covers = f"Covers {subject} in " if subject else ""
    count = f"{len(group)} document{'s' if len(group) > 1 else ''}"
    practice = ", including time to try the steps" if any(d.doc_type in TASK_TYPES for d in group) \
        and style.practice_ratio > 0 else ""
    summary = group[0].summary.strip()
    first_end = _SENTENCE_END.search(summary)
    opening = summary[:first_end.start() + 1] if first_end else summary
    lead = f"{covers}{count}" if covers else count[:1].upper() + count[1:]
    return f"{lead}, about {style.minutes(group)} minutes{practice}. {opening}".strip()[:2000]


def _objectives(group: list[PathwayDocument], limit: int) -> list[str]:
    """Round-robin over the documents so each contributes; duplicates (ignoring case) once. Without
    any, the documents' main concepts, each as something to explain."""
    pools = [d.learning_objectives for d in group] or [[]]
    if not any(pools):
        pools = [[f"Explain {concept}" for concept in d.key_concepts[:2]] for d in group]
    chosen, seen = [], set()
    for rank in range(max(map(len, pools))):
        for objective in (pool[rank] for pool in pools if rank < len(pool)):
            normal = " ".join(objective.lower().split())
            if normal and normal not in seen and len(chosen) < limit:
                seen.add(normal)
                chosen.append(objective.strip())
    return chosen


def _dominant_complexity(group: list[PathwayDocument], cost: Callable[[PathwayDocument], int]) -> str:
    return dominant_level((document.complexity_level, cost(document)) for document in group)


def dominant_level(weighted: Iterable[tuple[str, int]]) -> str:
    """The level most of the time is spent at; on a tie the higher one."""
    weight: Counter[str] = Counter()
    for level, minutes in weighted:
        weight[level] += minutes
    return max(COMPLEXITY_LEVELS, key=lambda level: (weight[level], COMPLEXITY_LEVELS.index(level)))
