"""The engine's input per document and the plan it (or an LLM, through tool use) produces. The
output models double as the structured-output schema, so their fields stay flat and simple."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared import linear_regex
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
