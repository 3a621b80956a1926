"""The offline provider (DESIGN §5): deterministic engines that need no network, one per task.
It answers from `prompt.data` (the structured facts) rather than the prose of the prompt."""
from __future__ import annotations

import asyncio
import importlib
import time
from typing import Any, Callable, Mapping

from pydantic import BaseModel, ValidationError

from .provider import Completion, LLMProvider, Prompt, ProviderError, T, Usage

Engine = Callable[[Mapping[str, Any]], BaseModel | dict]
# task -> "module:function"; imported on first use so importing this module costs nothing.
DEFAULT_ENGINES: dict[str, str] = {
    "analyse_document": "shared.analysis.engines:analyse_document_task",
    "plan_pathways": "shared.pathways.prompts:plan_pathways_task",
    "write_module": "shared.modules.prompts:write_module_task",
}


def _load(reference: str) -> Engine:
    module, _, name = reference.partition(":")
    return getattr(importlib.import_module(module), name)


class OfflineProvider(LLMProvider):
    name = "offline"
    model = "offline-engine"

    def __init__(self, engines: Mapping[str, Engine | str] | None = None) -> None:
        self._engines = dict(DEFAULT_ENGINES if engines is None else engines)

    def _engine(self, task: str) -> Engine:
        engine = self._engines.get(task)
        if engine is None:
            raise ProviderError(f"the offline engine has no task {task!r}")
        if isinstance(engine, str):
            engine = self._engines[task] = _load(engine)
        return engine

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        engine = self._engine(prompt.task)
        started = time.perf_counter()
        # CPU-bound: off the event loop, so in-progress acks and heartbeats keep flowing.
        answer = await asyncio.to_thread(engine, prompt.data)
        try:
            value = schema.model_validate(answer.model_dump() if isinstance(answer, BaseModel) else answer)
        except ValidationError as exc:
            raise ProviderError(f"the offline engine's {prompt.task} answer does not fit "
                                f"{schema.__name__}: {exc.errors()[:3]}") from exc
        usage = Usage(provider=self.name, model=self.model,
                      latency_ms=(time.perf_counter() - started) * 1000)
        return Completion(value, usage)
