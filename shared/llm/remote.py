"""What every provider behind a model's HTTP API does around an answer: count what each of its
requests spent (a failed answer's too: those tokens were paid for), say what it talks to without
the key, and close its client. Anthropic and the OpenAI-compatible providers differ only in how
they ask (`_answer`) and read the usage of a reply (their Tally's `add`)."""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from shared.llm.provider import Completion, LLMProvider, Prompt, ProviderError, T, Usage


@dataclass
class Tally:
    """What one complete() spent, over every request it made (probes, retries, repairs)."""
    provider: str
    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_creation_tokens: int = 0

    def usage(self, started: float) -> Usage:
        return Usage(provider=self.provider, model=self.model, calls=self.calls,
                     input_tokens=self.input_tokens, output_tokens=self.output_tokens,
                     cache_read_tokens=self.cache_read_tokens,
                     cache_creation_tokens=self.cache_creation_tokens,
                     latency_ms=(time.perf_counter() - started) * 1000.0)


class RemoteProvider(LLMProvider):
    _client: Any  # the SDK's async client

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self.model!r}, base_url={str(self._client.base_url)!r})"

    __str__ = __repr__

    def _tally(self) -> Tally:
        raise NotImplementedError

    async def _answer(self, prompt: Prompt, schema: type[T], tally: Tally) -> T:
        raise NotImplementedError

    async def complete(self, prompt: Prompt, schema: type[T]) -> Completion[T]:
        started = time.perf_counter()
        tally = self._tally()
        try:
            value = await self._answer(prompt, schema, tally)
        except ProviderError as error:
            error.usage = tally.usage(started)  # tokens spent on a failure still cost money
            raise
        return Completion(value=value, usage=tally.usage(started))

    async def aclose(self) -> None:
        await self._client.close()
