"""What stage 2 learns about one document. `DocumentAnalysis` is what a provider answers for one
document alone (so it can be cached by the document's content); `linking` then adds what depends
on the whole selection (prerequisites, related documents, corpus-filtered key concepts)."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.vocabulary import Complexity, DocType

PROMPT_VERSION = "analyse-document/1"


class DocumentAnalysis(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str = Field(min_length=1, max_length=300)
    doc_type: DocType
    complexity_level: Complexity
    key_concepts: list[str] = Field(default_factory=list, max_length=20,
                                    description="ranked, most important first")
    learning_objectives: list[str] = Field(default_factory=list, max_length=10)
    summary: str = Field(default="", max_length=2000)
    assumed_knowledge: list[str] = Field(default_factory=list, max_length=15,
                                         description="concepts the document uses without explaining them")
    topics: list[str] = Field(default_factory=list, max_length=10)
