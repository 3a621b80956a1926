"""Ask the provider for pathways, check them, ask once more with the problems, and as a last
resort repair the order deterministically. What comes out is valid or a clear failure."""
from __future__ import annotations

from dataclasses import dataclass

from shared.llm.provider import LLMProvider, Prompt, ProviderError, Usage
from shared.pathways.models import PathwayDocument, PathwayPlan
from shared.pathways.prompts import repair_prompt
from shared.pathways.repair import repair_order
from shared.pathways.validation import validate_plan
from shared.stage_service import StageFailure


@dataclass(frozen=True)
class Planned:
    plan: PathwayPlan
    usage: Usage
    repaired: list[str]  # problems found in a proposal and fixed


async def plan(provider: LLMProvider, prompt: Prompt, documents: list[PathwayDocument]) -> Planned:
    first, usage = await _ask(provider, prompt)
    problems = validate_plan(first, documents)
    if not problems:
        return Planned(first, usage, [])
    second, more = await _ask(provider, repair_prompt(prompt, problems))
    usage = usage + more
    if not (later := validate_plan(second, documents)):
        return Planned(second, usage, problems)
    fixed = repair_order(second, documents)
    if remaining := validate_plan(fixed, documents):
        raise StageFailure("the proposed pathways stayed invalid after a repair: " + "; ".join(remaining[:5]))
    return Planned(fixed, usage, problems + later)


async def _ask(provider: LLMProvider, prompt: Prompt) -> tuple[PathwayPlan, Usage]:
    try:
        completion = await provider.complete(prompt, PathwayPlan)
    except ProviderError as exc:
        raise StageFailure(f"the {provider.name} provider could not plan pathways: {exc}") from None
    return completion.value, completion.usage
