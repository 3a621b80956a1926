"""Ask the provider for pathways, check them, ask once more with the problems, and as a last
resort repair the order deterministically. A proposal still invalid after all that is replaced by
the offline engine's plan, marked as a fallback (LLM_STRICT: a clear failure instead)."""
from __future__ import annotations

from dataclasses import dataclass, field

from shared.llm.fallback import is_strict, offline_engine_of, offline_fallback
from shared.llm.provider import LLMProvider, Prompt, ProviderError, Usage
from .engine.models import PathwayDocument, PathwayPlan
from .engine.order import PrerequisiteGraph
from .engine.prompts import repair_prompt
from .engine.repair import repair_order
from .engine.validation import validate_plan
from shared.stage.emitter import StageFailure


@dataclass(frozen=True)
class Planned:
    plan: PathwayPlan
    usage: Usage
    repaired: list[str]  # problems found in a proposal and fixed
    fallbacks: list[dict] = field(default_factory=list)  # {"item": "pathways", "reason"} when the offline engine planned


async def plan(provider: LLMProvider, prompt: Prompt, documents: list[PathwayDocument]) -> Planned:
    graph = PrerequisiteGraph.build(documents)  # the constraints every check and the repair read
    first, usage, fell_back = await _ask(provider, prompt)
    if fell_back is not None:
        return await _offline(provider, prompt, documents, usage, fell_back, [], graph)
    problems = validate_plan(first, documents, graph)
    if not problems:
        return Planned(first, usage, [])
    second, more, fell_back = await _ask(provider, repair_prompt(prompt, problems))
    usage = usage + more
    if fell_back is not None:
        return await _offline(provider, prompt, documents, usage, fell_back, problems, graph)
    if not (later := validate_plan(second, documents, graph)):
        return Planned(second, usage, problems)
    fixed = repair_order(second, documents, graph)
    if remaining := validate_plan(fixed, documents, graph):
        reason = "the proposed pathways stayed invalid after a repair: " + "; ".join(remaining[:5])
        if is_strict(provider):
            raise StageFailure(reason)
        return await _offline(provider, prompt, documents, usage, reason, problems + later, graph)
    return Planned(fixed, usage, problems + later)


async def _ask(provider: LLMProvider, prompt: Prompt) -> tuple[PathwayPlan, Usage, str | None]:
    try:
        completion = await provider.complete(prompt, PathwayPlan)
    except ProviderError as exc:
        raise StageFailure(f"the {provider.name} provider could not plan pathways: {exc}") from None
    return completion.value, completion.usage, completion.fallback


async def _offline(provider: LLMProvider, prompt: Prompt, documents: list[PathwayDocument], spent: Usage,
                   reason: str, repaired: list[str], graph: PrerequisiteGraph) -> Planned:
    completion = await offline_fallback(offline_engine_of(provider), prompt, PathwayPlan, reason, spent)
    if problems := validate_plan(completion.value, documents, graph):  # the engine's own plans are valid
        raise StageFailure("the offline engine's pathways are invalid: " + "; ".join(problems[:5]))
    return Planned(completion.value, spent, repaired, [{"item": "pathways", "reason": reason[:2000]}])
