"""The Anthropic provider (LLM_PROVIDER=anthropic): the official SDK, structured output through a
forced tool call, one repair of an invalid answer, prompt caching of the shared context, our own
retry policy and a cap on requests in flight. Its settings, models' limits and prices are declared
below with it (`PROVIDER`). The SDK is imported when a provider is built, not with the settings
that every service and the gateway read."""
from __future__ import annotations

import asyncio
import random
from typing import TYPE_CHECKING, Any, Callable

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from shared.llm.provider import InvalidAnswer, Price, Prompt, ProviderError, ProviderSpec, T
from shared.llm.remote import RemoteProvider, Tally
from shared.llm.retry_policy import is_retryable_status, parse_retry_after
from shared.llm.retrying import Retryable, Sleep, with_retries
from shared.llm.tool_answer import CACHED, read_answer, repair_turns, tool_for

if TYPE_CHECKING:
    import anthropic
    from anthropic.types import Message

    from shared.llm.settings import LLMSettings


class AnthropicChoice(BaseSettings):
    """What the gateway reads too, to estimate a stage's cost."""
    anthropic_model: str = Field(default="claude-sonnet-4-5", min_length=1, max_length=200)


class AnthropicSettings(BaseSettings):
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = Field(default=None, description="e.g. a proxy or a local test server")


def _problem(settings: LLMSettings) -> str | None:
    return None if settings.anthropic_api_key else "LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY"


# model-name prefix: (context window, output limit)
LIMITS: dict[str, tuple[int, int]] = {
    "claude-opus-4": (200_000, 32_000),
    "claude-opus-4-5": (200_000, 64_000),
    "claude-opus-4-6": (200_000, 64_000),
    "claude-sonnet-4": (200_000, 64_000),
    "claude-3-7-sonnet": (200_000, 64_000),
    "claude-haiku-4": (200_000, 64_000),
    "claude-3-5-haiku": (200_000, 8_192),
}

# model-name prefix: list price (input, output, cache read, cache write); update when prices change.
PRICES: dict[str, Price] = {
    "claude-opus-4-6": Price(5.0, 25.0, 0.50, 6.25),
    "claude-opus-4-5": Price(5.0, 25.0, 0.50, 6.25),
    "claude-opus-4": Price(15.0, 75.0, 1.50, 18.75),
    "claude-sonnet-4": Price(3.0, 15.0, 0.30, 3.75),
    "claude-3-7-sonnet": Price(3.0, 15.0, 0.30, 3.75),
    "claude-haiku-4": Price(1.0, 5.0, 0.10, 1.25),
    "claude-3-5-haiku": Price(0.80, 4.0, 0.08, 1.0),
}

_HINTS = {401: "; check ANTHROPIC_API_KEY", 403: "; check the API key's permissions",
          404: "; check ANTHROPIC_MODEL and ANTHROPIC_BASE_URL"}


class _Tally(Tally):
    def add(self, message: Message) -> None:
        self.model = message.model or self.model
        self.input_tokens += message.usage.input_tokens or 0
        self.output_tokens += message.usage.output_tokens or 0
        self.cache_read_tokens += message.usage.cache_read_input_tokens or 0
        self.cache_creation_tokens += message.usage.cache_creation_input_tokens or 0


