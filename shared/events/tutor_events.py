"""The events of learning from a course: a question asked of the course's sources and the answer
given, and a user's history of them cleared (catalogue.py lists every event)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .envelope import Event, Payload
from .publishers import BY_GATEWAY
from .stage_events import TokenUsage

LEARNING = "learning"  # their subjects: learning.<course_id>.<EventType> (subjects.py)


class Citation(Payload):
    path: str = Field(min_length=1, max_length=1024, description="the source document's repository path")
    heading: str = Field(default="", max_length=1000, description="the cited section's heading")
    anchor: str = Field(default="", max_length=1000)
    start_line: int = Field(ge=1, description="first line of the cited lines, 1-based")
    end_line: int = Field(ge=1)
    url: str | None = Field(default=None, max_length=4096, description=(
        "the lines in the repository at the course's commit, where the forge has such links"))


class TutorAnsweredPayload(Payload):
    ask_id: str = Field(min_length=1, max_length=64)
    user_id: str = Field(min_length=1, max_length=256, description="who asked")
    question: str = Field(min_length=1, max_length=2000)
    module_id: str | None = Field(default=None, max_length=200, description="the module being read, if any")
    version: int | None = Field(default=None, ge=1, description=(
        "the version whose sources answered it; none: the course's latest analysis (no version yet)"))
    answer: str = Field(max_length=40_000, description="the answer as shown (Markdown)")
    citations: list[Citation] = Field(default_factory=list, max_length=10)
    covered: bool = Field(description="false: the course's sources do not answer it, and the answer says so")
    engine: Literal["extractive", "model"] = Field(description=(
        "extractive: passages quoted from the sources; model: written by the model from them, every "
        "sentence checked against the passage it cites"))
    removed: int = Field(default=0, ge=0, description="sentences of the model's answer removed as unsupported")
    usage: TokenUsage | None = None


class TutorAnswered(Event):
    """A question about a course answered from the course's own sources (issue 47)."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = LEARNING
    event_type: Literal["TutorAnswered"] = "TutorAnswered"
    payload: TutorAnsweredPayload


class TutorHistoryClearedPayload(Payload):
    user_id: str = Field(min_length=1, max_length=256, description="whose questions and answers are cleared")


class TutorHistoryCleared(Event):
    """A user cleared their questions and answers about a course: the read tables forget them."""
    PUBLISHED_BY = BY_GATEWAY
    SUBJECT_ROOT = LEARNING
    event_type: Literal["TutorHistoryCleared"] = "TutorHistoryCleared"
    payload: TutorHistoryClearedPayload
