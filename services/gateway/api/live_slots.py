"""How many live progress streams (SSE) are open, per user and in all. Each holds a connection,
a NATS subscription and a reader of the read tables for as long as the client keeps it, so both
are capped (SSE_MAX_PER_USER, SSE_MAX_TOTAL): one user's tabs cannot take them all, and a flood
cannot exhaust the gateway. The counts are this process's; each replica has its own caps."""
from __future__ import annotations

from collections import Counter

# A slot frees when some stream closes, which cannot be foreseen; a client is told to try again
# after about one heartbeat of the stream (live.HEARTBEAT_SECONDS).
RETRY_AFTER_SECONDS = 15


class TooManyLiveStreams(RuntimeError):
    """429: the message says which cap was reached and what to do."""


class LiveStreamSlots:
    def __init__(self, max_per_user: int, max_total: int) -> None:
        self.max_per_user, self.max_total = max_per_user, max_total
        self._open: Counter[str] = Counter()
        self.total = 0

    def take(self, user_id: str) -> "LiveStreamSlot":
        if self._open[user_id] >= self.max_per_user:
            raise TooManyLiveStreams(
                f"you already have {self._open[user_id]} live progress streams open, the most one user "
                f"may have ({self.max_per_user}); close one (another tab or window) and retry")
        if self.total >= self.max_total:
            raise TooManyLiveStreams(
                f"the gateway serves its most live progress streams ({self.max_total}) now; retry "
                "later, or poll the stage's /status meanwhile")
        self._open[user_id] += 1
        self.total += 1
        return LiveStreamSlot(self, user_id)

    def _give_back(self, user_id: str) -> None:
        self._open[user_id] -= 1
        self.total -= 1
        if self._open[user_id] <= 0:
            del self._open[user_id]


class LiveStreamSlot:
    """Given back once, however many times `release` is called (the response's end and a
    cancelled request may both try)."""

    def __init__(self, slots: LiveStreamSlots, user_id: str) -> None:
        self._slots, self._user_id, self._held = slots, user_id, True

    def release(self) -> None:
        if self._held:
            self._held = False
            self._slots._give_back(self._user_id)
