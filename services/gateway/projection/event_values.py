"""What an event puts into a read-table row, where it takes more than copying a field: the fold
(fold.py) calls these."""
from __future__ import annotations

import json
import posixpath

from shared.course_edits import EDIT_KINDS, named_module
from shared.events import Event
from shared.events.catalogue import (
    DocsAnalysed, EditUndone, PathwayModule, PathwayModulesListedPayload, RepoCloned, TutorAnswered,
)
from shared.observability.pricing import cost_usd
from shared.stage.runs import CANCELLED, FAILURE, SUCCESS

FINAL = (SUCCESS, FAILURE, CANCELLED)
# The stage whose run a stage's request builds on.
UPSTREAM = {"stage2": "stage1", "stage3": "stage2", "stage4": "stage3"}


def produced(event) -> str | None:
    """What a succeeded run produced, as a value equal for runs that gave later stages the same
    input: stage 1's content-addressed snapshot, stage 2's fingerprint over its analyses (absent
    from older events); stages 3 and 4 have none (their run is judged by its task id)."""
    if isinstance(event, RepoCloned):
        return event.payload.snapshot_ref
    if isinstance(event, DocsAnalysed):
        return event.payload.fingerprint
    return None


def spent_usd(event) -> float:
    """What a succeeded run reported spending, at list prices (shared/observability/pricing.py)."""
    usage = getattr(event.payload, "usage", None)
    return cost_usd(usage) if usage is not None else 0.0


def omitted_fallbacks(event) -> int:
    """Fallbacks the event counts without listing them (only DocsAnalysed cuts its list)."""
    return getattr(event.payload, "fallbacks_omitted", 0)


def completed_step(fallbacks: int) -> str:
    return f"Complete; {fallbacks} item(s) by the offline engine, the model's answer being invalid" if fallbacks else "Complete"


def modules_json(modules: list[PathwayModule]) -> str:
    """A part's modules as its row keeps them."""
    return json.dumps([m.model_dump() for m in modules])


def part_of(task_id: str, part: int, pathway_id: str, modules: str) -> PathwayModulesListedPayload:
    """A part as its row kept it."""
    return PathwayModulesListedPayload(task_id=task_id, part=part, pathway_id=pathway_id,
                                       modules=[PathwayModule.model_validate(m) for m in json.loads(modules)])


def edit_row(event: Event, seq: int) -> tuple:
    """The row of `event` (an edit): course, event id, seq, kind, module, payload, actor, time, not undone."""
    payload = event.payload.model_dump(mode="json")
    return (event.course_id, event.event_id, seq, EDIT_KINDS[type(event)], named_module(event),
            json.dumps(payload, sort_keys=True), event.actor, event.occurred_at, None, None, None)


def answer_row(event: TutorAnswered, seq: int) -> tuple:
    """The tutor_answers row of a question and its answer: course, ask id, asker, seq, question, what was shown."""
    p = event.payload
    shown = {"answer": p.answer, "citations": [c.model_dump() for c in p.citations], "covered": p.covered,
             "engine": p.engine, "removed": p.removed, "version": p.version}
    return (event.course_id, p.ask_id, p.user_id, seq, p.question, json.dumps(shown), event.occurred_at)


def undo_values(event: EditUndone) -> tuple:
    """(undone_by, undone_actor, undone_at) of the edit `event` undoes."""
    return event.event_id, event.actor, event.occurred_at


def folders_of(paths: list[str]) -> list[str]:
    """posixpath.dirname(path) or "." of each path, without its cost for the common path (a scan
    lists hundreds of files: one call for them all, not one each)."""
    return [(path.rpartition("/")[0] or ".") if "//" not in path and path[:1] != "/"
            else (posixpath.dirname(path) or ".") for path in paths]


def json_or_none(model) -> str | None:
    return json.dumps(model.model_dump()) if model else None
