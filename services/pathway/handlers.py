"""Stage 3: plan several learning pathways over the analysed documents, emit `PathwaysGenerated`.
Ids derive from the request, so a redelivered request repeats the same events. A refresh's request
(adapt_pathway_id) carries the chosen pathway forward instead, without a provider call, under its
old pathway and module ids; when too much changed, new pathways are planned as usual."""
from __future__ import annotations

import hashlib
import json
import logging
import uuid

from nats.js import JetStreamContext

from shared.bus.delivery import StageWork
from shared.bus.eventstore import EventTooLarge
from shared.bus.provisioning import EVENT_TARGET_BYTES
from shared.events.catalogue import DocAnalysed, PathwayModulesListed, PathwaysGenerated, PathwaysRequested
from shared.llm.factory import build_provider
from shared.observability.llm import metered
from shared.llm.budget import within_budget
from shared.llm.provider import LLMProvider, Prompt
from shared.pathway_parts import PART_SHARE, split_modules
from .engine.adapt import Adapted, adapt_pathway
from .engine.models import PathwayPlan
from .engine.order import PrerequisiteGraph, documents_by_path, explain_order, taught_uses
from .engine.variants import orders_by_kind
from .engine.prompts import pathways_prompt, plan_pathways_task
from .engine.wording import word_modules_task
from shared.stage.emitter import StageEmitter, StageFailure, token_usage

from .inputs import PLAN_HISTORY, PlanInputs, plan_inputs
from .batched_planner import engine_plan, plan_in_batches, whole_plan_fits
from .planner import Planned, plan
from .settings import PathwaySettings

log = logging.getLogger(__name__)
_IDS = uuid.UUID("0b9f6b7e-9a55-4c2e-8f0e-5b8d8c1f2a33")
# Room left in a message for what the event store adds to an event's JSON: its headers (the
# event id, the trace, a conditional append's expected sequence).
HEADER_ALLOWANCE = 4096


