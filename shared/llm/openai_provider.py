"""The OpenAI-compatible provider (LLM_PROVIDER=openai): the official SDK's Chat Completions against
OpenAI or any server that speaks its API (Ollama, vLLM, llama.cpp, LM Studio, OpenRouter).
Structured output by the best mode the endpoint honours (openai_modes.py), one repair of an invalid
answer, our own retry policy and a cap on requests in flight — as the Anthropic provider. Its
settings, models' limits and prices are declared below with it (`PROVIDER`). The SDK is imported
when a provider is built, not with the settings that every service and the gateway read."""
from __future__ import annotations

import asyncio
import logging
import random
import urllib.parse
from typing import TYPE_CHECKING, Any, Callable, Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from shared.llm.openai_answer import Mode, messages_for, read_reply, repair_messages, structure_for
from shared.llm.openai_modes import Detected, Refused, detect_mode
from shared.llm.prompt_size import request_tokens
from shared.llm.provider import InvalidAnswer, Price, Prompt, PromptTooLarge, ProviderError, ProviderSpec, T
from shared.llm.remote import RemoteProvider, Tally
from shared.llm.retry_policy import is_retryable_status, parse_retry_after
from shared.llm.retrying import Retryable, Sleep, with_retries
from shared.llm.tool_answer import tool_name

if TYPE_CHECKING:
    import openai
    from openai.types.chat import ChatCompletion

    from shared.llm.settings import LLMSettings

log = logging.getLogger(__name__)


class OpenAIChoice(BaseSettings):
    """What the gateway reads too, to estimate a stage's cost."""
    openai_model: str = Field(default="gpt-4.1-mini", min_length=1, max_length=200)


class OpenAISettings(BaseSettings):
    openai_api_key: SecretStr | None = Field(default=None, description="optional for local servers")
    openai_base_url: str | None = Field(default=None, description="any OpenAI-compatible endpoint, e.g. "
                                        "http://localhost:11434/v1 (Ollama); OpenAI's own when unset")
    openai_structured_output: Literal["auto", "json_schema", "tools", "json"] = Field(
        default="auto", description="auto: probe the endpoint once per model and use the best it honours")


def _problem(settings: LLMSettings) -> str | None:
    # A local server (Ollama, vLLM, llama.cpp) needs no key; OpenAI's own API does.
    if settings.openai_api_key or settings.openai_base_url:
        return None
    return "LLM_PROVIDER=openai needs OPENAI_API_KEY, or OPENAI_BASE_URL for a local server"


# model-name prefix: (context window, output limit). A local model's window is its server's: no name
# tells it (LLM_CONTEXT_TOKENS).
LIMITS: dict[str, tuple[int, int]] = {
    "gpt-5": (400_000, 128_000),
    "gpt-4.1": (1_047_576, 32_768),
    "gpt-4o": (128_000, 16_384),
    "o3": (200_000, 100_000),
    "o4-mini": (200_000, 100_000),
}

# model-name prefix: list price (input, output, cache read, cache write); update when prices change.
# Cached input is read at a discount and written at no extra cost. Local models are unpriced.
PRICES: dict[str, Price] = {
    "gpt-5": Price(1.25, 10.0, 0.125, 0.0),
    "gpt-5-mini": Price(0.25, 2.0, 0.025, 0.0),
    "gpt-5-nano": Price(0.05, 0.40, 0.005, 0.0),
    "gpt-4.1": Price(2.0, 8.0, 0.50, 0.0),
    "gpt-4.1-mini": Price(0.40, 1.60, 0.10, 0.0),
    "gpt-4.1-nano": Price(0.10, 0.40, 0.025, 0.0),
    "gpt-4o": Price(2.50, 10.0, 1.25, 0.0),
    "gpt-4o-mini": Price(0.15, 0.60, 0.075, 0.0),
    "o3": Price(2.0, 8.0, 0.50, 0.0),
    "o4-mini": Price(1.10, 4.40, 0.275, 0.0),
}

