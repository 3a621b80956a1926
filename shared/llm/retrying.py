"""The retry loop every network provider shares: one request sent again on a transient failure,
after the delay the policy (retry_policy.py) gives, until the configured retries run out."""
from __future__ import annotations

import random
from typing import TYPE_CHECKING, Awaitable, Callable, TypeVar

from shared.llm.provider import ProviderError
from shared.llm.retry_policy import backoff_delay

if TYPE_CHECKING:  # the settings are built from the providers, which use this module
    from shared.llm.settings import LLMSettings

R = TypeVar("R")
Sleep = Callable[[float], Awaitable[object]]


class Retryable(Exception):
    """A failed request that may succeed if sent again; `retry_after` is the server's wish."""

    def __init__(self, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.description = description
        self.retry_after = retry_after


async def with_retries(send_once: Callable[[], Awaitable[R]], settings: LLMSettings, api: str,
                       sleep: Sleep, uniform: Callable[[], float] = random.random) -> R:
    """`send_once()` until it answers; a `Retryable` failure waits and tries again, at most
    `llm_max_retries` times, then a ProviderError naming `api` and the last failure."""
    failures = 0
    while True:
        try:
            return await send_once()
        except Retryable as failure:
            failures += 1
            if failures > settings.llm_max_retries:
                raise ProviderError(f"the {api} request failed {failures} times, the last with "
                                    f"{failure.description}; try again later") from None
            await sleep(backoff_delay(failures - 1, settings.llm_retry_base_seconds,
                                      settings.llm_retry_max_seconds, failure.retry_after, uniform))