class PathwayStage:
    def __init__(self, emitter: StageEmitter, provider: LLMProvider, settings: PathwaySettings) -> None:
        self._emitter, self._provider, self._settings = emitter, provider, settings

    async def handle(self, request: PathwaysRequested) -> None:
        events = await self._emitter.current_history(request, only=PLAN_HISTORY)
        if events is None:
            return
        async with self._emitter.running(request):
            analyses = await self._emitter.store.load_each(request.course_id, DocAnalysed)
            inputs = plan_inputs(events, request, analyses)
            del events, analyses
            await self._run(request, inputs)

    async def _run(self, request: PathwaysRequested, inputs: PlanInputs) -> None:
        if not inputs.documents:
            raise StageFailure("stage 2 left no analysed documents to plan from; run stage 2 again")
        p = request.payload
        not_kept: list[str] = []
        if p.adapt_pathway_id:
            carried = self._carried_forward(p.adapt_pathway_id, inputs)
            if isinstance(carried, Adapted):
                await self._announce_adapted(request, carried, inputs)
                return
            not_kept = [carried]  # the first note says why: the refresh tells the user so
        await self._emitter.progress(request, 10, f"Planning {p.pathway_count} pathways over "
                                                  f"{len(inputs.documents)} documents")
        prompt = pathways_prompt(inputs.documents, p.pathway_count, p.additional_info, inputs.overview,
                                 self._settings.module_target_minutes, inputs.repo_name, inputs.language)
        planned = await self._plan(request, prompt, inputs, within_budget(self._provider, p.budget_usd))
        await self._emitter.progress(request, 90, "Checking prerequisites and coverage")
        if not await self._emitter.still_current(request):
            log.info("run %s was cancelled meanwhile; nothing announced", p.task_id)
            return
        pathways = with_placements(pathways_payload(p.task_id, planned.plan), inputs)
        await self._announce(request, len(inputs.documents), pathways=pathways, usage=token_usage(planned.usage),
                             repaired=(not_kept + planned.repaired)[:50], fallbacks=planned.fallbacks)

    async def _announce(self, request: PathwaysRequested, documents: int, pathways: list[dict],
                        **rest) -> None:
        """PathwaysGenerated with the plan inline where it fits the size an event aims at
        (EVENT_TARGET_BYTES); else the plan's modules first, in PathwayModulesListed parts that
        each fit it (a module larger than that alone in its part), then PathwaysGenerated without them
        (shared/pathway_parts.py). The parts' keys derive from the plan: a redelivery repeats the
        same events, and one that planned differently cannot mix its parts with the first's."""
        task_id = request.payload.task_id
        try:
            inline = request.reacting(PathwaysGenerated, "generated", actor=self._emitter.actor,
                                      task_id=task_id, pathways=pathways, **rest)
            if len(inline.to_json()) <= EVENT_TARGET_BYTES - HEADER_ALLOWANCE:
                await self._emitter.emit(request, PathwaysGenerated, "generated", task_id=task_id,
                                         pathways=pathways, **rest)
                return
            parts = split_modules(pathways, int(EVENT_TARGET_BYTES * PART_SHARE))
            plan = hashlib.sha256(json.dumps(pathways, sort_keys=True).encode()).hexdigest()[:16]
            for part in parts:
                if not await self._emitter.emit(request, PathwayModulesListed, f"modules:{plan}:{part['part']}",
                                                task_id=task_id, **part):
                    return  # the run ended meanwhile: nothing of it follows
            await self._emitter.emit(request, PathwaysGenerated, "generated", task_id=task_id,
                                     pathways=[{**w, "modules": []} for w in pathways],
                                     module_parts=len(parts), **rest)
        except EventTooLarge as exc:
            raise StageFailure(too_large_message(exc, len(pathways), documents)) from None

    def _carried_forward(self, pathway_id: str, inputs: PlanInputs) -> Adapted | str:
        """The earlier pathway adapted to the documents now, or why it cannot be kept."""
        if inputs.earlier is None:
            return f"the chosen pathway {pathway_id} could not be kept: it is not among the course's pathways"
        earlier = inputs.earlier.pathway
        verdict = adapt_pathway(earlier, inputs.documents, inputs.earlier.analysed,
                                self._settings.module_target_minutes)
        if isinstance(verdict, Adapted):
            return verdict
        return f"the chosen pathway '{earlier.title}' could not be kept: {verdict.reason}"

    async def _announce_adapted(self, request: PathwaysRequested, adapted: Adapted, inputs: PlanInputs) -> None:
        # Emitted as it is, not through pathways_payload(): its ids are the earlier run's, which
        # the course's modules (and stage 4's reuse of them) are known by.
        p = request.payload
        await self._emitter.progress(request, 10, f"Carrying the pathway '{adapted.pathway.title}' "
                                                  f"forward over {len(inputs.documents)} documents")
        if not await self._emitter.still_current(request):
            log.info("run %s was cancelled meanwhile; nothing announced", p.task_id)
            return
        await self._announce(request, len(inputs.documents),
                             pathways=with_placements([adapted.pathway.model_dump()], inputs), usage=None,
                             repaired=adapted.notes[:50], fallbacks=[])


    async def _plan(self, request: PathwaysRequested, prompt: Prompt, inputs: PlanInputs,
                    provider: LLMProvider) -> Planned:
        """The model plans the whole set where the document table fits it; otherwise the engine
        plans and the model words the modules in batches that fit."""
        if provider.limits.context_tokens is None:
            return await plan(provider, prompt, inputs.documents)
        drafted = await engine_plan(provider, prompt)
        if whole_plan_fits(provider, prompt, drafted):
            return await plan(provider, prompt, inputs.documents)

        async def progress(done: int, total: int) -> None:
            await self._emitter.progress(request, 10 + 80 * done // max(total, 1),
                                         f"Naming and describing modules: batch {done} of {total}")
        await self._emitter.progress(request, 10, "The document table does not fit the model's window: "
                                                  "planning with the engine, the model words the modules")
        return await plan_in_batches(provider, drafted, inputs.documents, inputs.repo_name,
                                     request.payload.additional_info, progress, inputs.language)


