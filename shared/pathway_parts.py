"""A stage 3 plan too large for one message, and put together again: the one rule every reader of
a history applies (the event store's reads, the gateway's read tables, their replay).

A plan whose PathwaysGenerated fits the size an event aims at (256 KB, EVENT_TARGET_BYTES of
shared/bus/provisioning.py) is announced inline, as it always was. A larger one (its size grows
with the documents: about 46 bytes a document and pathway, a few hundred with placements) is
announced as PathwayModulesListed events, each some modules of one pathway and under that size,
followed by the PathwaysGenerated with its pathways' modules left out and `module_parts` saying
how many parts came before it. `assembled` gives readers the PathwaysGenerated as if it had been
inline. Pure and deterministic, so a fork (whose parts are re-labelled as its pathways are) and a
replay read the same plan."""
from __future__ import annotations

import json
from typing import Iterable, Sequence, TypeVar

from shared.events import Event
from shared.events.catalogue import (
    PathwayModulesListed, PathwayModulesListedPayload, PathwaysGenerated, PathwaysGeneratedPayload,
)

# Each part's modules, as JSON, stay under this share of the size an event aims at
# (shared/bus/provisioning.py): the envelope, its ids and the publish's headers take the rest.
PART_SHARE = 0.75


def asked_with_parts(wanted: tuple[type[Event], ...] | None) -> tuple[type[Event], ...] | None:
    """The types to read for a history of the types `wanted` (None: every type): a reader asking
    for PathwaysGenerated reads the parts its plan may have come in too."""
    if wanted is None or PathwayModulesListed in wanted:
        return wanted
    if any(issubclass(PathwaysGenerated, cls) for cls in wanted):
        return (*wanted, PathwayModulesListed)
    return wanted


def with_parts(payload: PathwaysGeneratedPayload,
               parts: Iterable[PathwayModulesListedPayload]) -> PathwaysGeneratedPayload:
    """`payload` with the modules of its parts (those of its task numbered below its module_parts,
    the last of each number, in number order) after its pathways' own, and module_parts 0: what
    it would have been inline. Unchanged when it has no parts."""
    if payload.module_parts == 0:
        return payload
    numbered: dict[int, PathwayModulesListedPayload] = {}
    for part in parts:
        if part.task_id == payload.task_id and part.part < payload.module_parts:
            numbered[part.part] = part
    modules: dict[str, list] = {w.pathway_id: list(w.modules) for w in payload.pathways}
    for number in sorted(numbered):
        part = numbered[number]
        if part.pathway_id in modules:
            modules[part.pathway_id] += part.modules
    return payload.model_copy(update={"module_parts": 0, "pathways": [
        w.model_copy(update={"modules": modules[w.pathway_id]}) for w in payload.pathways]})


E = TypeVar("E")


def assembled(events: Sequence[Event]) -> list[Event]:
    """`events` (a course's history, in order) with each PathwaysGenerated that has parts replaced
    by the plan whole, from the parts before it; the parts stay where they are (assembling again
    changes nothing)."""
    return [event for _, event in assembled_pairs([(None, event) for event in events])]


def assembled_pairs(pairs: Sequence[tuple[E, Event]]) -> list[tuple[E, Event]]:
    """As `assembled`, over (anything, event) pairs such as (stream sequence, event)."""
    if not any(isinstance(e, PathwaysGenerated) and e.payload.module_parts for _, e in pairs):
        return list(pairs)
    seen: list[PathwayModulesListedPayload] = []
    result = []
    for key, event in pairs:
        if isinstance(event, PathwayModulesListed):
            seen.append(event.payload)
        elif isinstance(event, PathwaysGenerated) and event.payload.module_parts:
            event = event.model_copy(update={"payload": with_parts(event.payload, seen)})
        result.append((key, event))
    return result


def split_modules(pathways: list[dict], most_bytes: int) -> list[dict]:
    """The modules of `pathways` (event payload dicts) as parts' payload fields ({pathway_id, part,
    modules}), in order, each part's modules under `most_bytes` of JSON as far as one module
    allows: a module larger than that is a part on its own (the log then refuses it, saying so)."""
    parts: list[dict] = []
    for pathway in pathways:
        chunk: list[dict] = []
        size = 2
        for module in pathway["modules"]:
            one = len(json.dumps(module, ensure_ascii=False).encode()) + 1
            if chunk and size + one > most_bytes:
                parts.append({"pathway_id": pathway["pathway_id"], "part": len(parts), "modules": chunk})
                chunk, size = [], 2
            chunk.append(module)
            size += one
        if chunk:
            parts.append({"pathway_id": pathway["pathway_id"], "part": len(parts), "modules": chunk})
    return parts
