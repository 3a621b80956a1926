"""Request and response bodies of the REST API."""
from __future__ import annotations

from datetime import datetime

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from shared.language import normalised
from shared.text import CleanText

# A BCP 47 tag of a registered language, answered in its standard form ("iw" becomes "he"); 422 otherwise.
LanguageTag = Annotated[str, Field(max_length=64, description="BCP 47 language tag, e.g. fr, pt-BR, zh-Hans",
                                   examples=["fr"]), AfterValidator(normalised)]


class CourseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: CleanText = Field(min_length=1, max_length=200)
    description: CleanText = Field(default="", max_length=5000)
    language: LanguageTag | None = None


class CourseUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    title: CleanText | None = Field(default=None, min_length=1, max_length=200)
    description: CleanText | None = Field(default=None, max_length=5000)
    language: LanguageTag | None = None

    @model_validator(mode="before")
    @classmethod
    def _explain_status(cls, data):
        if isinstance(data, dict) and "status" in data:
            raise ValueError("status cannot be set: it follows from the course's stages")
        return data

    @model_validator(mode="after")
    def _something_to_change(self) -> "CourseUpdate":
        if self.title is None and self.description is None and self.language is None:
            raise ValueError("give at least one of title, description, language")
        return self


class Course(BaseModel):
    course_id: str
    user_id: str
    title: str
    description: str
    language: str | None = Field(default=None, description="BCP 47 tag; none: the sources' language")
    status: str
    repo_url: str | None
    repo_name: str | None
    revision: int
    created_at: datetime
    updated_at: datetime
    # A later stage built on an earlier run of a stage that has since run again (domain/lineage.py).
    stale: bool = False
    stale_stages: list[str] = Field(default_factory=list)
    stale_reason: str | None = Field(default=None, description="e.g. 'stage 2 was run again'")
    course_ready: bool = Field(default=False, description="stage 4's course is generated and shown")


BudgetUsd = Field(default=None, ge=0, le=1_000_000, description=(
    "spending cap of the run in USD at list prices: it stops before a model call that could cross it, "
    "keeping what it did; a retry with a higher budget does not pay for that again"))


class Spend(BaseModel):
    """The body of a start that spends, or of its retry: an optional budget."""
    model_config = ConfigDict(extra="forbid")
    budget_usd: float | None = BudgetUsd


class Accepted(BaseModel):
    course_id: str
    stream_seq: int
    status: str = "accepted"
    detail: str = ("the change is in the event log but the read tables had not caught up within "
                   "the wait; it will be visible shortly")


class Message(BaseModel):
    message: str
