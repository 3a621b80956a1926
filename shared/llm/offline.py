"""The offline provider: deterministic engines that need no network, one per task, each
registered by the stage service that owns it (its `engine/` package). It answers from
`prompt.data` (the structured facts) rather than the prose of the prompt."""
from __future__ import annotations

import time
from typing import Any, Callable, Mapping

from pydantic import BaseModel, ValidationError

from shared.cpu_lane import on_cpu_lane
from .provider import Completion, LLMProvider, Prompt, ProviderError, ProviderSpec, T, Usage

# task -> the engine that answers it from the prompt's data
Engine = Callable[[Mapping[str, Any]], BaseModel | dict]
OfflineEngines = Mapping[str, Engine]


MODEL = "offline-engine"


class OfflineProvider(LLMProvider):
    name = "offline"
    model = MODEL

    def __init__(self, engines: OfflineEngines) -> None:
        self._engines = dict(engines)

    def _engine(self, task: str) -> Engine:
        engine = self._engines.get(task)
        if engine is None:
            raise ProviderError(f"the offline engine has no task {task!r} (registered: {sorted(self._engines)})")
        return engine

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        engine = self._engine(prompt.task)
        started = time.perf_counter()
        # CPU-bound: off the event loop, so in-progress acks and heartbeats keep flowing.
        answer = await on_cpu_lane(engine, prompt.data)
        try:
            value = schema.model_validate(answer.model_dump() if isinstance(answer, BaseModel) else answer)
        except ValidationError as exc:
            raise ProviderError(f"the offline engine's {prompt.task} answer does not fit "
                                f"{schema.__name__}: {exc.errors()[:3]}") from exc
        usage = Usage(provider=self.name, model=self.model,
                      latency_ms=(time.perf_counter() - started) * 1000)
        return Completion(value, usage)


# LLM_PROVIDER=offline (the default): no settings, no key, no window, nothing paid (no model is
# called). The factory builds it for every stage with that stage's engines (build=None: it is no
# model provider).
PROVIDER = ProviderSpec(name=OfflineProvider.name, model=lambda settings: MODEL)
