"""What the engine reads off one document besides its place (order/signals.py): its band (the
kind of reading a module is titled by), its folder, and how well it matches the user's free-text
focus."""
from __future__ import annotations

import posixpath

from shared import linear_regex
from shared.vocabulary import doc_type_subset, doc_type_table

from .models import PathwayDocument

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


def band(document: PathwayDocument) -> str:
    return BAND_OF_TYPE[document.doc_type]


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
