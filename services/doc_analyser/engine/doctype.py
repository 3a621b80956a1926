"""What kind of document this is, from evidence that adds up: the file name and folders, the
headings, the wording of the prose and the shape of the code. The kind with the most evidence wins;
with too little evidence a document with prose is a "guide"."""
from __future__ import annotations

import posixpath
from collections import Counter

from services.doc_analyser.engine.stopwords import IMPERATIVE_VERBS
from shared import linear_regex
from shared.docs.model import Heading, ParsedDocument
from shared.vocabulary import doc_type_order

_NAME_CUES = [  # (pattern on the file name without extension, kind, weight)
    (r"^(changelog|changes|history|news|release[-_ ]?notes|releases|whatsnew)$", "changelog", 6),
    (r"^contributing|^contribute|^development$|^hacking$", "contributing", 6),
    (r"^(faq|faqs|questions)$", "faq", 6),
    (r"troubleshoot", "troubleshooting", 5),
    (r"^(readme|index|overview|home|_index)$", "overview", 3),
    (r"^(introduction|intro|about)$", "overview", 1.5),
    (r"^(introduction|intro)$", "concept", 1),
    (r"^advanced|tuning|performance|^operations?$|operating", "guide", 2),
    (r"tutorial|walkthrough|lesson|workshop", "tutorial", 3),
    (r"getting[-_ ]?started|quick[-_ ]?start|install|setup|how[-_ ]?to|^usage$", "how-to", 3),
    (r"(^|[-_])api([-_]|$)", "api", 3),
    (r"reference|^cli$|^commands$|^config(uration)?$", "reference", 3),
    (r"concept|architecture|design|explanation|internals|glossary|theory|how[-_]it[-_]works",
     "concept", 3),
    (r"example|demo|sample|cookbook|recipe", "example", 3),
    (r"guide", "guide", 2),
]
_FOLDER_CUES = {"api": "api", "reference": "reference", "tutorials": "tutorial", "tutorial": "tutorial",
                "how-to": "how-to", "howto": "how-to", "how-tos": "how-to", "guides": "guide",
                "concepts": "concept", "explanation": "concept", "examples": "example"}
_HEADING_CUES = [  # (pattern on a heading, kind, weight per heading)
    # A version ends where its word does: at the end or before a character not in a word.
    (r"^\[?v?\d+\.\d+(\.\d+)?(?:[^\w]|$)|^\[?unreleased\]?", "changelog", 1.5),
    (r"^step\s*\d+|^\d+\.\s", "tutorial", 1.0),
    (r"install|set ?up|prerequisite|quick ?start|getting started|configur|deploy", "how-to", 1.0),
    (r"tutorial", "tutorial", 2.0),
    (r"\bapi\b|\bendpoints?\b", "api", 1.5),
    (r"^(parameters|arguments|returns?|raises|attributes|methods|options|properties|fields|"
     r"exceptions|signature|usage|syntax)$", "reference", 1.0),
    (r"troubleshoot|common (errors|issues|problems)|known issues|debugging", "troubleshooting", 2.0),
    (r"^(overview|introduction|features|about|highlights|documentation|license)\b", "overview", 0.7),
    (r"^(what is|what are|why)\b|concepts?$|architecture|how it works|under the hood|design",
     "concept", 1.0),
    (r"\bexamples?\b", "example", 0.7),
]
# Compiled at import: a cue RE2 cannot run fails there, not on the first document.
_NAME_CUES = [(linear_regex.compile(pattern), kind, weight) for pattern, kind, weight in _NAME_CUES]
_HEADING_CUES = [(linear_regex.compile(pattern), kind, weight) for pattern, kind, weight in _HEADING_CUES]
QUESTION_WEIGHT = 0.7  # FAQ evidence per question heading, on a page of nothing but questions
_TUTORIAL_WORDING = linear_regex.compile(r"\b(in this tutorial|you will (learn|build|create)|you'll "
                                         r"(learn|build|create)|let's)\b", linear_regex.IGNORECASE)
_CONCEPT_WORDING = linear_regex.compile(r"\b(is an?|refers to|means|consists of|is responsible for|"
                                        r"is called|explains? (what|how|why))\b", linear_regex.IGNORECASE)
_SIGNATURE = linear_regex.compile(r"^\s*(?:async\s+)?(?:def|class|function|fn|func|pub fn|interface|type)\s+\w"
                                  r"|^\s*[\w.]+\([^)]*\)\s*(?:->|:)", linear_regex.MULTILINE)
_FIRST_WORD = linear_regex.compile(r"[A-Za-z]+")
# Which kind wins a tie of evidence; every doc type is in it, so every one can be chosen.
_PRIORITY = doc_type_order(["changelog", "contributing", "faq", "troubleshooting", "api", "reference",
                            "tutorial", "how-to", "concept", "example", "overview", "guide", "other"])
_LEAST_EVIDENCE = 1.5
GENERATED_REFERENCE_WEIGHT = 1.5
DEFINITION_SENTENCES = 15


