"""The engine's input per document and the plan it (or an LLM, through tool use) produces. The
output models double as the structured-output schema, so their fields stay flat and simple."""
from __future__ import annotations

from functools import cached_property
from types import MappingProxyType
from typing import Any, Mapping

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import linear_regex
from shared.concepts import concept_key, phrase_keys
from shared.vocabulary import Complexity, DocType


class PathwayDocument(BaseModel):
    """One analysed document as stage 3 sees it: stage 2's analysis plus stage 1's navigation."""
    model_config = ConfigDict(frozen=True)
    path: str = Field(min_length=1)
    title: str
    doc_type: DocType
    complexity_level: Complexity
    key_concepts: list[str] = Field(default_factory=list)
    learning_objectives: list[str] = Field(default_factory=list)
    summary: str = ""
    prerequisites: list[str] = Field(default_factory=list, description="paths of documents to read first")
    prerequisite_concepts: list[str] = Field(default_factory=list)
    related_documents: list[str] = Field(default_factory=list)
    related_topics: list[str] = Field(default_factory=list)
    word_count: int = Field(default=0, ge=0)
    reading_minutes: int = Field(default=1, ge=1)
    navigation_index: int | None = None
    # A document the navigation does not list: its rank in stage 1's inferred reading order
    # (file names, index pages, front matter). Equal ranks are not ordered; below any navigation.
    inferred_index: int | None = None
    # The title of the navigation's section listing it ("Tutorials", "API Reference"): the authors'
    # name for what a run of pages teaches, which module titles use.
    navigation_section: str | None = None

    # What the order and the modules read from a document's own words, derived once per document:
    # a plan consults them in every variant, and the concept-key cache all documents share misses
    # once a corpus outgrows it (each document's cost then grew with the corpus). All but the
    # phrases it uses (used_keys), too many to keep for every document.
    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> "PathwayDocument":
        """A copy with `update`; what was derived from the original's words is derived again."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _DERIVED:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def concept_labels(self) -> Mapping[str, str]:
        """The document's concepts and topics by concept key (the key stage 2 links by, so "Virtual
        environments" and "the virtual environment" are one), each with its first wording; a label
        with no words in it ("2.0") names no concept."""
        labels: dict[str, str] = {}
        for label in [*self.key_concepts, *self.related_topics]:
            key = concept_key(label)
            if key:
                labels.setdefault(key, " ".join(label.split()))
        return MappingProxyType(labels)

    @cached_property
    def taught_keys(self) -> frozenset[str]:
        """The concept keys of what the document is about: its key concepts."""
        return frozenset(key for key in map(concept_key, self.key_concepts) if key)

    @property
    def used_keys(self) -> frozenset[str]:
        """Concept keys of every phrase (up to four words) that the document's title, summary,
        objectives, assumed concepts, topics and key concepts say: what it talks about, whether it
        teaches it or takes it as known. Derived anew on each call, never kept: hundreds of phrases
        a document, for thousands of documents, were most of stage 3's memory (issue 49), while
        the order only asks which of them some document teaches (order/signals.py taught_uses)."""
        text = " ".join([self.title, self.summary, *self.learning_objectives,
                         *self.prerequisite_concepts, *self.related_topics, *self.key_concepts])
        return frozenset(phrase_keys(text, LONGEST_USED_PHRASE))

    @cached_property
    def assumed_keys(self) -> Mapping[str, str]:
        """Its prerequisite concepts by concept key, each with its first wording."""
        assumed: dict[str, str] = {}
        for concept in self.prerequisite_concepts:
            key = concept_key(concept)
            if key:
                assumed.setdefault(key, concept.strip())
        return MappingProxyType(assumed)


LONGEST_USED_PHRASE = 4  # words: key concepts are seldom longer
_DERIVED = tuple(name for name, value in vars(PathwayDocument).items() if isinstance(value, cached_property))


class PlannedModule(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000)
    learning_objectives: list[str] = Field(default_factory=list, max_length=8,
                                           description="what a learner can do afterwards")
    documents: list[str] = Field(min_length=1, description="paths of analysed documents, in reading order")
    estimated_minutes: int = Field(ge=1, description="reading time plus practice time")
    complexity_level: Complexity


class PlannedPathway(BaseModel):
    model_config = ConfigDict(extra="ignore")
    key: str = Field(min_length=1, max_length=40, description='short slug, e.g. "foundations-first"')
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=2000,
                             description="how this pathway differs from the others")
    audience: str = Field(default="", max_length=500, description="who this pathway suits")
    complexity_level: Complexity
    prerequisites: list[str] = Field(default_factory=list, max_length=12,
                                     description="knowledge assumed and not taught by its documents")
    modules: list[PlannedModule] = Field(min_length=1)

    @field_validator("key", mode="before")
    @classmethod
    def _slug(cls, value: object) -> object:
        # Models often answer "Foundations First"; the slug it means is unambiguous, so accept it.
        if isinstance(value, str):
            return linear_regex.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")[:40].strip("-")
        return value

    def document_paths(self) -> list[str]:
        return [path for module in self.modules for path in module.documents]

    def total_minutes(self) -> int:
        return sum(module.estimated_minutes for module in self.modules)


class PathwayPlan(BaseModel):
    model_config = ConfigDict(extra="ignore")
    pathways: list[PlannedPathway] = Field(min_length=1)
