"""Pathways for a repository whose document table does not fit the model: the offline engine plans
(prerequisite order, grouping), the model words the modules in batches that fit
(engine/wording.py). A batch whose answer stays invalid keeps the engine's wording and is counted
as a fallback; LLM_STRICT fails the stage naming it."""
from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from shared.llm.fallback import offline_engine_of
from shared.llm.provider import InvalidAnswer, LLMProvider, Prompt, ProviderError, Usage
from shared.llm.prompt_size import estimate_tokens, prompt_tokens, schema_tokens
from shared.stage.emitter import StageFailure

from .engine.models import PathwayDocument, PathwayPlan
from .engine.validation import validate_plan
from .engine.wording import ModuleWording, ModuleWordings, apply_wordings, batches, distinct_modules
from .planner import Planned

Progress = Callable[[int, int], Awaitable[None]]  # (batches done, batches in all)


async def engine_plan(provider: LLMProvider, prompt: Prompt) -> PathwayPlan:
    return (await offline_engine_of(provider).complete(prompt, PathwayPlan)).value


def whole_plan_fits(provider: LLMProvider, prompt: Prompt, answer: PathwayPlan) -> bool:
    """Whether the model can take the whole document table and write a plan the size of `answer`
    (the engine's plan for the same documents) within its window and output limit."""
    window, out_cap = provider.limits.context_tokens, provider.limits.max_output_tokens
    if window is None:
        return True
    answer_tokens = estimate_tokens(answer.model_dump_json())
    output_room = min(prompt.max_output_tokens, out_cap or prompt.max_output_tokens)
    asked = prompt_tokens(prompt) + schema_tokens(PathwayPlan)
    return answer_tokens <= output_room and asked + answer_tokens <= window


async def plan_in_batches(provider: LLMProvider, plan: PathwayPlan, documents: list[PathwayDocument],
                          repo_name: str, additional_info: str, progress: Progress,
                          language: str | None = None) -> Planned:
    modules = distinct_modules(plan)
    todo, unasked = batches(modules, documents, provider.limits, repo_name, additional_info, language)
    fallbacks = [{"item": f"module wording {i + 1}",
                  "reason": "its documents alone do not fit the model's context window"} for i in unasked]
    usage = Usage.none(provider.name, provider.model)
    wordings: dict[int, ModuleWording] = {}
    done = 0

    async def word(batch) -> None:
        nonlocal usage, done
        try:
            completion = await provider.complete(batch.prompt, ModuleWordings)
        except InvalidAnswer as exc:  # LLM_STRICT: the fallback was refused
            raise StageFailure(f"the model could not word {batch.label}: {exc}") from None
        except ProviderError as exc:
            raise StageFailure(f"the {provider.name} provider could not word {batch.label}: {exc}") from None
        usage = usage + completion.usage
        asked = set(batch.indexes)
        if completion.fallback is not None:
            fallbacks.append({"item": batch.label, "reason": completion.fallback[:2000]})
        else:
            answered = {w.index: w for w in completion.value.modules if w.index in asked}
            wordings.update(answered)
            if missing := sorted(asked - set(answered)):
                fallbacks.append({"item": batch.label, "reason": f"the model's answer left out "
                                  f"{len(missing)} of its {len(asked)} modules; they keep the engine's wording"})
        done += 1
        await progress(done, len(todo))

    try:
        async with asyncio.TaskGroup() as group:  # one failure stops the other batches' spending
            for batch in todo:
                group.create_task(word(batch))
    except* StageFailure as failed:
        raise failed.exceptions[0] from None
    worded = apply_wordings(plan, modules, wordings)
    if problems := validate_plan(worded, documents):  # the structure is the engine's: never expected
        raise StageFailure("the worded pathways are invalid: " + "; ".join(problems[:5]))
    return Planned(worded, usage, [], sorted(fallbacks, key=_batch_order))


def _batch_order(fallback: dict) -> tuple:
    digits = fallback["item"].rsplit(" ", 1)[-1].split("-")[0]
    return (int(digits) if digits.isdigit() else 0, fallback["item"])
