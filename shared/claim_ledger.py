"""A course's claim ledger: every claim stage 4's writer made in a module's prose, the span of the
source it was checked against, what the check found and what was published instead. Stage 4 writes
it beside each run's modules (services/modules/engine/ledger.py decides it); the gateway serves it
with the course and each version. Its counts travel in ModuleGenerated and CourseGenerated
(shared.events: ClaimCounts)."""
from __future__ import annotations

import shutil
import tempfile
from typing import BinaryIO, Literal

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


class CourseLedgerFile:
    """A course's ledger written module by module: the bytes `CourseLedger(counts=…, modules=…)
    .model_dump_json()` gives, without the course's claims held at once (as objects, the ledgers of
    a course of a few hundred modules take about 100 MB). Modules are added in the
    pathway's order; `write_to` writes the whole ledger; `close` (or leaving a `with`) frees it."""

    def __init__(self) -> None:
        self._modules = tempfile.TemporaryFile(prefix="coursegen-ledger-")
        self.counts = ClaimCounts()
        self._added = 0

    def add(self, module: ModuleLedger) -> None:
        if self._added:
            self._modules.write(b",")
        self._modules.write(module.model_dump_json().encode())
        self.counts = self.counts.plus(module.counts)
        self._added += 1

    def write_to(self, out: BinaryIO) -> None:
        out.write(b'{"counts":' + self.counts.model_dump_json().encode() + b',"modules":[')
        self._modules.seek(0)
        shutil.copyfileobj(self._modules, out)
        out.write(b"]}")

    def close(self) -> None:
        self._modules.close()

    def __enter__(self) -> "CourseLedgerFile":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
