"""What stage 4 writes for one module. The content (`ModuleContent` and its parts) is shared with the
gateway, which checks the author's edits against it: shared/course_content.py."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from shared.course_content import (
    Citation, CodeExample, ContentSection, ModuleContent, Question, QuestionKind,
)
from shared.vocabulary import Complexity

# The content's parts are imported from here by stage 4's engine and export.
__all__ = ["Citation", "CodeExample", "ContentSection", "ModuleContent", "ModuleSpec", "Question", "QuestionKind"]


class ModuleSpec(BaseModel):
    """A module of the chosen pathway, as stage 3 planned it (the input of stage 4)."""
    model_config = ConfigDict(extra="ignore")
    module_id: str = Field(min_length=1)
    position: int = Field(ge=1, description="1-based place in the pathway")
    title: str = Field(min_length=1, max_length=300)
    description: str = ""
    learning_objectives: list[str] = Field(default_factory=list)
    documents: list[str] = Field(default_factory=list, description="source document paths, in reading order")
    estimated_minutes: int = Field(default=0, ge=0)
    complexity_level: Complexity = "beginner"
