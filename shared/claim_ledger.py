"""A course's claim ledger: every claim stage 4's writer made in a module's prose, the span of the
source it was checked against, what the check found and what was published instead. Stage 4 writes
it beside each run's modules (services/modules/engine/ledger.py decides it); the gateway serves it
with the course and each version. Its counts travel in ModuleGenerated and CourseGenerated
(shared.events: ClaimCounts)."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.catalogue import ClaimCounts

Status = Literal["supported", "unsupported", "uncited"]
Action = Literal["kept", "replaced", "removed"]
MAX_CLAIM_CHARS = 1000


class Claim(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    field: str = Field(description="where it was: introduction, sections.2.body_markdown, key_points.0, …")
    text: str = Field(max_length=MAX_CLAIM_CHARS)
    status: Status
    cited: str | None = Field(default=None, description="the span checked: path#Lfirst-Llast; None when uncited")
    action: Action
    replacement: str | None = Field(default=None, max_length=MAX_CLAIM_CHARS,
                                    description="the source's own sentence published instead")
    replacement_cited: str | None = None


class ModuleLedger(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    module_id: str
    position: int
    title: str = ""
    counts: ClaimCounts
    claims: list[Claim] = Field(default_factory=list)


class CourseLedger(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    counts: ClaimCounts
    modules: list[ModuleLedger] = Field(default_factory=list)


def ledger_name(task_id: str) -> str:
    """The name of a stage 4 run's ledger in the course's artefacts."""
    return f"{task_id}/ledger.json"


def module_ledger_ref(content_ref: str) -> str:
    """Where a module's ledger lies, beside its content (…/modules/01-intro.json)."""
    return content_ref.removesuffix(".json") + ".ledger.json"


def total(counts: list[ClaimCounts]) -> ClaimCounts:
    summed = ClaimCounts()
    for part in counts:
        summed = summed.plus(part)
    return summed