class AnthropicProvider(RemoteProvider):
    name = "anthropic"

    def __init__(self, settings: LLMSettings, *, sleep: Sleep = asyncio.sleep,
                 uniform: Callable[[], float] = random.random) -> None:
        """`sleep` and `uniform` (the jitter's random source) are injectable for tests."""
        if settings.anthropic_api_key is None:
            raise ValueError("the Anthropic provider needs ANTHROPIC_API_KEY")
        self.model = settings.anthropic_model
        self.limits = settings.model_limits
        self._settings = settings
        self._secret = settings.anthropic_api_key.get_secret_value()
        import anthropic  # here, not at the top: see the module's docstring
        # max_retries=0: the retry policy is ours, so that retry-after is honoured within our cap
        # and every request is counted in the usage.
        self._client = anthropic.AsyncAnthropic(
            api_key=self._secret, base_url=settings.anthropic_base_url,
            timeout=settings.llm_timeout_seconds, max_retries=0)
        self._in_flight = asyncio.Semaphore(settings.llm_max_concurrency)
        self._sleep = sleep
        self._uniform = uniform

    def _tally(self) -> _Tally:
        return _Tally(provider=self.name, model=self.model)

    async def _answer(self, prompt: Prompt, schema: type[T], tally: _Tally) -> T:
        request = self._request(prompt, schema)
        answer = await self._send(request, tally)
        value, problem = read_answer(answer, schema)
        if problem is None:
            return value
        repaired = {**request, "messages": request["messages"] + repair_turns(answer, schema, problem)}
        value, problem = read_answer(await self._send(repaired, tally), schema)
        if problem is None:
            return value
        raise InvalidAnswer(self._redact(
            f"the model's answer did not fit {schema.__name__}, even after one repair: {problem}"[:600]))

    def _request(self, prompt: Prompt, schema: type[T]) -> dict[str, Any]:
        tool = tool_for(schema)
        request: dict[str, Any] = {
            "model": self.model, "max_tokens": min(prompt.max_output_tokens,
                                                   self.limits.max_output_tokens or prompt.max_output_tokens),
            "tools": [tool],
            "tool_choice": {"type": "tool", "name": tool["name"]},
            "messages": [{"role": "user", "content": prompt.user}]}
        if prompt.system:  # the API rejects empty text blocks
            # The shared context of a stage is cached; only the per-call user part is new.
            request["system"] = [{"type": "text", "text": prompt.system, "cache_control": CACHED}]
        return request

    async def _send(self, request: dict[str, Any], tally: _Tally) -> Message:
        """One request, retried on transient failures with backoff, then ProviderError."""
        try:
            return await with_retries(lambda: self._send_once(request, tally), self._settings,
                                      "Anthropic API", self._sleep, self._uniform)
        except ProviderError as error:
            raise ProviderError(self._redact(str(error))) from None

    async def _send_once(self, request: dict[str, Any], tally: _Tally) -> Message:
        # Only the HTTP request holds a slot: a call waiting out a backoff leaves room to others.
        import anthropic

        async with self._in_flight:
            tally.calls += 1
            try:
                message = await self._client.messages.create(**request)
            except anthropic.APIStatusError as error:
                raise self._status_failure(error) from None
            except anthropic.APITimeoutError:
                raise Retryable(f"no answer within {self._settings.llm_timeout_seconds:g} s") from None
            except anthropic.APIConnectionError as error:
                raise Retryable(f"a connection error ({_cause_of(error)})") from None
            except anthropic.AnthropicError as error:
                raise ProviderError(self._redact(f"the Anthropic SDK failed: {error}")) from None
        tally.add(message)
        return message

    def _status_failure(self, error: anthropic.APIStatusError) -> Exception:
        # `from None` above: the SDK's exception holds the request, whose headers hold the key.
        status = error.status_code
        described = f"{status} {error.type or 'error'}: {error.api_message or 'no message'}"
        if is_retryable_status(status):
            return Retryable(described, parse_retry_after(error.response.headers))
        return ProviderError(self._redact(
            f"the Anthropic API refused the request: {described}{_HINTS.get(status, '')}"))

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "[redacted]") if self._secret else text


def _cause_of(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    return f"{type(cause).__name__}: {cause}" if cause else type(error).__name__


PROVIDER = ProviderSpec(
    name=AnthropicProvider.name, model=lambda settings: settings.anthropic_model,
    choice=AnthropicChoice, settings=AnthropicSettings, problem=_problem,
    build=lambda settings: AnthropicProvider(settings), limits=LIMITS, prices=PRICES)
