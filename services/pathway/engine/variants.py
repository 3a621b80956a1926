"""The pathway variants, as data: which documents each leaves out, how it orders them (phase by
kind of reading, then navigation/type/complexity/path), and how it cuts them into modules.
To change the order of a pathway, start here (with graph.py and grouping.py; docs/architecture.md).

- foundations-first: with a navigation, its order (the overview first, project notes last).
  Without one: stage 1's inferred order (names, index pages, front matter) first; among the pages
  it cannot tell apart, the overview, then first steps (tutorials, how-tos), then the body —
  concepts, guides, examples, reference — with the pages that teach what the others use first
  (Corpus.teaching_order, then the simpler), then FAQ and troubleshooting, then project notes.
  Uses every document, so every selected document is in at least one pathway.
- hands-on: tasks first, each preceded just in time by the concepts it requires; documents
  matching the user's focus words come first among equals; changelog, contributing and "other"
  documents left out.
- fast-track: the navigation order in fewer, longer modules with little practice time; leaves out
  low-value documents (changelog, contributing, FAQ, advanced reference) unless required or in focus.
- focus (only when the user's text matches some documents): those documents and what they require.
- reference-deep-dive: reference/API first (after the concepts it requires), tasks as examples after.
- by-topic: documents clustered by the concept most of them share; one topic after another."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable

from .corpus import Corpus
from .grouping import list_titles
from .models import PathwayDocument
from shared.vocabulary import doc_type_subset, doc_type_table

from .order.signals import complexity_rank
from .traits import PROJECT_NOTES, band, humanise, matched_focus_words

Phase = Callable[[PathwayDocument, Corpus], int | tuple[int, ...]]  # compared within one variant

# Each variant's phase per kind of reading; doc_type_table refuses a table that misses a doc type.
_FOUNDATIONS = doc_type_table({"overview": 0, "concept": 1, "guide": 2, "tutorial": 2, "how-to": 2,
                               "example": 2, "faq": 3, "troubleshooting": 3, "reference": 4, "api": 4,
                               "changelog": 5, "contributing": 5, "other": 5})
# Without a navigation the kind of reading is a guess from a page's wording (a feature page reads as
# a concept, a guide or a reference by chance), so only the kinds a reader meets first or last
# order pages; the body is ordered by what teaches what. Measured on eleven real books with their
# navigation stripped (bench/order.py): Kendall τ 0.59 → 0.66 on average, the worst 0.13 → 0.42
# (then 0.68 and 0.47 with stage 2's prerequisites voting in the tournament: corpus.py).
_FOUNDATIONS_INFERRED = doc_type_table({"overview": 0, "tutorial": 1, "how-to": 1, "concept": 2, "guide": 2,
                                        "example": 2, "reference": 2, "api": 2, "faq": 3,
                                        "troubleshooting": 3, "changelog": 4, "contributing": 4,
                                        "other": 4})
_HANDS_ON = doc_type_table({"tutorial": 0, "how-to": 0, "example": 0, "guide": 1, "faq": 2,
                            "troubleshooting": 2, "overview": 3, "concept": 3, "reference": 4, "api": 4,
                            "changelog": 5, "contributing": 5, "other": 5})
_REFERENCE = doc_type_table({"overview": 0, "reference": 1, "api": 1, "concept": 2, "guide": 3,
                             "how-to": 4, "tutorial": 5, "example": 5, "faq": 6, "troubleshooting": 6,
                             "changelog": 7, "contributing": 7, "other": 7})
_LOOKUP = doc_type_subset({"reference", "api"})  # look-up material rather than reading
# What foundations-first moves after the navigation's other pages: release notes and contribution
# rules (Starlette lists its release notes mid-way). Not "other" (a project note elsewhere): a page
# of no known kind that the authors list mid-way stays where they put it.
_NOTES_LAST = doc_type_subset({"changelog", "contributing"})


def _phase_by_type(table: dict[str, int]) -> Phase:
    return lambda document, corpus: table[document.doc_type]


def _foundations_phase(document: PathwayDocument, corpus: Corpus) -> tuple[int, int, int, int]:
    """Documents a navigation lists keep its order, project notes last. Among documents no
    navigation orders: the one more documents require first (Corpus.required_by: the foundations
    others build on), then first, body or last by kind of reading, then the one that teaches what
    the others use first (Corpus.teaching_order), then the simpler (see order/score.py)."""
    if document.navigation_index is not None:
        return (int(document.doc_type in _NOTES_LAST), 0, 0, 0)
    return (-corpus.required_by(document), _FOUNDATIONS_INFERRED[document.doc_type],
            corpus.teaching_order(document), complexity_rank(document.complexity_level))


def _band_topic(document: PathwayDocument, corpus: Corpus) -> str:
    return band(document)


def _section_or_band(document: PathwayDocument, corpus: Corpus) -> str:
    # Where the authors' navigation groups pages under a title, a new section starts a new module
    # once the current one is half full, as a change of topic does.
    return f"section: {document.navigation_section}" if document.navigation_section else band(document)


def _work_or_lookup(document: PathwayDocument, corpus: Corpus) -> str:
    # Pulled-in concepts belong with the task that needs them, so only look-up material and
    # project notes start modules of their own.
    if document.doc_type in _LOOKUP:
        return "lookup"
    return "notes" if document.doc_type in PROJECT_NOTES else "work"


def _keeps_everything(document: PathwayDocument, corpus: Corpus) -> bool:
    return False


def _is_project_note(document: PathwayDocument, corpus: Corpus) -> bool:
    return corpus.is_large and document.doc_type in PROJECT_NOTES and not corpus.focus_of(document)


def _is_low_value(document: PathwayDocument, corpus: Corpus) -> bool:
    deep_reference = document.doc_type in _LOOKUP and document.complexity_level == "advanced"
    low = document.doc_type in PROJECT_NOTES or document.doc_type == "faq" or deep_reference
    return corpus.is_large and low and not corpus.focus_of(document)


@dataclass(frozen=True)
class Variant:
    key: str
    title: str
    approach: str
    audience: str
    phase: Phase
    leaves_out: Callable[[PathwayDocument, Corpus], bool] = _keeps_everything
    pull_in: bool = False  # prerequisites just in time (else: stable topological order)
    follows_reading_order: bool = False  # the authors' (or inferred) order before the phase
    uses_focus: bool = False  # focus matches first among documents of the same phase
    module_factor: float = 1.0  # module length relative to the target
    practice_ratio: float = 0.5
    topic: Callable[[PathwayDocument, Corpus], str] = _band_topic
    heading: Callable[[list[PathwayDocument], Corpus], str] | None = None
    max_objectives: int = 6


FOUNDATIONS_FIRST = Variant(
    "foundations-first", "Foundations first",
    "Foundations before what builds on them: the overview and first steps, then each page before the "
    "pages that use what it teaches, questions and project notes last; the project's own navigation "
    "order where it has one. Uses every selected document.",
    "Newcomers who want to see how the project fits together before using it.",
    _foundations_phase, follows_reading_order=True, topic=_section_or_band)

HANDS_ON = Variant(
    "hands-on", "Hands-on",
    "Learning by doing: tutorials, how-tos and examples come first, each preceded by just the concept "
    "documents it needs; the remaining background and the reference come at the end, with extra "
    "practice time in every task module.",
    "Developers who learn best by building something and looking things up as they go.",
    _phase_by_type(_HANDS_ON), _is_project_note, pull_in=True, uses_focus=True, practice_ratio=1.0,
    topic=_work_or_lookup)

FAST_TRACK = Variant(
    "fast-track", "Fast track",
    "The shortest route: the project's own navigation order in fewer, longer modules with little "
    "practice time, skipping release notes, contribution rules, FAQs and advanced reference unless "
    "a kept document depends on them.",
    "Experienced developers who need to become productive quickly.",
    lambda document, corpus: 0, _is_low_value, module_factor=1.5, practice_ratio=0.25, max_objectives=4,
    topic=_section_or_band)

REFERENCE_DEEP_DIVE = Variant(
    "reference-deep-dive", "Reference deep-dive",
    "Interfaces first: the reference and API documents (after the concepts they rely on), then guides, "
    "with how-tos and tutorials as worked examples at the end.",
    "Developers who know the domain and want the exact interfaces before the walkthroughs.",
    _phase_by_type(_REFERENCE), practice_ratio=0.25)


def _dominant_topic(group: list[PathwayDocument], corpus: Corpus) -> str:
    topics = [corpus.topics[document.path] for document in group]
    counts = Counter(topics)
    return humanise(next(topic for topic in topics if counts[topic] == max(counts.values())))


BY_TOPIC = Variant(
    "by-topic", "By topic",
    "One area at a time: documents are grouped by the concept they share, and each topic runs from "
    "its concepts through its guides to its reference before the next topic starts.",
    "Learners who want to master one part of the project at a time.",
    lambda document, corpus: corpus.topic_rank(document) * 10 + _FOUNDATIONS[document.doc_type],
    topic=lambda document, corpus: corpus.topics[document.path], heading=_dominant_topic)


FOCUS_KEY = "focus"


def focus_variant(corpus: Corpus, additional_info: str) -> Variant | None:
    """A pathway narrowed to the user's stated focus, when it matches some but not all documents."""
    matching = [d for d in corpus.documents.values() if corpus.focus_of(d)]
    if not matching or len(matching) == len(corpus.documents):
        return None
    words = list_titles(matched_focus_words(additional_info, matching)[:3])
    return Variant(
        FOCUS_KEY, f"Focus: {words}",
        f"Only what you asked about ({words}): {_count(matching, 'matching document')} and the "
        "documents they require, in hands-on order.",
        f"Learners who want {words} and nothing else yet.",
        _phase_by_type(_HANDS_ON), lambda document, c: not c.focus_of(document), pull_in=True,
        uses_focus=True, practice_ratio=1.0, topic=_work_or_lookup)


def _count(items: list, noun: str) -> str:
    return f"{len(items)} {noun}{'s' if len(items) != 1 else ''}"


# The pathways that order by kind of reading before the authors' order (focus: as hands-on).
_BY_KIND = frozenset({HANDS_ON.key, REFERENCE_DEEP_DIVE.key, BY_TOPIC.key, FOCUS_KEY})


def orders_by_kind(pathway_key: str) -> bool:
    """Whether the pathway of this key puts kinds of reading first (a model's own key: no)."""
    return pathway_key in _BY_KIND


def variants_for(corpus: Corpus, additional_info: str) -> list[Variant]:
    focus = focus_variant(corpus, additional_info)
    return [FOUNDATIONS_FIRST, HANDS_ON, FAST_TRACK, *([focus] if focus else []),
            REFERENCE_DEEP_DIVE, BY_TOPIC]
