"""A stage 4 run's claim ledger, as the API answers it: the counts over every module, each claim
with its module, and each module's own counts (shared/claim_ledger.py; stage 4 writes it beside
the run's export). None for a run written before ledgers existed, or whose artefacts are gone."""
from __future__ import annotations

from typing import Any

from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared.bus.artefacts import ArtefactStore
from shared.claim_ledger import CourseLedger, ledger_name

GONE = (NotFoundError, ObjectNotFoundError, KeyError)


async def run_ledger(artefacts: ArtefactStore, course_id: str, task_id: str) -> dict[str, Any] | None:
    try:
        data = await artefacts.get(f"{course_id}/{ledger_name(task_id)}")
    except GONE:
        return None
    return ledger_answer(CourseLedger.model_validate_json(data))


def ledger_answer(ledger: CourseLedger) -> dict[str, Any]:
    return {**ledger.counts.model_dump(),
            "modules": [{"module_id": m.module_id, "position": m.position, "title": m.title,
                         **m.counts.model_dump()} for m in ledger.modules],
            "claims": [{"module_id": m.module_id, **claim.model_dump()} for m in ledger.modules
                       for claim in m.claims]}
