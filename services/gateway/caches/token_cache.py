"""Verified bearer tokens remembered until they expire, so a client that sends the same token on
every request pays for one signature check, not one per request. Bounded (least recently used goes
first); keyed by the whole token string, so a different token is never served another's identity;
only successes are stored, so a refused token is checked again each time."""
from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Callable, Generic, TypeVar

T = TypeVar("T")
DEFAULT_ENTRIES = 4096


class TokenCache(Generic[T]):
    def __init__(self, max_entries: int = DEFAULT_ENTRIES, clock: Callable[[], float] = time.time) -> None:
        if max_entries < 1:
            raise ValueError(f"a token cache needs room for at least one token, got {max_entries}")
        self._entries: OrderedDict[str, tuple[T, float]] = OrderedDict()
        self._max, self._clock = max_entries, clock
        # Verification may run in worker threads (JWKS mode): the dict's reordering must not interleave.
        self._lock = threading.Lock()

    def get(self, token: str) -> T | None:
        """What `token` was verified as, while it has not expired; None otherwise."""
        with self._lock:
            entry = self._entries.get(token)
            if entry is None:
                return None
            value, expires_at = entry
            if self._clock() >= expires_at:  # PyJWT refuses a token from its `exp` second on
                del self._entries[token]
                return None
            self._entries.move_to_end(token)
            return value

    def put(self, token: str, value: T, expires_at: float) -> None:
        if expires_at <= self._clock():
            return
        with self._lock:
            self._entries[token] = (value, expires_at)
            self._entries.move_to_end(token)
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