def classify(doc: ParsedDocument, sentences: list[str]) -> str:
    scores: Counter[str] = Counter()
    _path_evidence(doc.path, scores)
    _heading_evidence(doc, scores)
    sparse_definitions = _prose_evidence(sentences, scores)
    _code_evidence(doc, scores)
    best = max(_PRIORITY, key=lambda kind: (scores[kind], -_PRIORITY.index(kind)))
    if scores[best] >= _LEAST_EVIDENCE:
        return best
    # Sparse definitions lose to another kind's evidence, not to none: a long explanation that
    # seldom says "X is a …" is still an explanation.
    if scores["concept"] + sparse_definitions >= _LEAST_EVIDENCE:
        return "concept"
    return "guide" if doc.word_count >= 30 or doc.code_blocks else "other"


def _path_evidence(path: str, scores: Counter) -> None:
    folders, name = posixpath.split(path.lower())
    stem = name.split(".")[0]
    for pattern, kind, weight in _NAME_CUES:
        if pattern.search(stem):
            scores[kind] += weight
    for folder in folders.split("/"):
        if folder in _FOLDER_CUES:
            scores[_FOLDER_CUES[folder]] += 1.5


def _heading_evidence(doc: ParsedDocument, scores: Counter) -> None:
    outline = outline_numbers(doc.headings)
    for heading in doc.headings:
        text = heading.text.lower().strip()
        for index, (pattern, kind, weight) in enumerate(_HEADING_CUES):
            if pattern.search(text) and not (index == 0 and heading in outline):
                scores[kind] += weight
    # A FAQ is mostly questions; a reference page that asks a few ("Where are errors handled?")
    # among its other headings is not one: question headings count by the share they make up.
    questions = sum(1 for heading in doc.headings if heading.text.strip().endswith("?"))
    if questions:
        scores["faq"] += QUESTION_WEIGHT * questions * questions / len(doc.headings)
    versions = sum(bool(_HEADING_CUES[0][0].search(h.text.lower())) for h in doc.headings if h not in outline)
    if versions >= 2:
        scores["changelog"] += 4


def _prose_evidence(sentences: list[str], scores: Counter) -> float:
    """Adds the prose's evidence; returns the concept evidence its density rule held back."""
    if not sentences:
        return 0.0
    imperative = sum(1 for sentence in sentences if (first := _FIRST_WORD.match(sentence))
                     and first.group(0).lower() in IMPERATIVE_VERBS)
    share = imperative / len(sentences)
    scores["how-to"] += min(3.0, 6 * share) if imperative >= 2 else 0
    joined = "\n".join(sentences)
    tutorial_wording = len(_TUTORIAL_WORDING.findall(joined))
    scores["tutorial"] += 2.0 + 0.3 * (tutorial_wording - 1) if tutorial_wording else 0.0
    definitions = len(_CONCEPT_WORDING.findall(joined))
    # A few definitions in a long page are incidental (a reference page defines its terms too):
    # the evidence is how densely the page explains, counted in full up to one in every
    # DEFINITION_SENTENCES sentences.
    density = min(1.0, DEFINITION_SENTENCES / len(sentences))
    full, counted = (min(3.0, 0.8 * definitions * weight) * (1 - share) for weight in (1.0, density))
    scores["concept"] += counted
    return full - counted


def _code_evidence(doc: ParsedDocument, scores: Counter) -> None:
    signatures = sum(len(_SIGNATURE.findall(block.code[:5000])) for block in doc.code_blocks)
    signature_blocks = sum(1 for block in doc.code_blocks if len(block.code.splitlines()) <= 3
                           and _SIGNATURE.search(block.code))
    scores["reference"] += min(3.0, 0.5 * signatures + 0.5 * signature_blocks)
    scores["api"] += min(1.5, 0.25 * signatures)
    # A reference the build generates from the code (`.. automodule::`, `::: pkg.Object`) is API
    # reference, however little prose the page has around it.
    scores["api"] += min(3.0, GENERATED_REFERENCE_WEIGHT * len(doc.generated_references))
    code_lines = sum(block.code.count("\n") + 1 for block in doc.code_blocks)
    if code_lines > doc.word_count / 8 and len(doc.code_blocks) >= 3:
        scores["example"] += 2.0
    if doc.format == "notebook":
        scores["example"] += 2.5
        scores["tutorial"] += 1.0


_SECTION_NUMBER = linear_regex.compile(r"^(\d+)(?:\.\d+)*(?:\.|\s|[^\w.]|$)")


def outline_numbers(headings: tuple[Heading, ...]) -> frozenset[Heading]:
    """Headings numbered as a document's outline ("2. 性能", then "2.1 SER", "2.2 RE"), not as
    releases: a heading "N.M …" below an earlier, higher heading numbered N."""
    found, opened = set(), {}
    for heading in headings:
        match = _SECTION_NUMBER.match(heading.text.strip())
        if match is None:
            continue
        number = match.group(1)
        parent = opened.get(number)
        if parent is not None and parent < heading.level:
            found.add(heading)
        opened.setdefault(number, heading.level)
    return frozenset(found)