def too_large_message(refused: EventTooLarge, pathways: int, documents: int) -> str:
    """Why the plan cannot be announced, and how many documents would fit (its size grows with them)."""
    limit = refused.limit or refused.size
    if refused.event_type != PathwaysGenerated.type_name():  # a part: one module alone is too large
        return (f"a module of the {pathways} pathways over {documents:,} documents lists so many documents, "
                f"or such long paths, that it makes a {refused.event_type} event of {refused.size:,} bytes, "
                f"over the {limit:,} bytes the event log takes in one message; select fewer folders (or "
                f"folders with shorter paths) and run stages 2 and 3 again")
    fitting = documents * limit // max(refused.size, 1)
    return (f"the {pathways} pathways over {documents:,} documents make a PathwaysGenerated event of "
            f"{refused.size:,} bytes, over the {limit:,} bytes the event log takes in one message; select "
            f"fewer folders (about {fitting:,} documents fit) and run stages 2 and 3 again")


def pathways_payload(task_id: str, plan: PathwayPlan) -> list[dict]:
    """The plan as event payload, with ids that are the same every time this run is replayed."""
    result = []
    for index, pathway in enumerate(plan.pathways):
        pathway_id = uuid.uuid5(_IDS, f"{task_id}:{index}:{pathway.key}").hex[:20]
        modules = [{"module_id": f"{pathway_id}-{n:02d}", "title": m.title, "description": m.description,
                    "learning_objectives": m.learning_objectives, "estimated_minutes": m.estimated_minutes,
                    "documents": m.documents, "complexity_level": m.complexity_level}
                   for n, m in enumerate(pathway.modules, start=1)]
        result.append({"pathway_id": pathway_id, "key": pathway.key, "title": pathway.title,
                       "description": pathway.description, "approach": pathway.audience,
                       "complexity_level": pathway.complexity_level, "modules": modules,
                       "estimated_minutes": pathway.total_minutes(), "prerequisites": pathway.prerequisites})
    return result


def with_placements(pathways: list[dict], inputs: PlanInputs) -> list[dict]:
    """The pathways with each module's `placements`: why each document is where it is, read off
    the final order (engine/order/explain.py), so a model's plan and a carried-forward one are
    explained as the engine's are."""
    documents = documents_by_path(inputs.documents)
    graph = PrerequisiteGraph.build(documents.values())  # shared by the pathways
    uses = taught_uses(documents.values())  # likewise
    explained = []
    for pathway in pathways:
        order = [path for module in pathway["modules"] for path in module["documents"] if path in documents]
        reasons = dict(zip(order, explain_order(order, documents, pathway_title=pathway["title"],
                                                by_kind=orders_by_kind(pathway["key"]), overview=inputs.overview,
                                                navigation_source=inputs.navigation_source, graph=graph,
                                                uses=uses)))
        modules = [{**module, "placements": [reasons.get(path, "") for path in module["documents"]]}
                   for module in pathway["modules"]]
        explained.append({**pathway, "modules": modules})
    return explained


def pathway_stage(emitter: StageEmitter, settings: PathwaySettings) -> StageWork:
    """Stage 3's work over any event store (the service's, or a test's in-memory one)."""
    stage = PathwayStage(emitter, metered(build_provider(settings, {"plan_pathways": plan_pathways_task,
                                                                   "word_modules": word_modules_task})), settings)
    return StageWork(stage.handle, emitter.give_up)


async def make_handler(js: JetStreamContext, settings: PathwaySettings, emitter: StageEmitter) -> StageWork:
    return pathway_stage(emitter, settings)
