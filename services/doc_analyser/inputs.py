"""What a stage 2 run works on, rebuilt from the course's events. Pure."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.asked_language import asked_language
from shared.events import Event
from shared.events.catalogue import DocAnalysed, DocsAnalysisRequested
from shared.selection import ScanResult, scan_result


@dataclass(frozen=True)
class RunInputs:
    scan: ScanResult | None
    documents: list[str]
    navigation: list[str]
    repo_name: str
    done: dict[str, DocAnalysed] = field(default_factory=dict)  # analysed by an earlier delivery
    language: str | None = None  # the course's as asked; None: its sources'


def run_inputs(events: list[Event], request: DocsAnalysisRequested) -> RunInputs:
    scan = scan_result(events)
    wanted = request.payload.clone_task_id
    if scan is None or (wanted is not None and scan.clone_task_id != wanted):
        return RunInputs(None, [], [], "")
    done = {e.payload.path: e for e in events
            if isinstance(e, DocAnalysed) and e.payload.task_id == request.payload.task_id}
    return RunInputs(scan, scan.selected_documents(), scan.navigation(), scan.cloned.payload.repo_name, done,
                     asked_language(events, request.event_id))
