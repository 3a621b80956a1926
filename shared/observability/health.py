"""A stage worker's health, as a job-queue worker reports it: deliveries in flight
and how the finished ones ended."""
from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class WorkerHealth:
    service: str
    active_jobs: int = 0
    succeeded: int = 0  # acknowledged, the stage did not fail
    failed: int = 0     # the stage failed (StageFailed) or the message went to the dead letters
    retried: int = 0    # handed back for another delivery
    started: float = field(default_factory=time.monotonic)

    def begin(self) -> None:
        self.active_jobs += 1

    def end(self, outcome: str) -> None:
        self.active_jobs -= 1
        if outcome == "succeeded":
            self.succeeded += 1
        elif outcome == "retry":
            self.retried += 1
        else:
            self.failed += 1

    def report(self, connected: bool) -> dict:
        return {"status": "healthy" if connected else "unhealthy", "service": self.service,
                "active_jobs": self.active_jobs, "succeeded": self.succeeded, "failed": self.failed,
                "retried": self.retried, "uptime_seconds": round(time.monotonic() - self.started, 3)}
