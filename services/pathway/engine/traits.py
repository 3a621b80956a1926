"""What the engine reads off one document: its kind of reading (band), its folder, how it ranks
among peers, and how well it matches the user's free-text focus. Small rules, kept in one place so
every pathway variant and the validation agree on them."""
from __future__ import annotations

import posixpath

from shared import linear_regex
from shared.concepts import concept_key, words
from shared.vocabulary import COMPLEXITY_LEVELS, doc_type_order, doc_type_subset, doc_type_table

from .models import PathwayDocument

# The learning order of kinds of reading: the tie-break among documents a pathway treats alike.
DOC_TYPE_ORDER = doc_type_order(("overview", "concept", "guide", "tutorial", "how-to", "example", "faq",
                                 "troubleshooting", "reference", "api", "changelog", "contributing",
                                 "other"))
TASK_TYPES = doc_type_subset({"tutorial", "how-to", "example"})  # documents a learner works through
PROJECT_NOTES = doc_type_subset({"changelog", "contributing", "other"})
BAND_OF_TYPE = doc_type_table({
    "overview": "Overview", "concept": "Core concepts", "guide": "Guides", "tutorial": "Tutorials",
    "how-to": "How-to", "example": "Examples", "faq": "Troubleshooting and FAQ",
    "troubleshooting": "Troubleshooting and FAQ", "reference": "Reference", "api": "Reference",
    "changelog": "Project notes", "contributing": "Project notes", "other": "More"})
_GENERIC_FOLDERS = frozenset({"", ".", "doc", "docs", "documentation", "source", "src", "content"})
_STOPWORDS = frozenset("about after also and are but can does for from have how into more most "
                       "only other over should some than that the their them then there these "
                       "they this those through want what when which while will with would your".split())


def doc_type_rank(document: PathwayDocument) -> int:
    return DOC_TYPE_ORDER.index(document.doc_type)


def complexity_rank(level: str) -> int:
    return COMPLEXITY_LEVELS.index(level)


def navigation_rank(document: PathwayDocument) -> tuple[int, int]:
    """Documents in the navigation first, in its order; then those stage 1 could place by their
    names, index pages and front matter, in that inferred order (ties stay ties); the others last."""
    if document.navigation_index is not None:
        return (0, document.navigation_index)
    return (1, document.inferred_index) if document.inferred_index is not None else (2, 0)


def peer_order(document: PathwayDocument) -> tuple:
    """The tie-break among documents a pathway treats alike: navigation, doc type, complexity, name."""
    return (navigation_rank(document), doc_type_rank(document),
            complexity_rank(document.complexity_level), *name_order(document.path))


def name_order(path: str) -> tuple[str, str]:
    """Paths compared without their extension, so a module's page comes before its submodules'
    ("markdown.md" before "markdown.blockparser.md"); the whole path keeps the order total."""
    return posixpath.splitext(path)[0], path


def band(document: PathwayDocument) -> str:
    return BAND_OF_TYPE[document.doc_type]


def concept_labels(document: PathwayDocument) -> dict[str, str]:
    """The document's concepts and topics by concept key (the key stage 2 links by, so "Virtual
    environments" and "the virtual environment" are one), each with its first wording; a label
    with no words in it ("2.0") names no concept."""
    labels: dict[str, str] = {}
    for label in [*document.key_concepts, *document.related_topics]:
        key = concept_key(label)
        if key:
            labels.setdefault(key, " ".join(label.split()))
    return labels


def concept_keys(document: PathwayDocument) -> set[str]:
    return set(concept_labels(document))


def taught_keys(document: PathwayDocument) -> set[str]:
    """The concept keys of what the document is about: its key concepts."""
    return {key for key in map(concept_key, document.key_concepts) if key}


LONGEST_USED_PHRASE = 4  # words: key concepts are seldom longer


def used_keys(document: PathwayDocument) -> set[str]:
    """Concept keys of every phrase (up to four words) that the document's title, summary,
    objectives, assumed concepts, topics and key concepts say: what it talks about, whether it
    teaches it or takes it as known."""
    text = " ".join([document.title, document.summary, *document.learning_objectives,
                     *document.prerequisite_concepts, *document.related_topics, *document.key_concepts])
    said = words(text)
    found = set()
    for size in range(1, LONGEST_USED_PHRASE + 1):
        found.update(concept_key(" ".join(said[i:i + size])) for i in range(len(said) - size + 1))
    found.discard("")
    return found


def folder(document: PathwayDocument) -> str:
    """The document's folder when it says something ("docs/guides" → "guides"), else ""."""
    parent = posixpath.dirname(document.path)
    parts = [part for part in parent.split("/") if part.lower() not in _GENERIC_FOLDERS]
    return parts[-1] if parts else ""


def humanise(name: str) -> str:
    words = linear_regex.sub(r"[-_\s]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _stem(word: str) -> str:
    # Crude on purpose: "deployment", "deploying" and "deploys" should all meet at "deploy". This
    # is a word search of the user's free-text focus, looser than concept identity (concept_key):
    # a focus on "deploying" should find a document about "deployment".
    for suffix in ("ations", "ation", "ments", "ment", "ings", "ing", "ers", "er", "es", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> set[str]:
    words = linear_regex.findall(r"[a-z0-9]+", text.lower())
    return {_stem(word) for word in words if len(word) >= 4 and word not in _STOPWORDS}


def focus_terms(additional_info: str) -> frozenset[str]:
    return frozenset(stems(additional_info))


def document_stems(document: PathwayDocument) -> set[str]:
    return stems(" ".join([document.title, document.path, *document.key_concepts, *document.related_topics]))


def focus_score(document: PathwayDocument, terms: frozenset[str]) -> int:
    """How many focus terms the document's title, path, concepts and topics mention."""
    return len(terms & document_stems(document)) if terms else 0


def matched_focus_words(additional_info: str, documents: list[PathwayDocument]) -> list[str]:
    """The user's own words that some document matches, in the user's order ("deployment")."""
    covered = set().union(*(document_stems(d) for d in documents)) if documents else set()
    words = linear_regex.findall(r"[A-Za-z0-9]+", additional_info)
    return list(dict.fromkeys(w.lower() for w in words if stems(w) and stems(w) <= covered))