OPENAI_HOST = "api.openai.com"
# Sent when no key is configured: the SDK insists on one and local servers ignore it.
NO_KEY = "no-key-configured"
MIN_OUTPUT_TOKENS = 64  # less room than this for the answer: the item is not worth asking for
_HINTS = {401: "; check OPENAI_API_KEY", 403: "; check the API key's permissions",
          404: "; check OPENAI_MODEL and OPENAI_BASE_URL"}


class _Tally(Tally):
    def add(self, answer: ChatCompletion) -> None:
        self.model = answer.model or self.model
        if answer.usage is None:
            return
        details = answer.usage.prompt_tokens_details
        cached = (details.cached_tokens or 0) if details else 0
        # prompt_tokens includes the cached ones; they are counted apart, as Anthropic does.
        self.input_tokens += max((answer.usage.prompt_tokens or 0) - cached, 0)
        self.cache_read_tokens += cached
        self.output_tokens += answer.usage.completion_tokens or 0


def is_openai_itself(base_url: str | None) -> bool:
    return base_url is None or urllib.parse.urlsplit(base_url).hostname == OPENAI_HOST


class OpenAIProvider(RemoteProvider):
    name = "openai"

    def __init__(self, settings: LLMSettings, *, sleep: Sleep = asyncio.sleep,
                 uniform: Callable[[], float] = random.random) -> None:
        """`sleep` and `uniform` (the jitter's random source) are injectable for tests."""
        self.model = settings.openai_model
        self.limits = settings.model_limits
        self._settings = settings
        self._secret = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        import openai  # here, not at the top: see the module's docstring
        # max_retries=0: the retry policy is ours (retry-after honoured within our cap, every
        # request counted in the usage).
        self._client = openai.AsyncOpenAI(
            api_key=self._secret or NO_KEY, base_url=settings.openai_base_url,
            timeout=settings.llm_timeout_seconds, max_retries=0)
        # OpenAI's newer models take only max_completion_tokens; most other servers only max_tokens.
        self._limit_field = "max_completion_tokens" if is_openai_itself(settings.openai_base_url) else "max_tokens"
        self._in_flight = asyncio.Semaphore(settings.llm_max_concurrency)
        self._sleep = sleep
        self._uniform = uniform
        self._detected: Detected | None = None
        self._detecting = asyncio.Lock()

    def _tally(self) -> _Tally:
        return _Tally(provider=self.name, model=self.model)

    async def mode(self, tally: _Tally | None = None) -> Mode:
        """The structured-output mode: the configured one, or (auto) the one found out on the
        first call, once per provider, i.e. per endpoint and model."""
        configured = self._settings.openai_structured_output
        if configured != "auto":
            return configured
        async with self._detecting:
            if self._detected is None:
                self._detected = await detect_mode(
                    lambda request: self._send(request, tally or self._tally()),
                    {"model": self.model, self._limit_field: 32})
                log.info("OPENAI_STRUCTURED_OUTPUT=auto uses %s for %r at %s: %s", self._detected.mode,
                         self.model, self._client.base_url, self._detected.reason)
        return self._detected.mode

    async def _answer(self, prompt: Prompt, schema: type[T], tally: _Tally) -> T:
        mode = await self.mode(tally)
        schema_json = schema.model_json_schema()
        request = {"model": self.model, self._limit_field: self._output_limit(prompt),
                   "messages": messages_for(mode, prompt, schema_json),
                   **structure_for(mode, tool_name(schema), schema_json)}
        answer = await self._send(self._fitted(request), tally)
        value, problem = read_reply(mode, answer, schema)
        if problem is None:
            return value
        repaired = {**request, "messages": request["messages"] + repair_messages(mode, answer, schema, problem)}
        value, problem = read_reply(mode, await self._send(self._fitted(repaired), tally), schema)
        if problem is None:
            return value
        raise InvalidAnswer(self._redact(
            f"the model's answer did not fit {schema.__name__}, even after one repair: {problem}"[:600]))

    def _fitted(self, request: dict[str, Any]) -> dict[str, Any]:
        """`request` with its output limit lowered to what the context window leaves (LLM_CONTEXT_TOKENS),
        or PromptTooLarge when not even MIN_OUTPUT_TOKENS would be left: it is never sent. The window is
        LLM_CONTEXT_TOKENS, or the known one of a hosted model (shared/llm/model_limits.py)."""
        window = self.limits.context_tokens
        if window is None:
            return request
        prompt_tokens = request_tokens(request)
        room = window - prompt_tokens
        if room < MIN_OUTPUT_TOKENS:
            raise PromptTooLarge(f"the prompt needs about {prompt_tokens} tokens, more than the model's "
                                 f"context window of {window} (LLM_CONTEXT_TOKENS) leaves room for")
        return {**request, self._limit_field: min(request[self._limit_field], room)}

    def _output_limit(self, prompt: Prompt) -> int:
        cap = self.limits.max_output_tokens
        return min(prompt.max_output_tokens, cap) if cap else prompt.max_output_tokens

    async def _send(self, request: dict[str, Any], tally: _Tally) -> ChatCompletion:
        """One request, retried on transient failures with backoff, then ProviderError."""
        try:
            return await with_retries(lambda: self._send_once(request, tally), self._settings,
                                      "OpenAI-compatible API", self._sleep, self._uniform)
        except Refused:
            raise
        except ProviderError as error:
            raise ProviderError(self._redact(str(error))) from None

    async def _send_once(self, request: dict[str, Any], tally: _Tally) -> ChatCompletion:
        # Only the HTTP request holds a slot: a call waiting out a backoff leaves room to others.
        import openai
        from openai.types.chat import ChatCompletion

        async with self._in_flight:
            tally.calls += 1
            try:
                answer = await self._client.chat.completions.create(**request)
            except openai.APIStatusError as error:
                raise self._status_failure(error) from None
            except openai.APITimeoutError:
                raise Retryable(f"no answer within {self._settings.llm_timeout_seconds:g} s") from None
            except openai.APIConnectionError as error:
                raise Retryable(f"a connection error ({_cause_of(error)})") from None
            except openai.OpenAIError as error:
                raise ProviderError(self._redact(f"the OpenAI SDK failed: {error}")) from None
        if not isinstance(answer, ChatCompletion):  # a server answering with something else
            raise ProviderError(f"the endpoint's answer is not a chat completion: {str(answer)[:200]}")
        tally.add(answer)
        return answer

    def _status_failure(self, error: openai.APIStatusError) -> Exception:
        # `from None` above: the SDK's exception holds the request, whose headers hold the key.
        status = error.status_code
        described = f"{status} {error.type or 'error'}: {_api_message(error)}"
        if is_retryable_status(status):
            return Retryable(described, parse_retry_after(error.response.headers))
        return Refused(self._redact(
            f"the OpenAI-compatible API refused the request: {described}{_HINTS.get(status, '')}"), status)

    def _redact(self, text: str) -> str:
        return text.replace(self._secret, "[redacted]") if self._secret else text


def _api_message(error: openai.APIStatusError) -> str:
    body = error.body
    if isinstance(body, dict):
        inner = body.get("error") if isinstance(body.get("error"), dict) else body
        if isinstance(inner.get("message"), str):
            return inner["message"][:300]
    return (error.message or "no message")[:300]


def _cause_of(error: BaseException) -> str:
    cause = error.__cause__ or error.__context__
    return f"{type(cause).__name__}: {cause}" if cause else type(error).__name__


PROVIDER = ProviderSpec(
    name=OpenAIProvider.name, model=lambda settings: settings.openai_model,
    choice=OpenAIChoice, settings=OpenAISettings, problem=_problem,
    build=lambda settings: OpenAIProvider(settings), limits=LIMITS, prices=PRICES)
