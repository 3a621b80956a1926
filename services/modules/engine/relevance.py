"""How much an excerpt of a source has to do with its module: the words it shares with the module's
title, objectives, description, key concepts and documents' titles (compared as shared.concepts
compares concepts: lower case, singular), weighted by where the module says them and by how rare
they are among the module's excerpts, plus whole concept phrases found as they are. A document's
opening excerpt gets a bonus, so that each source is introduced before its details."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Mapping, Sequence

from shared.concepts import STOPWORDS, concept_key, normal, words

from ..models import ModuleSpec
from .excerpts import Excerpt

TITLE, CONCEPT, OBJECTIVE, DESCRIPTION = 3.0, 2.0, 1.5, 1.0
PHRASE_BONUS = 2.0      # a concept named in full counts this much more than its words alone
OPENING_SHARE = 0.5     # the opening excerpt gains this share of its document's best score
MIN_OPENING_BONUS = 1.0  # at least this, so an opening that shares nothing still counts
# Words every objective uses: they say what to do with the subject, not what it is.
_TEACHING_WORDS = frozenset("""able apply build configure create define describe discuss explain
identify know learn list outline recognise recognize set start summarise summarize understand use
using work write""".split())


@dataclass(frozen=True)
class ModuleTerms:
    weights: Mapping[str, float]                  # a normalised word → its weight
    phrases: Mapping[tuple[str, ...], float]      # a concept of several words → its weight


def module_terms(spec: ModuleSpec, concepts: Sequence[str], titles: Sequence[str] = ()) -> ModuleTerms:
    """`concepts`: the key concepts of the module's documents; `titles`: their titles, which say
    what the module is about as much as its description does."""
    weights: dict[str, float] = {}
    phrases: dict[tuple[str, ...], float] = {}
    said = [(spec.title, TITLE)] + [(c, CONCEPT) for c in concepts] + [
        (o, OBJECTIVE) for o in spec.learning_objectives] + [(spec.description, DESCRIPTION)] + [
        (t, DESCRIPTION) for t in titles]
    for text, weight in said:
        for key in keys(text):
            if len(key) > 2 and key not in STOPWORDS and key not in _TEACHING_WORDS:
                weights[key] = max(weights.get(key, 0.0), weight)
    for concept in concepts:
        phrase = tuple(concept_key(concept).split())
        if len(phrase) > 1:
            phrases[phrase] = CONCEPT
    return ModuleTerms(weights, phrases)


def keys(text: str) -> list[str]:
    return [normal(word) for word in words(text)]


def relevance(excerpts: Sequence[Excerpt], terms: ModuleTerms) -> list[float]:
    """One score per excerpt, 0 for one that shares nothing with the module (an opening excerpt
    excepted: it always has its bonus)."""
    bags = [_bag(excerpt, terms) for excerpt in excerpts]
    seen_in = Counter(term for words_of, _ in bags for term in set(words_of) if term in terms.weights)
    rarity = {term: math.log(1 + len(bags) / count) for term, count in seen_in.items()}
    scores = []
    for counts, grams in bags:
        score = sum(terms.weights[term] * rarity[term] * (1 + math.log(counts[term]))
                    for term in counts if term in terms.weights)
        score += sum(PHRASE_BONUS * weight for phrase, weight in terms.phrases.items() if phrase in grams)
        scores.append(score)
    best: dict[str, float] = {}
    for excerpt, score in zip(excerpts, scores):
        best[excerpt.path] = max(best.get(excerpt.path, 0.0), score)
    return [score + max(MIN_OPENING_BONUS, OPENING_SHARE * best[excerpt.path]) if excerpt.is_opening else score
            for excerpt, score in zip(excerpts, scores)]


def _bag(excerpt: Excerpt, terms: ModuleTerms) -> tuple[Counter, set[tuple[str, ...]]]:
    """The excerpt's words (its heading's twice: a heading says what the text is about) and the
    runs of words in it that could be one of the module's concept phrases."""
    sequence = keys(f"{excerpt.heading.text if excerpt.heading else ''}\n{excerpt.body}")
    heading = keys(excerpt.heading.text) if excerpt.heading else []
    starts = {phrase[0] for phrase in terms.phrases}
    lengths = {len(phrase) for phrase in terms.phrases}
    grams = {tuple(sequence[at:at + n]) for at, word in enumerate(sequence) if word in starts for n in lengths}
    return Counter(sequence + heading), grams
