"""When the launcher restarts a service that exited: exponential backoff with a cap, and a crash
loop (too many restarts within a window) given up on. Pure (the caller passes the clock), so the
policy is tested without processes; ops/launcher.py does the process handling."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True)
class RestartPolicy:
    first_delay: float = 0.5      # seconds before the first restart
    factor: float = 2.0           # each restart within the window waits this much longer
    max_delay: float = 8.0        # the cap, so a service that recovers is not left waiting long
    max_restarts: int = 5         # restarts allowed within `window`; one more exit is a crash loop
    window: float = 60.0          # seconds; restarts older than this are forgiven

    def __post_init__(self) -> None:
        if self.first_delay < 0 or self.factor < 1 or self.max_delay < self.first_delay:
            raise ValueError("a restart policy needs 0 <= first_delay <= max_delay and factor >= 1")
        if self.max_restarts < 0 or self.window <= 0:
            raise ValueError("a restart policy needs max_restarts >= 0 and a positive window")


@dataclass(frozen=True)
class Restart:
    delay: float  # seconds to wait before starting the service again
    attempt: int  # how many restarts (this one included) fall within the window


@dataclass(frozen=True)
class GiveUp:
    reason: str   # for the terminal: why the service is left down


class RestartTracker:
    """One service's restart history; `exited(now)` decides what to do about its latest exit."""

    def __init__(self, policy: RestartPolicy = RestartPolicy()) -> None:
        self.policy = policy
        self._restarts: deque[float] = deque()  # when each recent restart was decided
        self.given_up = False

    def exited(self, now: float) -> Restart | GiveUp:
        policy = self.policy
        while self._restarts and now - self._restarts[0] >= policy.window:
            self._restarts.popleft()
        if self.given_up or len(self._restarts) >= policy.max_restarts:
            self.given_up = True
            return GiveUp(f"it exited {len(self._restarts) + 1} times within {policy.window:g}s "
                          f"(a crash loop); not restarting it again")
        # The backoff grows with the restarts still in the window, so a service that has run well
        # for a whole window starts again from the first delay.
        delay = min(policy.max_delay, policy.first_delay * policy.factor ** len(self._restarts))
        self._restarts.append(now)
        return Restart(delay=delay, attempt=len(self._restarts))
